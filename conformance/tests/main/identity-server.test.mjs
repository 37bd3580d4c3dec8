// @netlify/identity 2.0.0, unmodified, in server mode (as inside a Netlify Function): session cookies,
// refresh, the admin API with the operator token, and AuthError statuses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import * as identity from '@netlify/identity';
import { suite, freshEmail } from '../../lib/env.mjs';
import { awaitMailToken } from '../../lib/mail.mjs';
import { installFunctionContext } from '../../lib/netlify-context.mjs';
import { decode, sign } from '../../lib/jwt.mjs';

const password = 'server secret';

async function authError(promise, status) {
  let error;
  try {
    await promise;
  } catch (e) {
    error = e;
  }
  assert.ok(error instanceof identity.AuthError, `expected an AuthError, got ${error}`);
  assert.equal(error.status, status, error.message);
  return error;
}

async function confirmedUser(tag) {
  installFunctionContext(suite.base);
  const email = freshEmail(tag);
  await identity.signup(email, password, { full_name: 'Server Sam' });
  const { token } = await awaitMailToken(suite.inbox, email, 'confirmation');
  await identity.confirmEmail(token);
  return email;
}

test('login sets the session cookies, getUser reads them, logout clears them', async () => {
  const email = await confirmedUser('server');
  const cookies = installFunctionContext(suite.base);
  const user = await identity.login(email, password);
  assert.equal(user.email, email);
  assert.equal(user.name, 'Server Sam');
  const jwt = cookies.get('nf_jwt');
  assert.equal(decode(jwt).claims.email, email);
  assert.ok(cookies.get('nf_refresh'));

  const current = await identity.getUser();
  assert.equal(current.id, user.id);
  assert.ok(current.confirmedAt, "confirmed");

  await identity.logout();
  assert.equal(cookies.get('nf_jwt'), undefined);
  assert.equal(cookies.get('nf_refresh'), undefined);
});

test('refreshSession exchanges an expiring session for a new one', async () => {
  const email = await confirmedUser('server-refresh');
  const cookies = installFunctionContext(suite.base);
  const user = await identity.login(email, password);
  const { claims } = decode(cookies.get('nf_jwt'));
  const expiring = sign({ ...claims, exp: Math.floor(Date.now() / 1000) + 30 }, suite.tokenKey);
  const refreshBefore = cookies.get('nf_refresh');
  cookies.set({ name: 'nf_jwt', value: expiring });
  const fresh = await identity.refreshSession();
  assert.ok(fresh);
  assert.notEqual(fresh, expiring);
  assert.equal(decode(fresh).claims.sub, user.id);
  const current = cookies.get('nf_refresh');
  assert.notEqual(current, refreshBefore, 'the refresh token rotated');

  // Within GOTRUE_SECURITY_REFRESH_TOKEN_REUSE_INTERVAL a used refresh token (a concurrent request's) gets the
  // session's current tokens; after it, it would revoke the session.
  cookies.set({ name: 'nf_jwt', value: expiring });
  cookies.set({ name: 'nf_refresh', value: refreshBefore });
  const again = await identity.refreshSession();
  assert.ok(again, 'a used refresh token presented at once goes on');
  assert.equal(cookies.get('nf_refresh'), current, 'with the current refresh token, not a new one');
  assert.equal(decode(again).claims.session_id, decode(fresh).claims.session_id);

  cookies.set({ name: 'nf_jwt', value: expiring });
  cookies.set({ name: 'nf_refresh', value: 'never-issued' });
  assert.equal(await identity.refreshSession(), null, 'an unknown refresh token ends the session');
  assert.equal(cookies.get('nf_jwt'), undefined);
});

test('the admin API with the operator token', async () => {
  installFunctionContext(suite.base, { url: suite.identityUrl, token: suite.operatorToken });
  const email = freshEmail('managed');
  const created = await identity.admin.createUser({
    email,
    password: 'managed secret',
    data: { app_metadata: { roles: ['editor'] }, user_metadata: { full_name: 'Managed' } },
  });
  assert.equal(created.email, email);
  assert.ok(created.confirmedAt, "confirmed");
  assert.deepEqual(created.roles, ['editor']);

  const page = await identity.admin.listUsers({ page: 1, perPage: 500 });
  assert.ok(page.some((u) => u.id === created.id));
  const fetched = await identity.admin.getUser(created.id);
  assert.equal(fetched.name, 'Managed');
  const updated = await identity.admin.updateUser(created.id, { role: 'admin', user_metadata: { full_name: 'Boss' } });
  assert.equal(updated.role, 'admin');
  assert.equal(updated.name, 'Boss');
  await identity.admin.deleteUser(created.id);
  await authError(identity.admin.getUser(created.id), 404);

  installFunctionContext(suite.base);
  await authError(identity.login(email, 'managed secret'), 400);
});

test('AuthError statuses: 422 validation, 404 unknown user, 401 bad credentials, 400 wrong password', async () => {
  installFunctionContext(suite.base);
  await authError(identity.signup(freshEmail('bad'), ''), 422);
  await authError(identity.signup('not an email', password), 422);
  const email = await confirmedUser('statuses');
  installFunctionContext(suite.base);
  const wrong = await authError(identity.login(email, 'wrong'), 400);
  assert.equal(wrong.message, 'No user found with that email, or password invalid.');

  installFunctionContext(suite.base, { url: suite.identityUrl, token: suite.operatorToken });
  await authError(identity.admin.getUser(randomUUID()), 404);
  installFunctionContext(suite.base, { url: suite.identityUrl, token: 'not-the-operator-token' });
  await authError(identity.admin.listUsers(), 401);
  const expired = sign({ sub: randomUUID(), email, exp: Math.floor(Date.now() / 1000) - 10, app_metadata: {},
    user_metadata: {} }, suite.tokenKey);
  installFunctionContext(suite.base, { url: suite.identityUrl, token: expired });
  await authError(identity.admin.listUsers(), 401);
});

test('raw status checks for a missing, invalid or expired bearer token', async () => {
  const noToken = await fetch(`${suite.identityUrl}/user`);
  assert.equal(noToken.status, 401);
  assert.deepEqual(await noToken.json(), { code: 401, msg: 'This endpoint requires a Bearer token' });
  const invalid = await fetch(`${suite.identityUrl}/user`, { headers: { Authorization: 'Bearer nope' } });
  assert.equal(invalid.status, 401);
  const expired = sign({ sub: randomUUID(), exp: Math.floor(Date.now() / 1000) - 10 }, suite.tokenKey);
  const old = await fetch(`${suite.identityUrl}/user`, { headers: { Authorization: `Bearer ${expired}` } });
  assert.equal(old.status, 401);
  assert.deepEqual(await old.json(), { code: 401, msg: 'Invalid token: token is expired' });
});
