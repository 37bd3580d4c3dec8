#!/usr/bin/env node
// Serves a folder of Netlify-style functions for Tessera's function gateway (TESSERA_FUNCTIONS_URL).
//   tessera-functions --dir netlify/functions [--port 9999] [--host 127.0.0.1]
import { createFunctionHost } from '../src/index.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 && at + 1 < args.length ? args[at + 1] : fallback;
};

const dir = option('dir', 'netlify/functions');
const host = option('host', '127.0.0.1');
const port = Number(option('port', process.env.PORT ?? '9999'));

const server = createFunctionHost({ dir });
server.listen(port, host, () => {
  const address = server.address();
  console.log(`tessera-functions listening on http://${host}:${address.port} serving ${dir}`);
});
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
