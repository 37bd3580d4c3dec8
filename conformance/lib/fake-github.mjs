// A GitHub Enterprise for the OAuth conformance tests, in the run's own process: the consent page signs in the
// account a test queued (POST /_test/next-sign-in) and redirects back with a one-time code, or with the error a
// test asked for; the token endpoint checks the client and the code (JSON only for Accept: application/json, as
// GitHub); the profile API sits under /api/v3. The suite reaches it through GOTRUE_EXTERNAL_GITHUB_URL.
import { createServer } from 'node:http';
import { randomBytes } from 'node:crypto';

export const clientId = 'conformance-github-client';
export const clientSecret = `conformance-github-secret-${randomBytes(8).toString('hex')}`;

function readBody(req) {
  return new Promise((resolve) => {
    let data = '';
    req.on('data', (c) => { data += c; });
    req.on('end', () => resolve(data));
  });
}

function send(res, status, type, body) {
  res.writeHead(status, { 'Content-Type': type });
  res.end(body);
}

export async function startFakeGitHub() {
  const codes = new Map();
  const tokens = new Map();
  let next = null;
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://github.invalid');
    if (req.method === 'POST' && url.pathname === '/_test/next-sign-in') {
      next = JSON.parse(await readBody(req));
      return send(res, 204, 'text/plain', '');
    }
    if (url.pathname === '/login/oauth/authorize') {
      if (url.searchParams.get('client_id') !== clientId || !next) return send(res, 400, 'text/plain', 'no sign-in queued');
      const back = new URL(url.searchParams.get('redirect_uri'));
      if (next.deny) {
        back.searchParams.set('error', 'access_denied');
        back.searchParams.set('error_description', 'The user has denied your application access.');
      } else {
        const code = randomBytes(10).toString('hex');
        codes.set(code, next);
        back.searchParams.set('code', code);
      }
      back.searchParams.set('state', url.searchParams.get('state') ?? '');
      res.writeHead(302, { Location: back.toString() });
      return res.end();
    }
    if (req.method === 'POST' && url.pathname === '/login/oauth/access_token') {
      const form = new URLSearchParams(await readBody(req));
      const account = codes.get(form.get('code'));
      codes.delete(form.get('code'));
      let answer;
      if (form.get('client_id') !== clientId || form.get('client_secret') !== clientSecret) {
        answer = { error: 'incorrect_client_credentials' };
      } else if (!account) {
        answer = { error: 'bad_verification_code' };
      } else {
        const token = `gho_${randomBytes(16).toString('hex')}`;
        tokens.set(token, account);
        answer = { access_token: token, token_type: 'bearer', scope: 'user:email' };
      }
      if ((req.headers.accept ?? '').includes('application/json')) {
        return send(res, 200, 'application/json', JSON.stringify(answer));
      }
      return send(res, 200, 'application/x-www-form-urlencoded', new URLSearchParams(answer).toString());
    }
    if (url.pathname === '/api/v3/user' || url.pathname === '/api/v3/user/emails') {
      const account = tokens.get((req.headers.authorization ?? '').replace(/^(bearer|token) /i, ''));
      if (!account) return send(res, 401, 'application/json', '{"message":"Bad credentials"}');
      if (url.pathname.endsWith('/emails')) {
        return send(res, 200, 'application/json', JSON.stringify(account.emails));
      }
      return send(res, 200, 'application/json', JSON.stringify({
        login: account.login, name: account.name, avatar_url: account.avatar_url, email: null,
      }));
    }
    return send(res, 404, 'application/json', '{"message":"Not Found"}');
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    stop: () => new Promise((resolve) => server.close(resolve)),
  };
}

/** Queues the account the next visit to the consent page signs in as ({ deny: true } to refuse consent). */
export async function nextGitHubSignIn(githubUrl, account) {
  const res = await fetch(`${githubUrl}/_test/next-sign-in`, { method: 'POST', body: JSON.stringify(account) });
  if (res.status !== 204) throw new Error(`could not queue a GitHub sign-in: ${res.status}`);
}

/**
 * Follows an OAuth sign-in the way a browser does: every redirect, with a cookie jar, until it lands back on the
 * site. Returns the landing URL (with the fragment the client reads).
 */
export async function followSignIn(startUrl, siteBase) {
  const cookies = new Map();
  let next = startUrl;
  for (let hop = 0; hop < 6; hop += 1) {
    const target = new URL(next);
    const jar = target.origin === new URL(siteBase).origin
      ? [...cookies.entries()].map(([k, v]) => `${k}=${v}`).join('; ') : '';
    const res = await fetch(next, { redirect: 'manual', headers: jar ? { Cookie: jar, Referer: `${siteBase}/` } : { Referer: `${siteBase}/` } });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const [name, ...value] = pair.split('=');
      cookies.set(name.trim(), value.join('='));
    }
    if (res.status !== 302) throw new Error(`${next} answered ${res.status}: ${await res.text()}`);
    next = new URL(res.headers.get('location'), next).toString();
    if (next.startsWith(`${siteBase}/#`) || next.startsWith(`${siteBase}#`) || next === siteBase || next === `${siteBase}/`) {
      return next;
    }
  }
  throw new Error('the sign-in never came back to the site');
}
