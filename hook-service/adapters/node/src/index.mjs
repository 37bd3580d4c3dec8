// Tessera's adapter for Netlify-style functions behind the function gateway.
//
// hook-service forwards /.netlify/functions/<name> to a function host and hands each request the clientContext
// Netlify gives functions, in one header: X-Tessera-Client-Context, base64 of the JSON
// {"identity":{"url","token"},"user":{<JWT claims>}} (exactly Netlify's clientContext.custom.netlify). This module
// decodes it, gives it to Lambda-style handlers as context.clientContext, and exposes it as
// globalThis.netlifyIdentityContext ({url, token, user}) while the function runs, which is what @netlify/identity
// reads in server mode (getUser(), admin.*). The globals are per request (AsyncLocalStorage), so concurrent
// requests never see each other's user.

import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export const CLIENT_CONTEXT_HEADER = 'x-tessera-client-context';

const FUNCTION_NAME = /^[A-Za-z0-9_-]+$/;
const scope = new AsyncLocalStorage();
let globalsInstalled = false;

/**
 * Decodes the header into Netlify's clientContext: {identity: {url, token}, user?, custom: {netlify: <header>}}.
 * Returns an empty object for a missing or unreadable header (a function called without the gateway).
 */
export function decodeClientContext(headerValue) {
  if (!headerValue) {
    return {};
  }
  try {
    const decoded = JSON.parse(Buffer.from(String(headerValue), 'base64').toString('utf8'));
    const context = { custom: { netlify: String(headerValue) } };
    if (decoded && typeof decoded.identity === 'object') {
      context.identity = decoded.identity;
    }
    if (decoded && typeof decoded.user === 'object' && decoded.user !== null) {
      context.user = decoded.user;
    }
    return context;
  } catch {
    return {};
  }
}

/** The clientContext of a request's headers (a Node IncomingHttpHeaders object or a Fetch Headers). */
export function clientContextFrom(headers) {
  const value = typeof headers?.get === 'function' ? headers.get(CLIENT_CONTEXT_HEADER) : headers?.[CLIENT_CONTEXT_HEADER];
  return decodeClientContext(value);
}

/**
 * Makes globalThis.netlifyIdentityContext and globalThis.Netlify read the current request's values. Called once;
 * outside a request both read as they did before.
 */
export function installGlobals() {
  if (globalsInstalled) {
    return;
  }
  globalsInstalled = true;
  const outsideIdentity = globalThis.netlifyIdentityContext;
  const outsideNetlify = globalThis.Netlify;
  Object.defineProperty(globalThis, 'netlifyIdentityContext', {
    configurable: true,
    get() {
      const current = scope.getStore();
      return current ? current.identityContext : outsideIdentity;
    },
  });
  Object.defineProperty(globalThis, 'Netlify', {
    configurable: true,
    get() {
      const current = scope.getStore();
      return current ? { context: current.netlifyContext, env: netlifyEnv } : outsideNetlify;
    },
  });
}

/** Runs fn with the globals @netlify/identity reads set from this clientContext (and Netlify v2 context). */
export function runWithClientContext(clientContext, netlifyContext, fn) {
  installGlobals();
  const identity = clientContext && clientContext.identity;
  const identityContext = identity && identity.url
    ? { url: identity.url, token: identity.token, user: clientContext.user }
    : undefined;
  return scope.run({ identityContext, netlifyContext: netlifyContext ?? null }, fn);
}

const netlifyEnv = {
  get: (name) => process.env[name],
  has: (name) => Object.prototype.hasOwnProperty.call(process.env, name),
  set: (name, value) => { process.env[name] = value; },
  delete: (name) => { delete process.env[name]; },
  toObject: () => ({ ...process.env }),
};

