// Bundles the npm package @netlify/identity, unchanged, into one browser ES module the demo site imports:
// ../site/vendor/netlify-identity.js. The site's own scripts stay plain modules that a reader can open as they are.
import { build } from 'esbuild';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const outfile = path.join(here, '..', 'site', 'vendor', 'netlify-identity.js');

await build({
  stdin: { contents: "export * from '@netlify/identity';", resolveDir: here, loader: 'js' },
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  outfile,
  legalComments: 'inline',
  logLevel: 'warning',
});
console.log(`demo site: bundled @netlify/identity into ${path.relative(process.cwd(), outfile)}`);
