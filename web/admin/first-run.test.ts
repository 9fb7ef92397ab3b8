/**
 * A new user's first minutes, in a real browser against a real server that has no platform key (a fresh
 * `npm start`): the admin opens on sign-up, creating a chatbot says so, and the chatbot screen and its
 * preview page say plainly that nothing answers until a key is added.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { buildAdminIfStale, startAdminBackend, type AdminBackend } from './test-support/admin-backend';
import { launchBrowser, openPage } from './test-support/browser';

const noKeySentence = 'Add your own key to start chatting, or set PLATFORM_ANTHROPIC_API_KEY.';

let backend: AdminBackend;
let browser: Browser;

beforeAll(async () => {
  buildAdminIfStale();
  backend = await startAdminBackend({ withoutPlatformKey: true });
  browser = await launchBrowser();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await backend?.close();
});

describe('first run without a platform key', () => {
  it('opens on sign-up, confirms the new chatbot, and says nothing answers until a key is added', async () => {
    const { page, context, errors } = await openPage(browser);
    await page.goto(backend.baseUrl);
    await page.getByRole('heading', { name: 'Create your workspace' }).waitFor();
    await page.getByText('add your own provider key').waitFor();
    await page.getByLabel('Email').fill('first@northwind.example');
    await page.getByLabel('Password').fill('correct horse battery staple');
    await page.getByLabel('Workspace name').fill('Northwind Coffee');
    await page.getByRole('button', { name: 'Create workspace' }).click();
    await page.getByRole('navigation', { name: 'Main' }).waitFor();

    await page.getByRole('link', { name: 'Chatbots', exact: true }).first().click();
    await page.getByRole('link', { name: 'New chatbot' }).first().click();
    await page.getByLabel('Name').fill('Support assistant');
    await page.getByRole('button', { name: 'Create chatbot' }).click();
    await page.getByRole('status').filter({ hasText: 'Chatbot created' }).waitFor();
    await page.getByRole('status').filter({ hasText: noKeySentence }).waitFor();

    const [preview] = await Promise.all([
      context.waitForEvent('page'),
      page.getByRole('link', { name: 'Preview' }).click(),
    ]);
    await preview.getByRole('status').filter({ hasText: noKeySentence }).waitFor();
    await preview.getByRole('heading', { name: 'Preview: Support assistant' }).waitFor();
    // Styled like the admin: its stylesheet loaded under the page's Content-Security-Policy.
    const background = await preview.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(background).toBe('rgb(247, 247, 248)');

    // Signed out, an instance with accounts opens on sign-in.
    const fresh = await openPage(browser);
    await fresh.page.goto(backend.baseUrl);
    await fresh.page.getByRole('button', { name: 'Sign in' }).waitFor();
    await fresh.context.close();
    expect(errors).toEqual([]);
    await context.close();
  }, 120_000);
});
