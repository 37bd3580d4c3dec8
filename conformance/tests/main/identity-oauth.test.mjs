// Sign in with GitHub: @netlify/identity 2.0.0 (browser mode) and gotrue-js 1.0.1, unmodified, against the suite
// and the run's GitHub double. The browser's part (following /authorize, the consent page and /callback with its
// cookies) is done by followSignIn; the clients build the start URL and read the fragment, as on a real site.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import GoTrue from 'gotrue-js';
import { suite, freshEmail, operator } from '../../lib/env.mjs';
import { awaitMailToken } from '../../lib/mail.mjs';
import { installBrowser, arriveWithHash } from '../../lib/browser.mjs';
import { nextGitHubSignIn, followSignIn } from '../../lib/fake-github.mjs';

const window = installBrowser(suite.base);
const identity = await import('@netlify/identity');
const gotrue = new GoTrue({ APIUrl: suite.identityUrl, setCookie: false });
after(() => setTimeout(() => process.exit(process.exitCode ?? 0), 50).unref());

function account(email, { verified = true, name = 'Octo Cat' } = {}) {
  return {
    login: 'octocat',
    name,
    avatar_url: 'https://avatars.example/octocat.png',
    emails: [{ email, primary: true, verified, visibility: 'public' }],
  };
}

const email = freshEmail('octo');
let firstId;

test('a first GitHub sign-in creates a confirmed user and handleAuthCallback logs it in', async () => {
  await nextGitHubSignIn(suite.github, account(email));
  const landing = await followSignIn(gotrue.loginExternalUrl('github'), suite.base);
  const fragment = new URLSearchParams(landing.split('#')[1]);
  assert.deepEqual([...fragment.keys()], ['access_token', 'expires_in', 'refresh_token', 'token_type']);
  arriveWithHash(window, landing.split('#')[1]);
  const result = await identity.handleAuthCallback();
  assert.equal(result.type, 'oauth');
  assert.equal(result.user.email, email);
  assert.equal(result.user.provider, 'github');
  assert.equal(result.user.name, 'Octo Cat');
  assert.equal(result.user.pictureUrl, 'https://avatars.example/octocat.png');
  assert.ok(result.user.confirmedAt, 'confirmed: GitHub vouched for the address');
  assert.equal(window.location.hash, '', 'the client cleared the fragment');
  firstId = result.user.id;
  assert.equal((await identity.getUser()).email, email);
  await identity.logout();
  assert.equal(await identity.getUser(), null);
});

test('signing in again is the same user', async () => {
  await nextGitHubSignIn(suite.github, account(email, { name: 'Renamed On GitHub' }));
  const landing = await followSignIn(gotrue.loginExternalUrl('github'), suite.base);
  arriveWithHash(window, landing.split('#')[1]);
  const result = await identity.handleAuthCallback();
  assert.equal(result.type, 'oauth');
  assert.equal(result.user.id, firstId);
  assert.equal(result.user.name, 'Octo Cat', 'a login does not overwrite the profile');
  const listed = await operator('GET', `/admin/users?filter=${encodeURIComponent(email)}`);
  assert.equal(listed.body.users.length, 1);
  await identity.logout();
});

test('a refused consent comes back as #error, which handleAuthCallback leaves alone', async () => {
  await nextGitHubSignIn(suite.github, { deny: true });
  const landing = await followSignIn(gotrue.loginExternalUrl('github'), suite.base);
  const fragment = new URLSearchParams(landing.split('#')[1]);
  assert.equal(fragment.get('error'), 'access_denied');
  assert.equal(fragment.get('error_description'), 'The user has denied your application access.');
  arriveWithHash(window, landing.split('#')[1]);
  assert.equal(await identity.handleAuthCallback(), null);
});

test('an address GitHub does not vouch for gets a confirmation mail instead of a session', async () => {
  const unverified = freshEmail('octo-unverified');
  await nextGitHubSignIn(suite.github, account(unverified, { verified: false }));
  const landing = await followSignIn(gotrue.loginExternalUrl('github'), suite.base);
  assert.ok(!landing.includes('#'), `no tokens: ${landing}`);
  const { token } = await awaitMailToken(suite.inbox, unverified, 'confirmation');
  arriveWithHash(window, `confirmation_token=${token}`);
  const result = await identity.handleAuthCallback();
  assert.equal(result.type, 'confirmation');
  assert.equal(result.user.email, unverified);
  assert.equal(result.user.provider, 'github');
  await identity.logout();
});

test('an invite is accepted by signing in with GitHub (acceptInviteExternalUrl)', async () => {
  const invitee = freshEmail('octo-invite');
  assert.equal((await operator('POST', '/invite', { email: invitee })).status, 200);
  const { token } = await awaitMailToken(suite.inbox, invitee, 'invite');
  await nextGitHubSignIn(suite.github, account(invitee));
  const landing = await followSignIn(gotrue.acceptInviteExternalUrl('github', token), suite.base);
  arriveWithHash(window, landing.split('#')[1]);
  const result = await identity.handleAuthCallback();
  assert.equal(result.type, 'oauth');
  assert.equal(result.user.email, invitee);
  assert.equal(result.user.provider, 'github');
  assert.ok(result.user.confirmedAt);
  await assert.rejects(gotrue.verify('signup', token), (e) => e.status === 404, 'the invite link is spent');
  await identity.logout();
});