/** Netlify's v2 cookies API over a request's Cookie header; what a function sets becomes Set-Cookie headers. */
export function cookieJar(cookieHeader) {
  const values = new Map();
  for (const part of String(cookieHeader ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) {
      const name = part.slice(0, eq).trim();
      const raw = part.slice(eq + 1).trim();
      try {
        values.set(name, decodeURIComponent(raw));
      } catch {
        values.set(name, raw);
      }
    }
  }
  const setCookies = [];
  const serialize = (cookie) => {
    let text = `${cookie.name}=${encodeURIComponent(cookie.value ?? '')}`;
    if (cookie.path) text += `; Path=${cookie.path}`;
    if (cookie.domain) text += `; Domain=${cookie.domain}`;
    if (cookie.expires) text += `; Expires=${new Date(cookie.expires).toUTCString()}`;
    if (cookie.maxAge !== undefined) text += `; Max-Age=${cookie.maxAge}`;
    if (cookie.httpOnly) text += '; HttpOnly';
    if (cookie.secure) text += '; Secure';
    if (cookie.sameSite) text += `; SameSite=${cookie.sameSite}`;
    return text;
  };
  return {
    get: (name) => values.get(name),
    set: (nameOrCookie, value) => {
      const cookie = typeof nameOrCookie === 'string' ? { name: nameOrCookie, value } : nameOrCookie;
      values.set(cookie.name, cookie.value);
      setCookies.push(serialize(cookie));
    },
    delete: (nameOrOptions) => {
      const options = typeof nameOrOptions === 'string' ? { name: nameOrOptions } : nameOrOptions;
      values.delete(options.name);
      setCookies.push(serialize({ ...options, value: '', path: options.path ?? '/', expires: 0 }));
    },
    setCookies,
  };
}

/** Finds <dir>/<name>.{mjs,js,cjs} or <dir>/<name>/{<name>,index}.{mjs,js,cjs}. */
export function locateFunction(dir, name) {
  if (!FUNCTION_NAME.test(name)) {
    return null;
  }
  const candidates = [];
  for (const ext of ['.mjs', '.js', '.cjs']) {
    candidates.push(path.join(dir, name + ext), path.join(dir, name, name + ext), path.join(dir, name, 'index' + ext));
  }
  return candidates.find((file) => existsSync(file)) ?? null;
}

const modules = new Map();

async function load(file) {
  if (!modules.has(file)) {
    modules.set(file, import(pathToFileURL(file).href));
  }
  return modules.get(file);
}

/** The URL the client used: the gateway passes X-Forwarded-Proto and X-Forwarded-Host. */
function publicUrl(req, name, rest) {
  const forwardedHost = req.headers['x-forwarded-host'];
  const proto = String(req.headers['x-forwarded-proto'] ?? 'http').split(',')[0].trim();
  const host = String(forwardedHost ?? req.headers.host ?? 'localhost').split(',')[0].trim();
  const query = req.url.includes('?') ? req.url.slice(req.url.indexOf('?')) : '';
  const pathname = forwardedHost ? `/.netlify/functions/${name}${rest}` : `/${name}${rest}`;
  return new URL(`${proto}://${host}${pathname}${query}`);
}

function functionHeaders(req) {
  const headers = {};
  for (const [key, value] of Object.entries(req.headers)) {
    if (key !== CLIENT_CONTEXT_HEADER) {
      headers[key] = Array.isArray(value) ? value.join(', ') : value;
    }
  }
  return headers;
}

/** Calls a v2 (default export, Fetch API) function. */
async function invokeV2(handler, req, body, url, clientContext) {
  const cookies = cookieJar(req.headers.cookie);
  const headers = new Headers();
  for (const [key, value] of Object.entries(functionHeaders(req))) {
    headers.set(key, value);
  }
  const hasBody = body.length > 0 && req.method !== 'GET' && req.method !== 'HEAD';
  const request = new Request(url, { method: req.method, headers, body: hasBody ? body : undefined });
  const context = {
    clientContext,
    cookies,
    // The gateway names the client as its trusted proxies vouch for it, under Netlify's header.
    ip: req.headers['x-nf-client-connection-ip'] ?? req.socket.remoteAddress,
    params: {},
    requestId: randomUUID(),
    site: { url: url.origin },
    url,
    json: (value, init) => Response.json(value, init),
    waitUntil: () => {},
    log: (...args) => console.log(...args),
  };
  const response = await runWithClientContext(clientContext, context, () => handler(request, context));
  if (!(response instanceof Response)) {
    return { status: 204, headers: cookies.setCookies.length ? { 'set-cookie': cookies.setCookies } : {}, body: Buffer.alloc(0) };
  }
  const out = {};
  response.headers.forEach((value, key) => {
    if (key !== 'set-cookie') out[key] = value;
  });
  const setCookie = [...(response.headers.getSetCookie?.() ?? []), ...cookies.setCookies];
  if (setCookie.length) out['set-cookie'] = setCookie;
  return { status: response.status, headers: out, body: Buffer.from(await response.arrayBuffer()) };
}

