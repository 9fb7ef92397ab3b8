/**
 * `npm run demo` as a newcomer runs it: one process prints the admin URL, the sign-in and a demo shop
 * page; in Chromium the shop page's widget (another origin) streams a labelled demo answer, and the admin
 * signs in with the printed credentials and finds that chat in Conversations and its tokens in Usage.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, widgetControls } from '../../web/widget/test-support/browser.js';
import { killAllProcesses, startBestAI, type BestAIProcess } from '../support/process-runner.js';

let demo: BestAIProcess;
let browser: Browser;

beforeAll(async () => {
  demo = startBestAI({ entry: 'demo', env: { PORT: '0', DEMO_SITE_PORT: '0' } });
  browser = await launchChromium();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await killAllProcesses();
});

/** The value printed after `label` on the demo's banner. */
async function printed(label: string): Promise<string> {
  const line = await demo.waitForLine(new RegExp(`^\\s+${label}:\\s+\\S`), 240_000);
  return line.split(/:\s+/).slice(1).join(': ').trim();
}

describe('npm run demo', () => {
  it('prints the URLs and sign-in; its widget answers with demo text; the admin shows the chat', async () => {
    const adminUrl = (await printed('Admin console')).replace(/\/$/, '');
    const [email, password] = (await printed('Sign in')).split(' / ') as [string, string];
    const siteUrl = (await printed('Demo shop page')).split(/\s/)[0]!;
    expect(new URL(siteUrl).origin).not.toBe(new URL(adminUrl).origin);
    expect(demo.stdoutLines.join('\n')).toContain('not a real model');

    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(siteUrl);
    const widget = widgetControls(page);
    await widget.openButton.click();
    await widget.message.fill('Is the Ethiopia Guji good for filter coffee?');
    await widget.send.click();
    await expect
      .poll(() => widget.log.innerText(), { timeout: 60_000 })
      .toContain('this reply comes from BestAI’s built-in demo provider, not a real model');

    const admin = await context.newPage();
    await admin.goto(`${adminUrl}/`);
    await admin.getByLabel('Email').fill(email);
    await admin.getByLabel('Password').fill(password);
    await admin.getByRole('button', { name: 'Sign in' }).click();
    await admin.getByRole('link', { name: 'Conversations' }).click();
    await admin
      .getByText('Is the Ethiopia Guji good for filter coffee?')
      .first()
      .waitFor({ timeout: 60_000 });
    await admin.getByRole('link', { name: 'Usage' }).click();
    await admin
      .getByRole('cell', { name: /Anthropic/ })
      .first()
      .waitFor({ timeout: 60_000 });
    await context.close();

    expect(await demo.stop('SIGINT')).toEqual({ code: 0, signal: null });
  }, 300_000);
});
