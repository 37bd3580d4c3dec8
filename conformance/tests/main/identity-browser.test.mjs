// @netlify/identity 2.0.0, unmodified, in browser mode (happy-dom), through every email-link callback.
// The package keeps module-level state (one origin, one session), so the steps share a user and run in order.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { suite, freshEmail, operator } from '../../lib/env.mjs';
import { awaitMail, awaitMailToken } from '../../lib/mail.mjs';
import { installBrowser, arriveWithHash } from '../../lib/browser.mjs';

const window = installBrowser(suite.base);
const identity = await import('@netlify/identity');
const events = [];
identity.onAuthChange((event, user) => events.push({ event, email: user?.email }));
after(() => setTimeout(() => process.exit(process.exitCode ?? 0), 50).unref());

const email = freshEmail('browser');
const password = 'browser secret';
const newEmail = freshEmail('browser-new');

test('getSettings maps GoTrue settings', async () => {
  const settings = await identity.getSettings();
  assert.equal(settings.autoconfirm, false);
  assert.equal(settings.disableSignup, false);
  assert.equal(settings.providers.email, true);
  assert.equal(settings.providers.github, true, 'GOTRUE_EXTERNAL_GITHUB_ENABLED in this configuration');
  assert.equal(settings.providers.google, false);
});

test('signup without autoconfirm: the user must confirm', async () => {
  const user = await identity.signup(email, password, { full_name: 'Browser Jane' });
  assert.equal(user.email, email);
  assert.equal(user.confirmedAt, undefined, "not confirmed yet");
  assert.equal(user.name, 'Browser Jane');
  assert.equal(user.provider, 'email');
  assert.equal(await identity.getUser(), null);
});

test('the confirmation link logs the user in through handleAuthCallback', async () => {
  const { token } = await awaitMailToken(suite.inbox, email, 'confirmation');
  arriveWithHash(window, `confirmation_token=${token}`);
  const result = await identity.handleAuthCallback();
  assert.equal(result.type, 'confirmation');
  assert.equal(result.user.email, email);
  assert.ok(result.user.confirmedAt, "confirmed");
  assert.equal(window.location.hash, '', 'the callback clears the hash');
  const current = await identity.getUser();
  assert.equal(current.email, email);
  assert.match(window.document.cookie, /nf_jwt=/);
  assert.ok(events.some((e) => e.event === 'login' && e.email === email));
});

test('updateUser merges metadata', async () => {
  const user = await identity.updateUser({ data: { full_name: 'Browser Jane 2' } });
  assert.equal(user.name, 'Browser Jane 2');
  assert.ok(events.some((e) => e.event === 'user_updated'));
});

test('the email change completes once the links to both addresses are followed', async () => {
  const pending = await identity.updateUser({ email: newEmail });
  assert.equal(pending.email, email);
  const fromNew = await awaitMailToken(suite.inbox, newEmail, 'email_change');
  const fromCurrent = await awaitMailToken(suite.inbox, email, 'email_change');
  arriveWithHash(window, `email_change_token=${fromNew.token}`);
  const half = await identity.handleAuthCallback();
  assert.equal(half.type, 'email_change');
  assert.equal(half.user.email, email, 'one link is not enough (secure email change)');
  arriveWithHash(window, `email_change_token=${fromCurrent.token}`);
  const result = await identity.handleAuthCallback();
  assert.equal(result.type, 'email_change');
  assert.equal(result.user.email, newEmail);
  const notice = await awaitMail(suite.inbox, email, 'Your email address has been changed');
  assert.ok(notice.text.includes(newEmail), notice.text);
});

test('logout ends the browser session', async () => {
  await identity.logout();
  assert.equal(await identity.getUser(), null);
  assert.ok(events.some((e) => e.event === 'logout'));
});

test('a wrong password is refused', async () => {
  await assert.rejects(identity.login(newEmail, 'wrong'), (e) => {
    assert.ok(e instanceof identity.AuthError);
    assert.equal(e.cause?.status, 400);
    return true;
  });
});

test('the recovery link logs in and a new password can be set', async () => {
  await identity.requestPasswordRecovery(newEmail);
  const { token } = await awaitMailToken(suite.inbox, newEmail, 'recovery');
  arriveWithHash(window, `recovery_token=${token}`);
  const result = await identity.handleAuthCallback();
  assert.equal(result.type, 'recovery');
  assert.equal(result.user.email, newEmail);
  await identity.updateUser({ password: 'recovered secret' });
  await identity.logout();
  const user = await identity.login(newEmail, 'recovered secret');
  assert.equal(user.email, newEmail);
  await identity.logout();
});

test('recoverPassword sets the new password in one call', async () => {
  await new Promise((r) => setTimeout(r, 1100)); // the suite throttles recovery mails (GOTRUE_SMTP_MAX_FREQUENCY=1s)
  const sentAfter = Date.now();
  await identity.requestPasswordRecovery(newEmail);
  const { token } = await awaitMailToken(suite.inbox, newEmail, 'recovery', { after: sentAfter - 1000 });
  const user = await identity.recoverPassword(token, 'third secret');
  assert.equal(user.email, newEmail);
  await identity.logout();
  assert.equal((await identity.login(newEmail, 'third secret')).email, newEmail);
  await identity.logout();
});

test('the invite link hands over a token that acceptInvite redeems', async () => {
  const invitee = freshEmail('browser-invite');
  assert.equal((await operator('POST', '/invite', { email: invitee })).status, 200);
  const { token } = await awaitMailToken(suite.inbox, invitee, 'invite');
  arriveWithHash(window, `invite_token=${token}`);
  const result = await identity.handleAuthCallback();
  assert.equal(result.type, 'invite');
  assert.equal(result.token, token);
  const user = await identity.acceptInvite(token, 'invited secret');
  assert.equal(user.email, invitee);
  assert.ok(user.confirmedAt, "confirmed");
  await identity.logout();
  assert.equal((await identity.login(invitee, 'invited secret')).email, invitee);
});

test('confirmEmail redeems a confirmation token directly', async () => {
  await identity.logout();
  const other = freshEmail('browser-confirm');
  await identity.signup(other, password);
  const { token } = await awaitMailToken(suite.inbox, other, 'confirmation');
  const user = await identity.confirmEmail(token);
  assert.equal(user.email, other);
  assert.ok(user.confirmedAt, "confirmed");
  await assert.rejects(identity.confirmEmail(token), identity.AuthError);
});
