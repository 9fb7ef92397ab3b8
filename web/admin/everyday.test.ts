/**
 * Everyday admin work in a real browser against a real server: answers shown as the visitor saw them
 * (Markdown, tables), visitors' ratings in Conversations and Usage, a chatbot's look and language settings,
 * a warning before unsaved chatbot edits are lost, and the websites a chatbot was refused on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import {
  buildAdminIfStale,
  chatAsVisitor,
  createChatbot,
  createOwner,
  startAdminBackend,
  type AdminBackend,
  type ChatbotInfo,
  type TestAccount,
} from './test-support/admin-backend';
import { launchBrowser, openPage } from './test-support/browser';

let backend: AdminBackend;
let browser: Browser;
let owner: TestAccount;
let chatbot: ChatbotInfo;

beforeAll(async () => {
  buildAdminIfStale();
  backend = await startAdminBackend();
  browser = await launchBrowser();
  owner = await createOwner(backend.baseUrl);
  chatbot = await createChatbot(owner, {
    name: 'Shop assistant',
    allowedOrigins: ['https://www.northwind.example'],
  });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await backend?.close();
});

async function signIn(page: Page) {
  await page.goto(backend.baseUrl);
  await page.getByLabel('Email').fill(owner.email);
  await page.getByLabel('Password').fill(owner.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
}

describe('the admin, every day', () => {
  it('shows answers as formatted text with the visitor’s rating, and counts ratings in Usage', async () => {
    backend.providers.setReply({
      text: 'We ship **fast**:\n\n| Country | Days |\n| --- | --- |\n| Austria | 2 |',
    });
    const turn = await chatAsVisitor(backend.baseUrl, chatbot.publicId, 'How fast do you ship?');
    const detail = await owner.client.request<{ messages: { id: string; role: string }[] }>(
      'GET',
      `/api/workspaces/${owner.workspaceId}/conversations/${turn.conversationId}`,
    );
    const answer = detail.messages.find((message) => message.role === 'assistant')!;
    const rated = await fetch(
      `${backend.baseUrl}/api/widget/${chatbot.publicId}/conversations/${turn.conversationId}/messages/${answer.id}/rating`,
      {
        method: 'PUT',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${turn.visitorToken}` },
        body: JSON.stringify({ rating: 'up' }),
      },
    );
    expect(rated.status).toBe(204);

    const { page, context, errors } = await openPage(browser);
    await signIn(page);
    await page.getByRole('link', { name: 'Conversations', exact: true }).click();
    await page.getByText('How fast do you ship?').first().click();
    const formatted = page.locator('.message--assistant');
    await formatted.getByText('fast', { exact: true }).waitFor();
    expect(await formatted.locator('strong').first().textContent()).toBe('fast');
    await formatted.getByRole('cell', { name: 'Austria' }).waitFor();
    expect(await formatted.textContent()).not.toContain('**');
    await page.getByText('👍 Helpful').waitFor();

    await page.getByRole('link', { name: 'Usage', exact: true }).click();
    const helpful = page.locator('.stat', { hasText: 'Rated helpful' });
    await helpful.waitFor();
    expect(await helpful.textContent()).toContain('1');
    expect(errors).toEqual([]);
    await context.close();
  }, 120_000);

  it('sets theme, language and starter questions; warns before unsaved edits are lost; lists refused websites', async () => {
    const refused = await fetch(`${backend.baseUrl}/api/widget/${chatbot.publicId}/config`, {
      headers: { Origin: 'https://shop.northwind.example' },
    });
    expect(refused.status).toBe(403);

    const { page, context } = await openPage(browser);
    await signIn(page);
    await page.goto(`${backend.baseUrl}/chatbots/${chatbot.id}`);
    const refusedCard = page.getByRole('region', { name: 'Refused lately' });
    await refusedCard.getByText('https://shop.northwind.example').waitFor();

    await page.getByRole('radio', { name: 'Dark' }).check();
    await page.getByLabel('Widget language').selectOption({ label: 'Français' });
    await page.getByLabel('Starter questions').fill('Où est ma commande ?\nLivrez-vous en Belgique ?');

    // Leaving with unsaved edits asks first; staying keeps the edits.
    const dialogs: string[] = [];
    page.once('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Usage', exact: true })
      .click();
    expect(dialogs).toEqual(['This chatbot has unsaved changes. Leave without saving them?']);
    expect(new URL(page.url()).pathname).toBe(`/chatbots/${chatbot.id}`);

    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('status').filter({ hasText: 'Changes saved' }).waitFor();
    const config = await (await fetch(`${backend.baseUrl}/api/widget/${chatbot.publicId}/config`)).json();
    expect(config).toMatchObject({
      theme: 'dark',
      language: 'fr',
      starterQuestions: ['Où est ma commande ?', 'Livrez-vous en Belgique ?'],
    });
    // Saved: leaving no longer asks.
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Usage', exact: true })
      .click();
    await page.getByRole('heading', { name: 'Usage', level: 1 }).waitFor();
    expect(dialogs).toHaveLength(1);
    await context.close();
  }, 120_000);
});
