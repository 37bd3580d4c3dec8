// GOTRUE_MAILER_AUTOCONFIRM=true: signup confirms at once, no mail is needed, login works immediately.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import GoTrue from 'gotrue-js';
import * as identity from '@netlify/identity';
import { suite, freshEmail } from '../../lib/env.mjs';
import { mailsTo } from '../../lib/mail.mjs';
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
