// Where Debian's chromium is (the browser tests never download one); TESSERA_CHROMIUM names another binary.
export const chromiumPath = process.env.TESSERA_CHROMIUM || '/usr/bin/chromium';
