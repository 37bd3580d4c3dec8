// gotrue-js 1.0.1, unmodified, in plain Node: every call a GoTrue client makes, against the real suite.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import GoTrue from 'gotrue-js';
import { suite, freshEmail, operator } from '../../lib/env.mjs';
import { awaitMailToken } from '../../lib/mail.mjs';
import { decode, generateEs256Key, headerOf, verifies, sign } from '../../lib/jwt.mjs';

const auth = new GoTrue({ APIUrl: suite.identityUrl, setCookie: true });
const password = 'p@ss w&rd +plus';

async function rejects(promise, status, message) {
  let error;
  try {
    await promise;
  } catch (e) {
    error = e;
  }
  assert.ok(error, `expected a ${status} error`);
  assert.equal(error.status, status, `status of: ${error.message}`);
  if (message !== undefined) assert.equal(error.message, message);
  return error;
}

async function confirmedUser(tag) {
  const email = freshEmail(tag);
  await auth.signup(email, password, { full_name: 'Jane' });
  const { token } = await awaitMailToken(suite.inbox, email, 'confirmation');
  const user = await auth.confirm(token, true);
  return { email, user };
}

test('settings describe the instance', async () => {
  const settings = await auth.settings();
  assert.equal(settings.autoconfirm, false);
  assert.equal(settings.disable_signup, false);
  assert.equal(settings.external.email, true);
  for (const provider of ['bitbucket', 'github', 'gitlab', 'google', 'facebook']) {
    assert.equal(typeof settings.external[provider], 'boolean');
  }
});

test('signup, confirmation from the mail, login and the access token', async () => {
  const email = freshEmail('jane');
  const signedUp = await auth.signup(email, password, { full_name: 'Jane' });
  assert.match(signedUp.id, /^[0-9a-f-]{36}$/);
  assert.equal(signedUp.email, email);
  assert.ok(signedUp.confirmation_sent_at);
  assert.ok(!signedUp.confirmed_at);
  assert.equal(signedUp.app_metadata.provider, 'email');
  assert.deepEqual(signedUp.user_metadata, { full_name: 'Jane' });

  await rejects(auth.login(email, password), 400, 'invalid_grant: Email not confirmed');

  const mail = await awaitMailToken(suite.inbox, email, 'confirmation');
  assert.equal(mail.subject, 'Confirm Your Signup');
  assert.ok(mail.link.startsWith(`${suite.base}/#confirmation_token=`), mail.link);
  const confirmed = await auth.confirm(mail.token, true);
  assert.equal(confirmed.email, email);
  assert.ok(confirmed.confirmed_at);
  await rejects(auth.confirm(mail.token), 404, 'User not found');

  const user = await auth.login(email, password, true);
  assert.equal(user.id, signedUp.id);
  const jwt = await user.jwt();
  assert.ok(verifies(jwt, suite.tokenKey), 'signed with the configured key');
  const { header, claims } = decode(jwt);
  assert.deepEqual(header, headerOf(suite.tokenKey));
  assert.equal(claims.sub, signedUp.id);
  assert.equal(claims.email, email);
  assert.deepEqual(claims.app_metadata, { provider: 'email' });
  assert.deepEqual(claims.user_metadata, { full_name: 'Jane' });
  assert.ok(claims.exp - Date.now() / 1000 > 3000, 'lifetime well above the clients\' 60 s refresh margin');
  assert.equal(user.token.token_type, 'bearer');
  assert.match(user.token.refresh_token, /^[A-Za-z0-9_-]+$/, 'refresh tokens survive gotrue-js sending them unencoded');
});

test('a wrong password is 400 invalid_grant, as on GoTrue', async () => {
  const { email } = await confirmedUser('wrongpw');
  await rejects(auth.login(email, 'not it'), 400, 'invalid_grant: No user found with that email, or password invalid.');
  await rejects(auth.login(freshEmail('nobody'), 'x'), 400, 'invalid_grant: No user found with that email, or password invalid.');
});

