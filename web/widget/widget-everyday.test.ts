/**
 * Everyday widget behaviour in Chromium, on a host page of another origin under a strict CSP, against the
 * real BestAI server and fake providers: reading back while an answer streams, tables, the 8,000-character
 * limit, and phone-sized inputs. Found by visible words; waits on conditions, never on sleeps.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { launchChromium, STRICT_CSP, widgetControls } from './test-support/browser.js';
import { startWidgetBackend, type Chatbot, type WidgetBackend } from './test-support/real-widget-backend.js';

const TIMEOUT = 90_000;
let backend: WidgetBackend;
let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  backend = await startWidgetBackend();
  browser = await launchChromium();
}, TIMEOUT);
afterAll(async () => {
  await browser?.close();
  await backend?.close();
});
afterEach(async () => {
  backend.fake.reset();
  await context?.close();
});

async function openChat(
  viewport = { width: 1280, height: 800 },
  options: { chatbot?: Chatbot; colorScheme?: 'light' | 'dark'; openLabel?: string } = {},
) {
  context = await browser.newContext({
    viewport,
    hasTouch: viewport.width < 500,
    colorScheme: options.colorScheme ?? 'light',
  });
  page = await context.newPage();
  const controls = widgetControls(page);
  await page.goto(backend.hostPageUrl({ csp: STRICT_CSP, chatbot: options.chatbot }));
  if (options.openLabel) {
    await page.getByRole('button', { name: options.openLabel, exact: true }).click();
    return controls;
  }
  await controls.openButton.click();
  await controls.message.waitFor();
  return controls;
}

/** The log's scroll position: how far from the bottom the visitor is reading. */
function distanceFromBottom(): Promise<number> {
  return page.evaluate(() => {
    const log = document.querySelector('bestai-widget')!.shadowRoot!.querySelector('.log')!;
    return log.scrollHeight - log.scrollTop - log.clientHeight;
  });
}