/** Calls a v1 (exports.handler, Lambda-style) function. */
async function invokeV1(handler, req, body, url, clientContext, name) {
  const headers = functionHeaders(req);
  const query = {};
  const multiQuery = {};
  for (const [key, value] of url.searchParams) {
    query[key] = value;
    (multiQuery[key] ??= []).push(value);
  }
  const event = {
    rawUrl: url.href,
    rawQuery: url.search.replace(/^\?/, ''),
    path: url.pathname,
    httpMethod: req.method,
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    queryStringParameters: query,
    multiValueQueryStringParameters: multiQuery,
    body: body.length ? body.toString('utf8') : null,
    isBase64Encoded: false,
  };
  const context = {
    clientContext,
    identity: clientContext.identity,
    functionName: name,
    awsRequestId: randomUUID(),
    callbackWaitsForEmptyEventLoop: true,
  };
  const result = await runWithClientContext(clientContext, null, () => new Promise((resolve, reject) => {
    const maybe = handler(event, context, (error, value) => (error ? reject(error) : resolve(value)));
    if (maybe && typeof maybe.then === 'function') {
      maybe.then(resolve, reject);
    }
  }));
  if (!result) {
    return { status: 204, headers: {}, body: Buffer.alloc(0) };
  }
  const out = { ...(result.headers ?? {}) };
  for (const [key, values] of Object.entries(result.multiValueHeaders ?? {})) {
    out[key] = values;
  }
  const payload = result.body == null ? Buffer.alloc(0)
    : Buffer.from(String(result.body), result.isBase64Encoded ? 'base64' : 'utf8');
  return { status: result.statusCode ?? 200, headers: out, body: payload };
}

/** Runs one function for a Node request; the module's default export is a v2 function, `handler` a v1 one. */
export async function invokeFunction(file, name, rest, req, body) {
  const mod = await load(file);
  const url = publicUrl(req, name, rest);
  const clientContext = clientContextFrom(req.headers);
  const v2 = typeof mod.default === 'function' ? mod.default : null;
  const v1 = typeof mod.handler === 'function' ? mod.handler
    : typeof mod.default?.handler === 'function' ? mod.default.handler : null;
  if (v2) {
    return invokeV2(v2, req, body, url, clientContext);
  }
  if (v1) {
    return invokeV1(v1, req, body, url, clientContext, name);
  }
  throw new Error(`${file} exports neither a default function nor a handler`);
}

function send(res, status, headers, body) {
  res.writeHead(status, headers);
  res.end(body);
}

/**
 * A function host: serves every function of `dir` at /<name>[/<rest>]. A function whose name ends in
 * -background answers 202 at once and runs on, as Netlify's background functions do.
 */
export function createFunctionHost({ dir, log = console }) {
  const root = path.resolve(dir);
  // An access token carries app_metadata and user_metadata (up to 16 KB each) and the client context carries them
  // again, base64: Node's default 16 KB of headers answered 431 to users with a few KB of metadata.
  return createServer({ maxHeaderSize: 256 * 1024 }, (req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', async () => {
      const body = Buffer.concat(chunks);
      const pathname = new URL(req.url, 'http://host').pathname;
      const match = /^\/([^/]+)(\/.*)?$/.exec(pathname);
      const name = match ? decodeURIComponent(match[1]) : '';
      const file = match ? locateFunction(root, name) : null;
      if (!file) {
        send(res, 404, { 'content-type': 'application/json' }, JSON.stringify({ code: 404, msg: 'Function not found' }));
        return;
      }
      const run = invokeFunction(file, name, match[2] ?? '', req, body);
      if (name.endsWith('-background')) {
        send(res, 202, {}, '');
        run.catch((error) => log.error(`background function ${name} failed:`, error));
        return;
      }
      try {
        const answer = await run;
        send(res, answer.status, answer.headers, answer.body);
      } catch (error) {
        log.error(`function ${name} failed:`, error);
        send(res, 500, { 'content-type': 'application/json' },
          JSON.stringify({ errorType: error?.name ?? 'Error', errorMessage: String(error?.message ?? error) }));
      }
    });
  });
}