test('getUserData and update merge user_metadata', async () => {
  const { user } = await confirmedUser('meta');
  const fetched = await user.getUserData();
  assert.equal(fetched.user_metadata.full_name, 'Jane');
  const updated = await user.update({ data: { full_name: 'Jane 2', plan: 'pro' } });
  assert.deepEqual(updated.user_metadata, { full_name: 'Jane 2', plan: 'pro' });
  const cleared = await user.update({ data: { plan: null } });
  assert.deepEqual(cleared.user_metadata, { full_name: 'Jane 2' });
  const forbidden = await rejects(user.update({ app_metadata: { roles: ['admin'] } }), 401);
  assert.equal(forbidden.message, 'Updating app_metadata requires admin privileges');
});

test('refresh rotates the refresh token; the old one, presented again at once, gets the current tokens', async () => {
  const { user } = await confirmedUser('refresh');
  const before = user.token.refresh_token;
  const jwt = await user.jwt(true);
  assert.ok(decode(jwt).claims.exp);
  assert.ok(decode(jwt).claims.session_id, 'the access token names its session');
  assert.notEqual(user.token.refresh_token, before);
  // Within GOTRUE_SECURITY_REFRESH_TOKEN_REUSE_INTERVAL (a second tab racing with the same token) the answer is the
  // session's current refresh token rather than a new one; after it, the session would be revoked.
  const reused = await fetch(`${suite.identityUrl}/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: `grant_type=refresh_token&refresh_token=${before}`,
  });
  assert.equal(reused.status, 200);
  const again = await reused.json();
  assert.equal(again.refresh_token, user.token.refresh_token);
  assert.equal(decode(again.access_token).claims.session_id, decode(jwt).claims.session_id);
  assert.ok(await user.jwt(true), 'the current refresh token works');
  const unknown = await fetch(`${suite.identityUrl}/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=refresh_token&refresh_token=never-issued',
  });
  assert.equal(unknown.status, 400);
  assert.deepEqual(await unknown.json(), { error: 'invalid_grant', error_description: 'Invalid Refresh Token' });
});

test('password recovery from the mail, then a new password', async () => {
  const { email } = await confirmedUser('recover');
  await auth.requestPasswordRecovery(email);
  const mail = await awaitMailToken(suite.inbox, email, 'recovery');
  assert.equal(mail.subject, 'Reset Your Password');
  const recovered = await auth.recover(mail.token, true);
  assert.equal(recovered.email, email);
  await recovered.update({ password: 'brand new password' });
  await rejects(auth.login(email, password), 400);
  const again = await auth.login(email, 'brand new password');
  assert.equal(again.email, email);
  await rejects(auth.recover(mail.token), 404, 'User not found');
  assert.deepEqual(await auth.requestPasswordRecovery(freshEmail('unknown')), {}, 'unknown addresses look the same');
});

test('email change confirmed with the tokens mailed to the current and the new address', async () => {
  const { email, user } = await confirmedUser('change');
  const newEmail = freshEmail('changed');
  const pending = await user.update({ email: newEmail });
  assert.equal(pending.email, email);
  assert.equal(pending.new_email, newEmail);
  const mail = await awaitMailToken(suite.inbox, newEmail, 'email_change');
  assert.equal(mail.subject, 'Confirm Email Change');
  const approval = await awaitMailToken(suite.inbox, email, 'email_change');
  assert.equal(approval.subject, 'Confirm Email Change');
  const half = await user.update({ email_change_token: approval.token });
  assert.equal(half.email, email, 'the current address alone does not move the account');
  const changed = await user.update({ email_change_token: mail.token });
  assert.equal(changed.email, newEmail);
  // gotrue-js keeps keys of earlier answers on its User object, so read the server's own answer for new_email.
  const raw = await fetch(`${suite.identityUrl}/user`, { headers: { Authorization: `Bearer ${await user.jwt()}` } });
  assert.equal((await raw.json()).new_email, undefined);
  const relogged = await auth.login(newEmail, password);
  assert.equal(relogged.id, user.id);
});

