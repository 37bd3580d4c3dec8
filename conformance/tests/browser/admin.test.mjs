// The demo site's role-gated /admin/ area (netlify.toml's two Role rules, applied by the local gateway) and its
// user console, in Debian's chromium. Roles are given through the admin API with the operator token.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { suite, freshEmail, operator } from '../../lib/env.mjs';
import { awaitMailToken } from '../../lib/mail.mjs';
import { inBrowser } from '../../lib/chromium.mjs';
import { confirmedUser, logIn, logOut, message } from './helpers.mjs';

const ADMIN = { role: 'admin', app_metadata: { roles: ['admin'] } };

/** Opens /admin/ and resolves to the path the browser ends on. */
async function openAdmin(page) {
  await page.goto('/admin/');
  return new URL(page.url()).pathname;
}

/** Searches the console's user list for one address and waits for the one-user page. */
async function search(page, email) {
  await page.fill('#search-filter', email);
  await page.click('#search-submit');
  await page.getByTestId('users-page').filter({ hasText: '(1 users)' }).waitFor();
}

test('the admin area: an anonymous visitor and a member are sent home, an admin gets the console', async (t) => {
  const member = freshEmail('member');
  const admin = freshEmail('admin');
  await confirmedUser(member, 'member secret', { app_metadata: { roles: ['member'] } });
  await confirmedUser(admin, 'admin secret', ADMIN);
  await inBrowser(t, async (page) => {
    assert.equal(await openAdmin(page), '/', 'anonymous');
    await page.getByTestId('signed-out').waitFor();

    await logIn(page, member, 'member secret');
    assert.equal(await openAdmin(page), '/', 'a member');
    assert.equal(await page.getByTestId('admin-area').count(), 0);
  });
  await inBrowser(t, async (page) => {
    await logIn(page, admin, 'admin secret');
    assert.equal(await openAdmin(page), '/admin/', 'an admin');
    await page.getByTestId('admin-email').filter({ hasText: admin }).waitFor();
    await page.getByTestId('user-row').first().waitFor();

    await page.click('#nav-home');
    await logOut(page);
    assert.equal(await openAdmin(page), '/', 'after logging out');
  });
});

test('in the console an admin invites, confirms and gives roles, deletes a user; the API shows it', async (t) => {
  const admin = freshEmail('console');
  const invited = freshEmail('console-invited');
  const doomed = freshEmail('console-doomed');
  await confirmedUser(admin, 'console secret', ADMIN);
  const doomedUser = await confirmedUser(doomed, 'doomed secret');
  await inBrowser(t, async (page) => {
    await logIn(page, admin, 'console secret');
    await openAdmin(page);
    await page.getByTestId('user-row').first().waitFor();

    await page.fill('#invite-email', invited);
    await page.click('#invite-submit');
    await message(page, `Invitation sent to ${invited}`);
    await awaitMailToken(suite.inbox, invited, 'invite');

    await search(page, invited);
    const row = page.locator(`[data-testid=user-row][data-email="${invited}"]`);
    assert.equal(await page.getByTestId('user-row').count(), 1, 'the search finds only the invited user');
    assert.equal(await row.getByTestId('user-confirmed').textContent(), 'no');

    await row.getByTestId('confirm-user').click();
    await message(page, `${invited} is confirmed`);
    assert.equal(await row.getByTestId('user-confirmed').textContent(), 'yes');
    await row.getByTestId('roles-input').fill('editor, writer');
    await row.getByTestId('save-roles').click();
    await message(page, `Roles of ${invited}: editor, writer`);

    await search(page, doomed);
    const doomedRow = page.locator(`[data-testid=user-row][data-email="${doomed}"]`);
    await doomedRow.getByTestId('delete-user').click();
    await message(page, `${doomed} is deleted`);
    await page.getByTestId('users-page').filter({ hasText: '(0 users)' }).waitFor();
    assert.equal(await doomedRow.count(), 0);

    await page.getByTestId('audit-row').first().waitFor();
  });

  const listed = await operator('GET', `/admin/users?filter=${encodeURIComponent(invited)}`);
  assert.equal(listed.body.users.length, 1);
  const [user] = listed.body.users;
  assert.deepEqual(user.app_metadata.roles, ['editor', 'writer']);
  assert.ok(user.confirmed_at, 'confirmed by the console');
  assert.equal((await operator('GET', `/admin/users/${doomedUser.id}`)).status, 404);
});

test('the console pages through a search of more users than fit on a page', async (t) => {
  const tag = freshEmail('pager').split('@')[0];
  for (let i = 0; i < 11; i += 1) await confirmedUser(`${tag}.${i}@example.com`, 'pager secret');
  const admin = freshEmail('pager-admin');
  await confirmedUser(admin, 'pager admin secret', ADMIN);
  await inBrowser(t, async (page) => {
    await logIn(page, admin, 'pager admin secret');
    await openAdmin(page);
    await page.fill('#search-filter', tag);
    await page.click('#search-submit');
    const pager = page.getByTestId('users-page');
    await pager.filter({ hasText: 'Page 1 of 2 (11 users)' }).waitFor();
    assert.equal(await page.getByTestId('user-row').count(), 10);
    await page.click('#users-next');
    await pager.filter({ hasText: 'Page 2 of 2 (11 users)' }).waitFor();
    assert.equal(await page.getByTestId('user-row').count(), 1);
    assert.equal(await page.isDisabled('#users-next'), true);
    await page.click('#users-previous');
    await pager.filter({ hasText: 'Page 1 of 2' }).waitFor();
  });
});