describe('the widget, every day', () => {
  test(
    'follows a streaming answer at the bottom, but stays put when the visitor has scrolled up',
    async () => {
      const controls = await openChat();
      const longText = Array.from({ length: 30 }, (_, line) => `Line ${line + 1} of a long answer.`).join(
        '\n\n',
      );
      backend.fake.setReply({ text: longText, chunks: 1 });
      await controls.message.fill('Tell me everything.');
      await controls.send.click();
      await controls.log.getByText('Line 30 of a long answer.').waitFor();
      await expect.poll(distanceFromBottom).toBeLessThan(24);

      // Scroll up to read, then a new answer streams in: the view does not move.
      await page.evaluate(() => {
        document.querySelector('bestai-widget')!.shadowRoot!.querySelector('.log')!.scrollTop = 0;
      });
      const held = backend.fake.holdNext('anthropic');
      backend.fake.setReply({ text: `${longText}\n\nThe end.`, chunks: 2 });
      await controls.message.fill('And again?');
      await controls.message.press('Enter');
      // Sending scrolls to the visitor's own message; scroll up again while the answer is held, and wait
      // until the widget has seen that scroll.
      await held.started;
      // Only a real change of scrollTop fires the event the widget listens to: wait until sending has moved it.
      await expect
        .poll(() =>
          page.evaluate(
            () => document.querySelector('bestai-widget')!.shadowRoot!.querySelector('.log')!.scrollTop,
          ),
        )
        .toBeGreaterThan(0);
      await page.evaluate(
        () =>
          new Promise<void>((resolve) => {
            const log = document.querySelector('bestai-widget')!.shadowRoot!.querySelector('.log')!;
            log.addEventListener('scroll', () => resolve(), { once: true });
            log.scrollTop = 0;
          }),
      );
      held.release();
      await controls.log.getByText('The end.').waitFor();
      const scrollTop = await page.evaluate(
        () => document.querySelector('bestai-widget')!.shadowRoot!.querySelector('.log')!.scrollTop,
      );
      expect(scrollTop).toBe(0);
    },
    TIMEOUT,
  );

  test(
    'renders a Markdown table as a table',
    async () => {
      const controls = await openChat();
      backend.fake.setReply({
        text: 'Our sizes:\n\n| Size | Chest |\n| --- | ---: |\n| M | 96 cm |\n| L | 104 cm |',
      });
      await controls.message.fill('Which sizes?');
      await controls.send.click();
      const table = controls.log.getByRole('table');
      await table.waitFor();
      await table.getByRole('columnheader', { name: 'Chest' }).waitFor();
      await table.getByRole('cell', { name: '104 cm' }).waitFor();
    },
    TIMEOUT,
  );

  test(
    'counts characters near the limit, says so plainly past 8,000, and never sends what cannot succeed',
    async () => {
      const controls = await openChat();
      await controls.message.fill('a'.repeat(7_500));
      await page.getByText('7,500 / 8,000').waitFor();
      await expect.poll(() => controls.send.isEnabled()).toBe(true);

      await controls.message.fill('a'.repeat(8_001));
      await page.getByText('Messages can be at most 8,000 characters; shorten yours to send it.').waitFor();
      await page.getByText('8,001 / 8,000').waitFor();
      expect(await controls.send.isDisabled()).toBe(true);
      await controls.message.press('Enter');
      expect(await controls.retry.count()).toBe(0);
      expect(backend.fake.requests).toEqual([]);

      await controls.message.fill('Short again.');
      expect(await page.getByText('/ 8,000').count()).toBe(0);
    },
    TIMEOUT,
  );

  test(
    'uses 16 px text in the message box on a phone, so iOS does not zoom in',
    async () => {
      const controls = await openChat({ width: 390, height: 844 });
      const fontSize = await controls.message.evaluate((element) => getComputedStyle(element).fontSize);
      expect(fontSize).toBe('16px');
    },
    TIMEOUT,
  );

  test(
    'a dark chatbot is dark; an automatic one follows the visitor’s colour scheme',
    async () => {
      const panelBackground = () =>
        page.evaluate(() => {
          const panel = document.querySelector('bestai-widget')!.shadowRoot!.querySelector('.panel')!;
          return getComputedStyle(panel).backgroundColor;
        });
      const dark = await backend.api.createChatbot({ allowedOrigins: [backend.hostOrigin], theme: 'dark' });
      await openChat(undefined, { chatbot: dark });
      expect(await panelBackground()).toBe('rgb(23, 24, 28)');
      await context.close();

      const automatic = await backend.api.createChatbot({
        allowedOrigins: [backend.hostOrigin],
        theme: 'auto',
      });
      await openChat(undefined, { chatbot: automatic, colorScheme: 'dark' });
      expect(await panelBackground()).toBe('rgb(23, 24, 28)');
      await page.emulateMedia({ colorScheme: 'light' });
      expect(await panelBackground()).toBe('rgb(255, 255, 255)');
    },
    TIMEOUT,
  );

  test(
    'speaks the chatbot’s language, keeps the owner’s greeting, and offers its starter questions',
    async () => {
      const chatbot = await backend.api.createChatbot({
        allowedOrigins: [backend.hostOrigin],
        language: 'de',
        greeting: 'Welcome to Acme! (owner-written)',
        starterQuestions: ['Wo ist meine Bestellung?', 'Welche Größe passt mir?'],
      });
      await openChat(undefined, { chatbot, openLabel: 'Chat öffnen' });
      await page.getByRole('button', { name: 'Chat schließen', exact: true }).waitFor();
      await page.getByRole('textbox', { name: 'Nachricht' }).waitFor();
      await page.getByRole('button', { name: 'Neues Gespräch' }).waitFor();
      await page.getByText('Welcome to Acme! (owner-written)').waitFor();
      const starters = page.getByRole('group', { name: 'Vorgeschlagene Fragen' });
      backend.fake.setReply({ text: 'Ihre Bestellung ist unterwegs.' });
      await starters.getByRole('button', { name: 'Wo ist meine Bestellung?' }).click();
      await page.getByText('Ihre Bestellung ist unterwegs.').waitFor();
      // Once the conversation has started, the starters make room for it.
      expect(await starters.count()).toBe(0);
      const sent = backend.fake.requests.filter((request) => request.endpoint === 'chat').at(-1);
      expect(JSON.stringify(sent?.body)).toContain('Wo ist meine Bestellung?');
    },
    TIMEOUT,
  );

  test(
    'thumbs up on an answer is stored, and a second click takes it back',
    async () => {
      const controls = await openChat();
      backend.fake.setReply({ text: 'Returns are free within 30 days.' });
      await controls.message.fill('Can I return shoes?');
      await controls.send.click();
      await controls.log.getByText('Returns are free within 30 days.').waitFor();
      const helpful = controls.log.getByRole('button', { name: 'Helpful', exact: true });
      await helpful.click();
      await expect.poll(() => helpful.getAttribute('aria-pressed')).toBe('true');
      const [conversationId] = await backend.api.conversationIds(backend.chatbot);
      const stored = async () => {
        const response = await backend.api.owner.get(
          `/api/workspaces/${backend.api.workspaceId}/conversations/${conversationId}`,
        );
        return (response.json() as { messages: { role: string; rating: string | null }[] }).messages.find(
          (message) => message.role === 'assistant',
        )?.rating;
      };
      await expect.poll(stored).toBe('up');
      await controls.log.getByRole('button', { name: 'Not helpful', exact: true }).click();
      await expect.poll(stored).toBe('down');
      await controls.log.getByRole('button', { name: 'Not helpful', exact: true }).click();
      await expect.poll(stored).toBe(null);
    },
    TIMEOUT,
  );
});
