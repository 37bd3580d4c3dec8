// The demo site in Debian's chromium: every account flow a visitor goes through, each link read from the inbox.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { suite, freshEmail, operator } from '../../lib/env.mjs';
import { awaitMailToken } from '../../lib/mail.mjs';
import { inBrowser, openMailLink } from '../../lib/chromium.mjs';
import { confirmedUser, logIn, logOut, message, signUp, signedInAs } from './helpers.mjs';
import { nextGitHubSignIn } from '../../lib/fake-github.mjs';

test('sign up, open the confirmation link from the inbox, land signed in', async (t) => {
  await inBrowser(t, async (page, context) => {
    const email = freshEmail('signup');
    await signUp(page, email, 'signup secret', 'Ada');
    await message(page, `open the confirmation link we sent to ${email}`);
    assert.equal(await page.getByTestId('signed-out').isVisible(), true);

    const { link } = await awaitMailToken(suite.inbox, email, 'confirmation');
    assert.ok(link.startsWith(`${suite.base}/#confirmation_token=`), `the mail links to the site: ${link}`);
    // This one is clicked on the inbox's own page, which opens it in a new tab.
    const inbox = await context.newPage();
    await inbox.goto(suite.inbox);
    const [landed] = await Promise.all([
      context.waitForEvent('page'),
      inbox.locator(`a[href="${link}"]`).first().click(),
    ]);
    await signedInAs(landed, email);
    await message(landed, 'Your email address is confirmed');
    assert.equal(new URL(landed.url()).hash, '', 'the token is gone from the address bar');
    assert.equal(await landed.inputValue('#profile-name'), 'Ada');

    await landed.reload();
    await signedInAs(landed, email);
  });
});

test('log out, and log in again', async (t) => {
  const email = freshEmail('login');
  await confirmedUser(email, 'login secret');
  await inBrowser(t, async (page) => {
    await logIn(page, email, 'login secret');
    await logOut(page);
    await page.reload();
    await page.getByTestId('signed-out').waitFor();

    await page.fill('#login-email', email);
    await page.fill('#login-password', 'not the password');
    await page.click('#login-submit');
    await page.locator('#message.error').waitFor();
    assert.equal(await page.getByTestId('signed-in').isVisible(), false);

    await logIn(page, email, 'login secret');
  });
});

test('recover the account with a new password', async (t) => {
  const email = freshEmail('recover');
  await confirmedUser(email, 'forgotten secret');
  await inBrowser(t, async (page, context) => {
    await page.goto('/');
    await page.fill('#recover-email', email);
    await page.click('#recover-submit');
    await message(page, 'a recovery link is on its way');

    const { link } = await awaitMailToken(suite.inbox, email, 'recovery');
    const landed = await openMailLink(context, link);
    await landed.getByTestId('new-password').waitFor();
    await landed.fill('#new-password-input', 'recovered secret');
    await landed.click('#new-password-submit');
    await message(landed, 'Your new password is saved');
    await signedInAs(landed, email);

    await logOut(landed);
    await logIn(landed, email, 'recovered secret');
  });
});

test('accept an invitation by choosing a password', async (t) => {
  const email = freshEmail('invited');
  assert.equal((await operator('POST', '/invite', { email })).status, 200);
  await inBrowser(t, async (page, context) => {
    const { link } = await awaitMailToken(suite.inbox, email, 'invite');
    const landed = await openMailLink(context, link);
    await landed.getByTestId('invite').waitFor();
    await landed.fill('#invite-password', 'invited secret');
    await landed.click('#invite-submit');
    await message(landed, 'Your account is ready');
    await signedInAs(landed, email);

    await logOut(landed);
    await logIn(landed, email, 'invited secret');
  });
});

test('change the email address through the links sent to both addresses', async (t) => {
  const email = freshEmail('moving');
  const newEmail = freshEmail('moved');
  const user = await confirmedUser(email, 'moving secret');
  await inBrowser(t, async (page, context) => {
    await logIn(page, email, 'moving secret');
    await page.fill('#email-input', newEmail);
    await page.click('#email-submit');
    await message(page, `open the confirmation link sent to ${newEmail}`);
    await page.getByTestId('pending-email').filter({ hasText: newEmail }).waitFor();

    const toOld = await awaitMailToken(suite.inbox, email, 'email_change');
    const toNew = await awaitMailToken(suite.inbox, newEmail, 'email_change');
    const first = await openMailLink(context, toOld.link);
    await message(first, `The change to ${newEmail} completes when the link sent to the other address is opened`);
    const second = await openMailLink(context, toNew.link);
    await message(second, `Your email address is now ${newEmail}`);
    await signedInAs(second, newEmail);
  });
  const after = await operator('GET', `/admin/users/${user.id}`);
  assert.equal(after.body.email, newEmail);
});

test('account settings: the name is saved and a protected function sees the signed-in user', async (t) => {
  const email = freshEmail('settings');
  await confirmedUser(email, 'settings secret');
  await inBrowser(t, async (page) => {
    await logIn(page, email, 'settings secret');
    await page.fill('#profile-name', 'Grace Hopper');
    await page.click('#profile-submit');
    await message(page, 'Your profile is saved');

    await page.fill('#password-input', 'changed secret');
    await page.click('#password-submit');
    await message(page, 'Your password is changed');

    await page.click('#call-function');
    const result = page.getByTestId('function-result');
    await result.filter({ hasText: email }).waitFor();
    const body = JSON.parse(await result.textContent());
    assert.equal(body.user.email, email);

    await logOut(page);
    await logIn(page, email, 'changed secret');
  });
});

test('the OAuth button of the provider /settings reports signs in through GitHub and back', async (t) => {
  const email = freshEmail('octo');
  await nextGitHubSignIn(suite.github, {
    login: 'octo', name: 'Octo Cat', avatar_url: 'https://avatars.example/octo.png',
    emails: [{ email, primary: true, verified: true, visibility: 'public' }],
  });
  await inBrowser(t, async (page) => {
    await page.goto('/');
    await page.locator('#oauth-github').waitFor();
    assert.deepEqual(await page.getByTestId('oauth-buttons').locator('button').allTextContents(),
      ['Continue with GitHub'], 'only the provider this configuration enables');
    await page.click('#oauth-github');
    await signedInAs(page, email);
    await message(page, 'Signed in with github');
    assert.equal(new URL(page.url()).origin, suite.base);
  });
});
