// What the demo-site tests share: users made through the admin API, and the pages' forms filled as a visitor would.
import assert from 'node:assert/strict';
import { operator } from '../../lib/env.mjs';

/** A confirmed user made with the operator token; `fields` may add role and app_metadata. */
export async function confirmedUser(email, password, fields = {}) {
  const created = await operator('POST', '/admin/users', { email, password, confirm: true, ...fields });
  assert.equal(created.status, 200, JSON.stringify(created.body));
  return created.body;
}

export async function signUp(page, email, password, name = '') {
  await page.goto('/');
  await page.fill('#signup-name', name);
  await page.fill('#signup-email', email);
  await page.fill('#signup-password', password);
  await page.click('#signup-submit');
}

export async function logIn(page, email, password) {
  await page.goto('/');
  await page.fill('#login-email', email);
  await page.fill('#login-password', password);
  await page.click('#login-submit');
  await signedInAs(page, email);
}

/** Logs out with the page's button and waits until the page says so (a navigation before that would undo it). */
export async function logOut(page) {
  await page.click('#logout');
  await message(page, 'You are signed out');
}

/** Waits until the page shows `email` as the signed-in visitor. */
export async function signedInAs(page, email) {
  await page.getByTestId('signed-in-email').filter({ hasText: email }).waitFor();
}

/** Waits for the page's message line to contain `text`; resolves to the whole line. */
export async function message(page, text) {
  const line = page.getByTestId('message').filter({ hasText: text });
  await line.waitFor();
  return line.textContent();
}
