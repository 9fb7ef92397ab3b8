/**
 * A chatbot's Knowledge section in a real browser against the real server: add a text source and a PDF,
 * watch them index, try a question, refresh and delete; and a URL the server refuses to fetch shows why.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import {
  buildAdminIfStale,
  chatAsVisitor,
  createChatbot,
  createOwner,
  invite,
  repositoryRoot,
  startAdminBackend,
  type AdminBackend,
} from './test-support/admin-backend';
import { launchBrowser, openPage, signIn } from './test-support/browser';

const TIMEOUT = 90_000;
let backend: AdminBackend;
let browser: Browser;

beforeAll(async () => {
  buildAdminIfStale();
  backend = await startAdminBackend();
  browser = await launchBrowser();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await backend?.close();
});

function sourceRow(page: Page, title: string) {
  return page.getByRole('table', { name: 'Knowledge sources' }).getByRole('row').filter({ hasText: title });
}

describe('Knowledge on a chatbot', () => {
  it(
    'adds text and a PDF, shows them indexed, tries a question, refreshes, deletes, and shows a refusal',
    async () => {
      const owner = await createOwner(backend.baseUrl, 'Brightkettle');
      const chatbot = await createChatbot(owner, { name: 'Help desk' });
      const { page, errors, context } = await openPage(browser);
      await signIn(page, backend.baseUrl, owner);
      await page.goto(`${backend.baseUrl}/chatbots/${chatbot.id}`);
      const section = page.getByRole('region', { name: 'Knowledge' });
      await section.getByText('No sources yet').waitFor();

      // Pasted text.
      await section.getByRole('button', { name: 'Add source' }).click();
      const dialog = page.getByRole('dialog', { name: 'Add source' });
      await dialog.getByLabel('Title').fill('Showroom hours');
      await dialog.getByLabel('Content').fill('The Leeds showroom opens at 9 am from Monday to Saturday.');
      await dialog.getByRole('button', { name: 'Add source' }).click();
      await dialog.waitFor({ state: 'detached' });
      await sourceRow(page, 'Showroom hours').getByText('Ready').waitFor();
      await expect(sourceRow(page, 'Showroom hours').getByRole('cell').nth(2).textContent()).resolves.toBe(
        '1',
      );

      // A PDF file.
      await section.getByRole('button', { name: 'Add source' }).click();
      await dialog.getByLabel('File').check();
      await dialog
        .locator('input[type=file]')
        .setInputFiles(path.join(repositoryRoot, 'src/knowledge/fixtures/returns-policy.pdf'));
      await dialog.getByRole('button', { name: 'Add source' }).click();
      await dialog.waitFor({ state: 'detached' });
      const pdfRow = sourceRow(page, 'returns-policy.pdf');
      await pdfRow.getByText('Ready').waitFor();
      await expect(pdfRow.getByRole('cell').nth(2).textContent()).resolves.toBe('3');
      await expect(pdfRow.getByRole('cell').nth(3).textContent()).resolves.toMatch(/ago|now/);

      // Try it.
      await section.getByLabel('Try it: a visitor asks').fill('How long until my refund reaches my card?');
      await section.getByRole('button', { name: 'Try it' }).click();
      const passages = section.getByRole('list', { name: 'Retrieved passages' });
      await passages.getByText('Refunds reach the original card').waitFor();
      await expect(passages.getByRole('listitem').first().textContent()).resolves.toContain('page 2');

      // A visitor's answer lists the source it was given, in the conversation view.
      const turn = await chatAsVisitor(
        backend.baseUrl,
        chatbot.publicId,
        'When will my refund reach my card?',
      );
      expect(turn.outcome).toBe('done');
      await page.goto(`${backend.baseUrl}/conversations/${turn.conversationId}`);
      await page.getByText('Sources').waitFor();
      await page.getByText('returns-policy.pdf').first().waitFor();
      await page.goto(`${backend.baseUrl}/chatbots/${chatbot.id}`);

      // Refresh, then delete.
      await pdfRow.getByRole('button', { name: 'Refresh returns-policy.pdf' }).click();
      await pdfRow.getByText('Ready').waitFor();
      await sourceRow(page, 'Showroom hours').getByRole('button', { name: 'Delete Showroom hours' }).click();
      await page
        .getByRole('dialog', { name: 'Delete Showroom hours?' })
        .getByRole('button', { name: 'Delete source' })
        .click();
      await sourceRow(page, 'Showroom hours').waitFor({ state: 'detached' });

      // A URL on this machine is refused without the private-address setting: the reason shows.
      await section.getByRole('button', { name: 'Add source' }).click();
      await dialog.getByLabel('Web page').check();
      await dialog.getByLabel('URL').fill(`${backend.baseUrl}/`);
      await dialog.getByRole('button', { name: 'Add source' }).click();
      await dialog.waitFor({ state: 'detached' });
      await sourceRow(page, backend.baseUrl)
        .getByText('127.0.0.1 is a private or local network address, which BestAI does not fetch.')
        .waitFor();

      // Settings persist.
      await section.getByLabel('Show sources as links in the widget').check();
      await page.reload();
      await expect(
        page
          .getByRole('region', { name: 'Knowledge' })
          .getByLabel('Show sources as links in the widget')
          .isChecked(),
      ).resolves.toBe(true);
      expect(errors).toEqual([]);
      await context.close();
    },
    TIMEOUT,
  );

  it(
    'shows a viewer the sources without the buttons that change them',
    async () => {
      const owner = await createOwner(backend.baseUrl, 'Viewer check');
      const chatbot = await createChatbot(owner, { name: 'Help desk' });
      await owner.client.request(
        'POST',
        `/api/workspaces/${owner.workspaceId}/chatbots/${chatbot.id}/knowledge`,
        {
          kind: 'text',
          title: 'Returns',
          content: 'Thirty days.',
        },
      );
      const invitation = await invite(owner, `viewer-${Date.now()}@brightkettle.example`, 'viewer');
      const { page, context } = await openPage(browser);
      await page.goto(invitation.acceptUrl);
      await page.getByLabel('Choose a password').fill('another long passphrase');
      await page.getByRole('button', { name: 'Accept invitation' }).click();
      await page.getByRole('navigation', { name: 'Main' }).waitFor();
      await page.goto(`${backend.baseUrl}/chatbots/${chatbot.id}`);
      const section = page.getByRole('region', { name: 'Knowledge' });
      await sourceRow(page, 'Returns').waitFor();
      expect(await section.getByRole('button', { name: 'Add source' }).count()).toBe(0);
      expect(await section.getByRole('button', { name: /Delete/ }).count()).toBe(0);
      await context.close();
    },
    TIMEOUT,
  );
});
