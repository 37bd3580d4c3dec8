// GOTRUE_MAILER_AUTOCONFIRM=true: signup confirms at once, no mail is needed, login works immediately.
// Secure email change and the notices are off here: an email change behaves as in netlify/gotrue.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import GoTrue from 'gotrue-js';
import * as identity from '@netlify/identity';
import { suite, freshEmail } from '../../lib/env.mjs';
import { awaitMailToken, mailsTo } from '../../lib/mail.mjs';
import { installFunctionContext } from '../../lib/netlify-context.mjs';

const auth = new GoTrue({ APIUrl: suite.identityUrl });

test('settings report autoconfirm', async () => {
  assert.equal((await auth.settings()).autoconfirm, true);
  installFunctionContext(suite.base);
  assert.equal((await identity.getSettings()).autoconfirm, true);
});

test('gotrue-js: signup answers a confirmed user without tokens, and login works at once', async () => {
  const email = freshEmail('auto');
  const signedUp = await auth.signup(email, 'auto secret', { full_name: 'Auto' });
  assert.ok(signedUp.confirmed_at);
  assert.equal(signedUp.access_token, undefined, 'GoTrue never returns tokens from /signup');
  const user = await auth.login(email, 'auto secret');
  assert.equal(user.id, signedUp.id);
  assert.deepEqual(await mailsTo(suite.inbox, email), [], 'no confirmation mail is sent');
});

test('@netlify/identity: the signed-up user is verified', async () => {
  installFunctionContext(suite.base);
  const email = freshEmail('auto-identity');
  const user = await identity.signup(email, 'auto secret');
  assert.ok(user.confirmedAt, "confirmed");
  assert.equal((await identity.login(email, 'auto secret')).email, email);
});

test('gotrue-js: with secure email change off, the link to the new address alone completes the change', async () => {
  const email = freshEmail('one-link');
  await auth.signup(email, 'auto secret');
  const user = await auth.login(email, 'auto secret');
  const newEmail = freshEmail('one-link-new');
  assert.equal((await user.update({ email: newEmail })).new_email, newEmail);
  const mail = await awaitMailToken(suite.inbox, newEmail, 'email_change');
  assert.equal((await user.update({ email_change_token: mail.token })).email, newEmail);
  await user.update({ password: 'another secret' });
  assert.equal((await auth.login(newEmail, 'another secret')).id, user.id);
  // One user's mails are handled in order, so once this one is in, any notice would have been sent before it.
  await auth.requestPasswordRecovery(newEmail);
  await awaitMailToken(suite.inbox, newEmail, 'recovery');
  assert.deepEqual(await mailsTo(suite.inbox, email), [], 'no approval mail and no notices go to the old address');
});

test('a GitHub sign-in with an address GitHub does not vouch for is confirmed at once under autoconfirm', async () => {
  const { nextGitHubSignIn, followSignIn } = await import('../../lib/fake-github.mjs');
  const email = freshEmail('auto-github');
  await nextGitHubSignIn(suite.github, {
    login: 'auto', name: 'Auto Hub', avatar_url: '',
    emails: [{ email, primary: true, verified: false }],
  });
  const landing = await followSignIn(auth.loginExternalUrl('github'), suite.base);
  const fragment = new URLSearchParams(landing.split('#')[1]);
  assert.ok(fragment.get('access_token'), landing);
  const user = await auth.createUser({
    access_token: fragment.get('access_token'), token_type: 'bearer',
    expires_in: Number(fragment.get('expires_in')), refresh_token: fragment.get('refresh_token'),
  });
  assert.equal(user.email, email);
  assert.ok(user.confirmed_at);
  assert.equal(user.app_metadata.provider, 'github');
  assert.equal(user.user_metadata.full_name, 'Auto Hub');
});
