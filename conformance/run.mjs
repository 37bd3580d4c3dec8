// The conformance run: starts a suite per server configuration the clients must meet, runs that
// configuration's test files against it with Node's test runner, and stops it. Exits non-zero if any test
// failed or a suite would not start.
//
//   npm ci && node run.mjs            (after ./mvnw package, which builds the services and the launcher)
//   node run.mjs main                 (only some configurations)
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { repoRoot, startStack, stopBroker } from './lib/stack.mjs';
import { chromiumPath } from './lib/chromium-path.mjs';
import { startFakeGitHub, clientId as githubClient, clientSecret as githubSecret } from './lib/fake-github.mjs';
import { generateEs256Key } from './lib/jwt.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

const github = await startFakeGitHub();

/** GitHub sign-in, in every configuration, against the run's GitHub double. */
const withGitHub = (settings) => (ports) => ({
  GOTRUE_EXTERNAL_GITHUB_ENABLED: 'true',
  GOTRUE_EXTERNAL_GITHUB_CLIENT_ID: githubClient,
  GOTRUE_EXTERNAL_GITHUB_SECRET: githubSecret,
  GOTRUE_EXTERNAL_GITHUB_REDIRECT_URI: `http://localhost:${ports.TESSERA_PORT}/.netlify/identity/callback`,
  GOTRUE_EXTERNAL_GITHUB_URL: github.url,
  ...settings,
});

// Each configuration: its server settings and the directory of test files it runs (by default its own name).
const configurations = {
  // GoTrue's defaults: confirmation by mail, signups open, HS256 tokens under GOTRUE_JWT_SECRET.
  main: { env: withGitHub({}) },
  // The same tests with ES256 tokens from a key of the run's own (what TESSERA_JWT_ALGORITHM=ES256 gives ./run.sh).
  es256: { tests: 'main', key: generateEs256Key('conformance-es256'), env: withGitHub({}) },
  // Also GoTrue's own email change (one link, to the new address) and no notices, as netlify/gotrue behaves.
  autoconfirm: {
    env: withGitHub({
      GOTRUE_MAILER_AUTOCONFIRM: 'true',
      GOTRUE_MAILER_SECURE_EMAIL_CHANGE_ENABLED: 'false',
      GOTRUE_MAILER_NOTIFICATIONS_EMAIL_CHANGED_ENABLED: 'false',
      GOTRUE_MAILER_NOTIFICATIONS_PASSWORD_CHANGED_ENABLED: 'false',
    }),
  },
  closed: { env: withGitHub({ GOTRUE_DISABLE_SIGNUP: 'true' }) },
  // The demo site the launcher serves at / (samples/demo-site), in Debian's chromium; GoTrue's defaults.
  browser: { env: withGitHub({}) },
};

/** The configuration's settings, with its signing key as GOTRUE_JWT_KEYS when it has one. */
const settingsOf = (configuration) => (ports) => ({
  ...configuration.env(ports),
  ...(configuration.key ? { GOTRUE_JWT_KEYS: JSON.stringify([configuration.key]) } : {}),
});

/** What a configuration needs besides the suite, as a reason it cannot run, or null. */
function missing(name) {
  if (name !== 'browser') return null;
  if (!existsSync(chromiumPath)) {
    return `${chromiumPath} is missing (apt-get install -y chromium; TESSERA_CHROMIUM names another)`;
  }
  if (!existsSync(path.join(repoRoot, 'samples/demo-site/site/vendor/netlify-identity.js'))) {
    return 'the demo site is not built (samples/demo-site/build/build.sh)';
  }
  return null;
}

function runTests(files, stack, key) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--test', '--test-reporter=spec', '--test-concurrency=2', ...files], {
      cwd: here,
      stdio: 'inherit',
      env: {
        ...process.env,
        CONFORMANCE_BASE_URL: stack.base,
        CONFORMANCE_INBOX_URL: stack.inbox,
        CONFORMANCE_JWT_SECRET: stack.jwtSecret,
        ...(key ? { CONFORMANCE_JWT_KEY: JSON.stringify(key) } : {}),
        CONFORMANCE_OPERATOR_TOKEN: stack.operatorToken,
        CONFORMANCE_GITHUB_URL: github.url,
      },
    });
    child.on('exit', (code) => resolve(code ?? 1));
  });
}

const wanted = process.argv.slice(2);
const failures = [];
try {
  for (const [name, configuration] of Object.entries(configurations)) {
    if (wanted.length && !wanted.includes(name)) continue;
    const dir = path.join(here, 'tests', configuration.tests ?? name);
    const files = readdirSync(dir).filter((f) => f.endsWith('.test.mjs')).sort().map((f) => path.join(dir, f));
    console.log(`\n=== conformance: ${name} (${files.length} files) ===`);
    const reason = missing(name);
    if (reason) {
      failures.push(`${name}: ${reason}`);
      continue;
    }
    let stack;
    try {
      stack = await startStack(name, settingsOf(configuration));
      console.log(`suite at ${stack.base}, inbox ${stack.inbox}`);
      const code = await runTests(files, stack, configuration.key);
      if (code !== 0) failures.push(`${name}: tests failed`);
    } catch (e) {
      failures.push(`${name}: ${e.message}`);
    } finally {
      if (stack) await stack.stop();
    }
  }
} finally {
  await stopBroker();
  await github.stop();
}
if (failures.length) {
  console.error(`\nconformance failed:\n  ${failures.join('\n  ')}`);
  process.exit(1);
}
console.log('\nconformance: every configuration passed');
