// GOTRUE_DISABLE_SIGNUP=true: signups are refused with 403 and the settings say so.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import GoTrue from 'gotrue-js';
import * as identity from '@netlify/identity';
import { suite, freshEmail } from '../../lib/env.mjs';
import { installFunctionContext } from '../../lib/netlify-context.mjs';

const auth = new GoTrue({ APIUrl: suite.identityUrl });

test('settings report disabled signups', async () => {
  assert.equal((await auth.settings()).disable_signup, true);
  installFunctionContext(suite.base);
  assert.equal((await identity.getSettings()).disableSignup, true);
});

test('signup answers 403 to both clients', async () => {
  await assert.rejects(auth.signup(freshEmail('closed'), 'pw'), (e) => {
    assert.equal(e.status, 403);
    assert.equal(e.message, 'Signups not allowed for this instance');
    return true;
  });
  installFunctionContext(suite.base);
  await assert.rejects(identity.signup(freshEmail('closed'), 'pw'), (e) => {
    assert.ok(e instanceof identity.AuthError);
    assert.equal(e.status, 403);
    return true;
  });
});

test('admins can still create users', async () => {
  installFunctionContext(suite.base, { url: suite.identityUrl, token: suite.operatorToken });
  const user = await identity.admin.createUser({ email: freshEmail('admin-made'), password: 'admin-made password' });
  assert.ok(user.confirmedAt, "confirmed");
});

test('a GitHub sign-in of an unknown address is refused the GoTrue way: #error=access_denied', async () => {
  const { nextGitHubSignIn, followSignIn } = await import('../../lib/fake-github.mjs');
  await nextGitHubSignIn(suite.github, {
    login: 'closed', name: 'Closed Door', avatar_url: '',
    emails: [{ email: freshEmail('closed-github'), primary: true, verified: true }],
  });
  const landing = await followSignIn(auth.loginExternalUrl('github'), suite.base);
  const fragment = new URLSearchParams(landing.split('#')[1]);
  assert.equal(fragment.get('error'), 'access_denied');
  assert.equal(fragment.get('error_description'), 'Signups not allowed for this instance');
});
