// A real browser for the demo-site tests: Debian's chromium (never a downloaded one) driven by playwright-core.
// Each test gets a fresh context (its own cookies and localStorage); a failing test leaves a screenshot of its
// page in target/browser-screenshots/.
import { after, before } from 'node:test';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { suite } from './env.mjs';
import { chromiumPath } from './chromium-path.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
export const screenshots = path.join(here, '..', 'target', 'browser-screenshots');

let browser;
before(async () => {
  browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
});
after(async () => {
  await browser?.close();
});

/** Opens a link from a mail in a new tab of the context, as a click in the inbox would; resolves to that page. */
export async function openMailLink(context, link) {
  const page = await context.newPage();
  await page.goto(link);
  return page;
}

/**
 * Runs `steps(page)` in a fresh browser context at the suite's base URL; on failure saves a screenshot named after
 * the test (`t.name`) and rethrows.
 */
export async function inBrowser(t, steps) {
  const context = await browser.newContext({ baseURL: suite.base });
  // Generous: a wait here is for a state to show, never a measure of speed (the CI machine may be busy).
  context.setDefaultTimeout(90_000);
  const page = await context.newPage();
  try {
    await steps(page, context);
  } catch (error) {
    mkdirSync(screenshots, { recursive: true });
    const name = t.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 80);
    const files = [];
    for (const [index, open] of context.pages().entries()) {
      const file = path.join(screenshots, `${name}-${index + 1}.png`);
      await open.screenshot({ path: file, fullPage: true }).then(() => files.push(file), () => {});
    }
    error.message += `\n(screenshots: ${files.join(', ') || 'none could be taken'})`;
    throw error;
  } finally {
    await context.close();
  }
}
