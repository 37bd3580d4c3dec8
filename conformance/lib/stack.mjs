// Starts a Tessera suite for the conformance tests with the project's own launcher
// (local-suite/target/local-suite.jar): a fresh PostgreSQL database, the run's Kafka broker under a fresh
// topic prefix, an in-process SMTP inbox, the four services and the gateway, all on free ports.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import pg from 'pg';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '..', '..');
const launcherJar = path.join(repoRoot, 'local-suite', 'target', 'local-suite.jar');
const javaBin = process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'java') : 'java';

// A port for the suite, with the one 1000 above it (a service's health and metrics) free too. Both lie below the
// kernel's ephemeral range (from 32768 on Linux): a port the kernel handed out is free when checked but can be taken
// by any outgoing connection before the service binds it. A port is handed out once per test process.
const handedOut = new Set();
const MANAGEMENT_OFFSET = 1000;

function bindable(port) {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

export async function freePort() {
  for (let attempt = 0; attempt < 1000; attempt++) {
    const port = 20000 + Math.floor(Math.random() * (32768 - MANAGEMENT_OFFSET - 20000));
    const management = port + MANAGEMENT_OFFSET;
    if (handedOut.has(port) || handedOut.has(management)) continue;
    if ((await bindable(port)) && (await bindable(management)) && !handedOut.has(port)) {
      handedOut.add(port);
      handedOut.add(management);
      return port;
    }
  }
  throw new Error('no free port pair between 20000 and 31767');
}

function serverUrl() {
  return process.env.TESSERA_TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
}

async function withAdminClient(fn) {
  const client = new pg.Client({ connectionString: serverUrl() });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function createDatabase() {
  const name = `tessera_conformance_${randomBytes(6).toString('hex')}`;
  await withAdminClient((c) => c.query(`create database ${name}`));
  const url = new URL(serverUrl());
  url.pathname = `/${name}`;
  return { name, url: url.toString() };
}

async function dropDatabase(name) {
  await withAdminClient((c) => c.query(`drop database if exists ${name} with (force)`));
}

/** Waits for a line matching `pattern` on a child's output; rejects if the child exits first. */
function waitForLine(child, pattern, timeoutMs, label) {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => {
      reject(new Error(`${label} did not start within ${timeoutMs / 1000}s. Output:\n${seen.slice(-4000)}`));
    }, timeoutMs);
    const onData = (chunk) => {
      seen += chunk.toString();
      const match = seen.match(pattern);
      if (match) {
        clearTimeout(timer);
        resolve(match);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${label} exited with ${code} before it was ready. Output:\n${seen.slice(-4000)}`));
    });
  });
}

function stopChild(child, timeoutMs = 60_000) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

let sharedBroker;

/** The run's broker: the one test.sh started, or one started here for a standalone run. */
async function brokerBootstrap() {
  if (process.env.TESSERA_TEST_KAFKA_BOOTSTRAP) return process.env.TESSERA_TEST_KAFKA_BOOTSTRAP;
  if (!sharedBroker) {
    const child = spawn(javaBin, ['-Xmx256m', '-jar', launcherJar, 'kafka-broker', '--exit-with', String(process.pid)], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const [, bootstrap] = await waitForLine(child, /KAFKA_BOOTSTRAP_SERVERS=(\S+)/, 180_000, 'The Kafka broker');
    sharedBroker = { child, bootstrap };
  }
  return sharedBroker.bootstrap;
}

export async function stopBroker() {
  if (sharedBroker) await stopChild(sharedBroker.child);
  sharedBroker = undefined;
}

/**
 * Starts one suite. `env` holds GoTrue settings for this stack (GOTRUE_MAILER_AUTOCONFIRM, ...), or is a function
 * of the chosen ports that returns them (for settings that name the suite's own URL).
 * Resolves to { base, inbox, jwtSecret, operatorToken, stop() }.
 */
export async function startStack(label, env = {}) {
  const database = await createDatabase();
  const ports = {
    TESSERA_PORT: await freePort(),
    TESSERA_INBOX_PORT: await freePort(),
    TESSERA_SMTP_PORT: await freePort(),
    TESSERA_AUTH_SERVICE_PORT: await freePort(),
    TESSERA_USER_SERVICE_PORT: await freePort(),
    TESSERA_HOOK_SERVICE_PORT: await freePort(),
    TESSERA_MAIL_SERVICE_PORT: await freePort(),
  };
  const jwtSecret = `conformance-${randomBytes(24).toString('hex')}`;
  const operatorToken = `operator-${randomBytes(16).toString('hex')}`;
  const childEnv = {
    ...process.env,
    ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])),
    DATABASE_URL: database.url,
    KAFKA_BOOTSTRAP_SERVERS: await brokerBootstrap(),
    TESSERA_KAFKA_TOPIC_PREFIX: `conf${randomBytes(4).toString('hex')}.`,
    GOTRUE_JWT_SECRET: jwtSecret,
    GOTRUE_OPERATOR_TOKEN: operatorToken,
    GOTRUE_SMTP_MAX_FREQUENCY: '1s',
    ...(typeof env === 'function' ? env(ports) : env),
  };
  delete childEnv.GOTRUE_SMTP_HOST;
  const child = spawn(javaBin, ['-Xmx256m', '-jar', launcherJar, '--root', repoRoot], {
    cwd: repoRoot,
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => { output += d.toString(); });
  child.stderr.on('data', (d) => { output += d.toString(); });
  try {
    await waitForLine(child, /Tessera is running/, 300_000, `The ${label} suite`);
  } catch (e) {
    await stopChild(child);
    await dropDatabase(database.name).catch(() => {});
    throw e;
  }
  const base = `http://localhost:${ports.TESSERA_PORT}`;
  return {
    label,
    base,
    identityUrl: `${base}/.netlify/identity`,
    inbox: `http://localhost:${ports.TESSERA_INBOX_PORT}`,
    jwtSecret,
    operatorToken,
    output: () => output,
    async stop() {
      await stopChild(child);
      await dropDatabase(database.name).catch((e) => console.error(`could not drop ${database.name}: ${e.message}`));
    },
  };
}