test('an invited user accepts with a password', async () => {
  const email = freshEmail('invited');
  const invited = await operator('POST', '/invite', { email, data: { team: 'blue' } });
  assert.equal(invited.status, 200);
  assert.ok(invited.body.invited_at);
  const mail = await awaitMailToken(suite.inbox, email, 'invite');
  assert.equal(mail.subject, 'You have been invited');
  const accepted = await auth.acceptInvite(mail.token, 'chosen password', true);
  assert.equal(accepted.email, email);
  assert.ok(accepted.confirmed_at);
  assert.equal((await auth.login(email, 'chosen password')).id, invited.body.id);
});

test('logout ends the session everywhere', async () => {
  const { user } = await confirmedUser('logout');
  const refreshToken = user.token.refresh_token;
  await user.logout();
  const res = await fetch(`${suite.identityUrl}/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: `grant_type=refresh_token&refresh_token=${refreshToken}`,
  });
  assert.equal(res.status, 400);
});

test('the admin API through an admin user\'s token', async () => {
  const { user: admin } = await confirmedUser('admin');
  const promoted = await operator('PUT', `/admin/users/${admin.id}`, { role: 'admin' });
  assert.equal(promoted.body.role, 'admin');

  const created = await admin.admin.createUser(freshEmail('managed'), 'managed pw', {
    confirm: true,
    user_metadata: { full_name: 'Managed' },
  });
  assert.ok(created.confirmed_at);
  const listed = await admin.admin.listUsers('');
  assert.ok(Array.isArray(listed.users), 'GoTrue wraps the list: {"users":[...],"aud"}');
  assert.equal(listed.aud, '');
  assert.ok(listed.users.some((u) => u.id === created.id));
  const fetched = await admin.admin.getUser(created);
  assert.equal(fetched.email, created.email);
  const updated = await admin.admin.updateUser(created, { app_metadata: { roles: ['editor'] } });
  assert.deepEqual(updated.app_metadata.roles, ['editor']);
  assert.equal(updated.app_metadata.provider, 'email');
  assert.deepEqual(await admin.admin.deleteUser(created), {});
  await rejects(admin.admin.getUser(created), 404, 'User not found');

  const { user: plain } = await confirmedUser('notadmin');
  await rejects(plain.admin.listUsers(''), 401, 'User not allowed');
});

test('errors carry GoTrue statuses', async () => {
  await rejects(auth.signup(freshEmail('nopw'), ''), 422, 'Signup requires a valid password');
  await rejects(auth.signup('not-an-email', 'pw'), 422);
  await rejects(auth.confirm('no-such-token'), 404, 'User not found');
  await rejects(auth.createUser({ access_token: 'not.a.jwt', refresh_token: 'x', expires_in: 3600 }), 401);
  const forged = sign({ sub: '00000000-0000-4000-8000-000000000001', email: 'x@example.com',
    exp: Math.floor(Date.now() / 1000) + 3600, app_metadata: {}, user_metadata: {} }, 'someone else\'s secret');
  await rejects(auth.createUser({ access_token: forged, refresh_token: 'x', expires_in: 3600 }), 401);
  const otherKey = sign({ sub: '00000000-0000-4000-8000-000000000001', email: 'x@example.com',
    exp: Math.floor(Date.now() / 1000) + 3600, app_metadata: {}, user_metadata: {} },
  generateEs256Key(headerOf(suite.tokenKey).kid));
  await rejects(auth.createUser({ access_token: otherKey, refresh_token: 'x', expires_in: 3600 }), 401);
  const { email } = await confirmedUser('dupe');
  await rejects(auth.signup(email, password), 400, 'A user with this email address has already been registered');
});
