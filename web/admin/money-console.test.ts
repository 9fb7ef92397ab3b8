/**
 * Money in the admin console, in a real browser against the real BestAI server (fresh database, fake
 * LLM providers): Prices, Usage in money, and budgets.
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
  type TestAccount,
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

async function openScreen(page: Page, name: string) {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true }).click();
  await page.getByRole('heading', { name, level: 1 }).waitFor();
}

describe('Prices', () => {
  let owner: TestAccount;
  beforeAll(async () => {
    owner = await createOwner(backend.baseUrl, 'Prices Coffee');
  });

  it(
    'shows the shipped prices, asks for the price of an unknown model, and sets and resets a workspace price',
    async () => {
      // A key with a model BestAI has no price for.
      await owner.client.request('PUT', `/api/workspaces/${owner.workspaceId}/llm-keys/openai`, {
        apiKey: 'sk-proj-0000000000000000priced',
        model: 'ft:gpt-4o-mini:northwind',
        force: true,
      });
      const { page, context, errors } = await openPage(browser);
      await signIn(page, backend.baseUrl, owner);
      await openScreen(page, 'Prices');

      const table = page.getByRole('table', { name: 'Prices per million tokens' });
      const haiku = table.getByRole('row').filter({ hasText: 'claude-haiku-4-5' });
      await haiku.getByRole('cell', { name: '$1', exact: true }).waitFor();
      await haiku.getByRole('cell', { name: '$5', exact: true }).waitFor();
      await haiku.getByText(/as of \d{4}-\d{2}-\d{2}/).waitFor();

      await page.getByText('ft:gpt-4o-mini:northwind').first().waitFor();
      await page.getByText(/price unknown/).waitFor();
      await page.getByRole('button', { name: 'Add it' }).click();
      const dialog = page.getByRole('dialog', { name: 'Price of ft:gpt-4o-mini:northwind' });
      await dialog.getByLabel('Input').fill('0.30');
      await dialog.getByLabel('Output').fill('1.20');
      await dialog.getByRole('button', { name: 'Save' }).click();
      await page.getByText('The price of ft:gpt-4o-mini:northwind applies to replies from now on.').waitFor();
      await page.getByText(/price unknown/).waitFor({ state: 'detached' });
      const own = table.getByRole('row').filter({ hasText: 'ft:gpt-4o-mini:northwind' });
      await own.getByText(/Your price/).waitFor();
      // Input, and the cache prices that default to it; then output.
      expect(await own.getByRole('cell', { name: '$0.3', exact: true }).count()).toBe(3);
      await own.getByRole('cell', { name: '$1.2', exact: true }).waitFor();

      // Over a shipped price, then back to it.
      await table.getByRole('button', { name: 'Edit the price of gpt-4o-mini' }).click();
      const edit = page.getByRole('dialog', { name: 'Price of gpt-4o-mini' });
      expect(await edit.getByLabel('Input').inputValue()).toBe('0.15');
      await edit.getByLabel('Input').fill('0.2');
      await edit.getByRole('button', { name: 'Save' }).click();
      const mini = table.getByRole('row').filter({ has: page.getByText('gpt-4o-mini', { exact: true }) });
      await mini.getByRole('cell', { name: '$0.2', exact: true }).waitFor();
      await mini.getByRole('button', { name: 'Use the default price of gpt-4o-mini' }).click();
      await mini.getByRole('cell', { name: '$0.15', exact: true }).waitFor();
      expect(errors).toEqual([]);
      await context.close();
    },
    TIMEOUT,
  );
});

describe('Usage in money', () => {
  it(
    'shows the cost of real replies in totals, the chart, the breakdowns, conversations and messages, and exports CSV',
    async () => {
      const owner = await createOwner(backend.baseUrl, 'Usage Coffee');
      const chatbot = await createChatbot(owner, { name: 'Barista' });
      // Two replies on the platform key (Anthropic, claude-haiku-4-5: priced by default).
      const first = await chatAsVisitor(backend.baseUrl, chatbot.publicId, 'What beans do you sell?');
      await chatAsVisitor(backend.baseUrl, chatbot.publicId, 'And decaf?', first);
      const usage = await owner.client.request<{ totals: { costUsd: string; messages: number } }>(
        'GET',
        `/api/workspaces/${owner.workspaceId}/usage`,
      );
      expect(usage.totals.messages).toBe(2);
      expect(usage.totals.costUsd).toMatch(/^0\.\d+$/);

      const { page, context, errors } = await openPage(browser);
      await signIn(page, backend.baseUrl, owner);
      await openScreen(page, 'Usage');
      const costStat = page.locator('.stat').filter({ hasText: 'Cost' });
      await costStat.getByText(`$${usage.totals.costUsd}`).waitFor();
      await page.getByRole('heading', { name: 'Cost per day' }).waitFor();
      await page.getByRole('img', { name: /Cost per day from .*: \$0\.\d+ in total\./ }).waitFor();
      const byChatbot = page.getByRole('table', { name: 'By chatbot' });
      const row = byChatbot.getByRole('row').filter({ hasText: 'Barista' });
      await row.getByRole('cell', { name: `$${usage.totals.costUsd}` }).waitFor();
      await page.getByRole('table', { name: 'By model' }).getByText('claude-haiku-4-5').waitFor();

      // Export CSV downloads what the screen shows.
      const exportLink = page.getByRole('link', { name: 'Export CSV', exact: true });
      const csv = await page.request.get(
        new URL((await exportLink.getAttribute('href'))!, backend.baseUrl).href,
      );
      expect(csv.status()).toBe(200);
      const lines = (await csv.text()).trim().split('\r\n');
      expect(lines[0]).toMatch(/^day,messages,failed,inputTokens,outputTokens,.*,costUsd,/);
      expect(lines[1]).toContain(`,${usage.totals.costUsd},`);

      await openScreen(page, 'Conversations');
      await page.getByText(`Cost $${usage.totals.costUsd}`).waitFor();
      const conversationsCsv = await page.request.get(
        new URL(
          (await page.getByRole('link', { name: 'Export CSV', exact: true }).getAttribute('href'))!,
          backend.baseUrl,
        ).href,
      );
      expect((await conversationsCsv.text()).split('\r\n')[1]).toContain('Barista');
      await page.getByText('What beans do you sell?').click();
      const costs = page.locator('.message__meta').getByText(/^\$0\.\d+$/);
      await costs.first().waitFor();
      expect(await costs.count()).toBe(2);
      expect(errors).toEqual([]);
      await context.close();
    },
    TIMEOUT,
  );
});

describe('Budgets', () => {
  it(
    'sets a key’s monthly budget and a paused message, shows the key paused once reached, and resumes when raised',
    async () => {
      const owner = await createOwner(backend.baseUrl, 'Budget Coffee');
      const chatbot = await createChatbot(owner, { name: 'Roaster' });
      await owner.client.request('PUT', `/api/workspaces/${owner.workspaceId}/llm-keys/openai`, {
        apiKey: 'sk-proj-0000000000000000budget',
      });
      const { page, context, errors } = await openPage(browser);
      await signIn(page, backend.baseUrl, owner);

      // The chatbot's paused message, on its page.
      await openScreen(page, 'Chatbots');
      await page.getByRole('link', { name: 'Roaster' }).first().click();
      await page.getByLabel('Paused message').fill('Our roaster is resting until next month.');
      await page.getByRole('button', { name: 'Save paused message' }).click();
      await page.getByRole('button', { name: 'Paused message saved' }).waitFor();

      await page
        .getByRole('navigation', { name: 'Main' })
        .getByRole('link', { name: 'LLM', exact: true })
        .click();
      await page.getByRole('heading', { name: 'LLM', level: 1 }).waitFor();
      await page.getByRole('columnheader', { name: 'Monthly budget' }).waitFor();
      await page.getByRole('columnheader', { name: 'Spent this month' }).waitFor();
      await page.getByLabel('Monthly budget of the OpenAI key', { exact: true }).fill('0.000001');
      await page.getByRole('button', { name: 'Save the monthly budget of the OpenAI key' }).click();
      await page
        .getByRole('button', { name: 'Save the monthly budget of the OpenAI key' })
        .and(page.locator(':disabled'))
        .waitFor();

      const first = await chatAsVisitor(backend.baseUrl, chatbot.publicId, 'Is the roast fresh?');
      expect(first.outcome).toBe('done');
      const second = await chatAsVisitor(backend.baseUrl, chatbot.publicId, 'Hello?', first);
      expect(second.outcome).toBe('error');

      await page.reload();
      const row = page.getByRole('row').filter({ hasText: 'OpenAI' });
      await row.getByText('Paused: budget used up').waitFor();
      await row.getByText(/^\$0\.\d+$/).waitFor();

      await page.getByLabel('Monthly budget of the OpenAI key', { exact: true }).fill('20');
      await page.getByRole('button', { name: 'Save the monthly budget of the OpenAI key' }).click();
      await row.getByText('Working').waitFor();
      const third = await chatAsVisitor(backend.baseUrl, chatbot.publicId, 'And now?', first);
      expect(third.outcome).toBe('done');
      expect(errors).toEqual([]);
      await context.close();
    },
    TIMEOUT,
  );
});
