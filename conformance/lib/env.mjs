// What a test file knows about the suite it runs against; run.mjs passes it in the environment.
export const suite = {
  base: process.env.CONFORMANCE_BASE_URL,
  identityUrl: `${process.env.CONFORMANCE_BASE_URL}/.netlify/identity`,
  inbox: process.env.CONFORMANCE_INBOX_URL,
  // The key access tokens are signed with: the HS256 secret, or the ES256 private JWK of the es256 configuration.
  tokenKey: process.env.CONFORMANCE_JWT_KEY ? JSON.parse(process.env.CONFORMANCE_JWT_KEY)
    : process.env.CONFORMANCE_JWT_SECRET,
  operatorToken: process.env.CONFORMANCE_OPERATOR_TOKEN,
  github: process.env.CONFORMANCE_GITHUB_URL,
};

if (!suite.base) {
  throw new Error('run the conformance tests through conformance/run.mjs (npm test), which starts the suite');
}

let counter = 0;
/** A fresh address for this file's run, with a '+' to check it survives every encoding. */
export function freshEmail(tag) {
  counter += 1;
  return `${tag}+${Date.now().toString(36)}${counter}${Math.random().toString(36).slice(2, 6)}@example.com`;
}

/** Calls the admin API with the operator token, the way a Netlify function's identity token would. */
export async function operator(method, path, body) {
  const res = await fetch(`${suite.identityUrl}${path}`, {
    method,
    headers: { Authorization: `Bearer ${suite.operatorToken}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}
