/**
 * The widget in a real browser (Debian Chromium via playwright-core) against the real BestAI app and
 * fake LLM providers (test-support/real-widget-backend.ts): the chatbot is created through the admin
 * API and its embed snippet is pasted into a host page on another origin, exactly as a customer does.
 * Waits use Playwright's auto-waiting locators, never fixed sleeps.
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test, vi } from 'vitest';
import { launchChromium, STRICT_CSP, widgetControls } from './test-support/browser.js';
import {
  acmeChatbot,
  PLATFORM_KEY,
  startWidgetBackend,
  type WidgetBackend,
} from './test-support/real-widget-backend.js';

const TIMEOUT = 60_000;

let backend: WidgetBackend;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let dialogs: string[];
let consoleErrors: string[];

beforeAll(async () => {
  backend = await startWidgetBackend();
  browser = await launchChromium();
}, TIMEOUT);

afterAll(async () => {
  await browser?.close();
  await backend?.close();
});

beforeEach(async () => {
  backend.fake.reset();
  context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  page = await context.newPage();
  dialogs = [];
  consoleErrors = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  page.on('console', (message) => {
    // The browser's own favicon request is not the widget's business.
    const isFavicon = message.location().url.endsWith('/favicon.ico');
    if (message.type() === 'error' && !isFavicon) consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(error.message));
});

afterEach(async () => {
  vi.restoreAllMocks();
  await context.close();
});

/** Opens the host page and the chat, and waits until the message box has focus. */
async function openChat(url = backend.hostPageUrl()) {
  const controls = widgetControls(page);
  await page.goto(url);
  await controls.openButton.click();
  await controls.message.waitFor();
  await page.waitForFunction(
    () => document.querySelector('bestai-widget')?.shadowRoot?.activeElement?.id === 'bestai-message',
  );
  return controls;
}

async function sendMessage(text: string) {
  const controls = widgetControls(page);
  await controls.message.fill(text);
  await controls.send.click();
}

/** Waits for an answer bubble of the assistant that contains `text`. */
function waitForAnswer(text: string) {
  return widgetControls(page).log.locator('.message.assistant', { hasText: text }).waitFor();
}

function countInWidget(selector: string): Promise<number> {
  return page.evaluate(
    (query) => document.querySelector('bestai-widget')?.shadowRoot?.querySelectorAll(query).length ?? -1,
    selector,
  );
}

/** The conversation the widget keeps in localStorage for a chatbot. */
async function storedConversationId(publicId: string): Promise<string> {
  const stored = await page.evaluate((key) => localStorage.getItem(key), `bestai:conversation:${publicId}`);
  return (JSON.parse(stored ?? '{}') as { conversationId: string }).conversationId;
}

/** The messages the provider was sent in its last chat request. */
function lastProviderMessages() {
  const request = backend.fake.requests.filter((entry) => entry.endpoint === 'chat').at(-1);
  return (request?.body as { messages?: { role: string; content: unknown }[] } | undefined)?.messages;
}

describe('widget in Chromium, against the BestAI server', () => {
  test(
    'opens by keyboard, streams the answer as it arrives, restores history, starts a new conversation',
    async () => {
      const { chatbot, fake, api } = backend;
      const controls = widgetControls(page);
      await page.goto(backend.hostPageUrl());
      await controls.openButton.focus();
      await page.keyboard.press('Enter');
      await controls.closeButton.waitFor();
      await controls.message.waitFor();
      await page.getByText('Hi! I am the Acme assistant.').waitFor();

      fake.setReply({ text: 'The answer arrives in pieces.', chunks: 2 });
      const held = fake.holdNext('anthropic');
      await page.keyboard.type('Hello there');
      await page.keyboard.press('Enter');
      await controls.log.getByText('Hello there').waitFor();
      await held.started;
      await controls.log.getByText('The answer').waitFor();
      expect(await controls.log.textContent()).not.toContain('in pieces.');
      expect(await controls.log.getAttribute('aria-live')).toBe('polite');
      expect(await controls.log.getAttribute('aria-busy')).toBe('true');
      held.release();
      await controls.log.getByText('The answer arrives in pieces.').waitFor();
      await page.waitForFunction(() =>
        document.querySelector('bestai-widget')?.shadowRoot?.querySelector('[aria-busy="false"]'),
      );

      const stored = await page.evaluate(() =>
        Object.keys(localStorage).filter((key) => key.startsWith('bestai')),
      );
      expect(stored).toEqual([`bestai:conversation:${chatbot.publicId}`]);
      const conversationId = await storedConversationId(chatbot.publicId);
      expect(await api.messagesOf(conversationId)).toEqual([
        { role: 'user', content: 'Hello there', status: 'complete', provider: null },
        {
          role: 'assistant',
          content: 'The answer arrives in pieces.',
          status: 'complete',
          provider: 'anthropic',
        },
      ]);
      expect(fake.requests.map((request) => request.apiKey)).toEqual([PLATFORM_KEY]);

      await page.keyboard.press('Escape');
      await controls.openButton.waitFor();
      const launcherHasFocus = await page.evaluate(() =>
        document.querySelector('bestai-widget')?.shadowRoot?.activeElement?.getAttribute('aria-label'),
      );
      expect(launcherHasFocus).toBe('Open chat');

      await page.reload();
      await controls.openButton.click();
      await controls.log.getByText('Hello there').waitFor();
      await controls.log.getByText('The answer arrives in pieces.').waitFor();

      await controls.newConversation.click();
      await controls.log.getByText('Hello there').waitFor({ state: 'detached' });
      expect(await controls.log.textContent()).not.toContain('in pieces');
      await page.getByText('Hi! I am the Acme assistant.').waitFor();
      fake.setReply({ text: 'Welcome back! What can I do for you?' });
      await sendMessage('A fresh start');
      await waitForAnswer('Welcome back! What can I do for you?');
      const latest = await storedConversationId(chatbot.publicId);
      expect(latest).not.toBe(conversationId);
      expect((await api.messagesOf(latest)).map((message) => message.content)).toEqual([
        'A fresh start',
        'Welcome back! What can I do for you?',
      ]);
      // The provider saw the new conversation only, not the old one.
      expect(lastProviderMessages()).toEqual([{ role: 'user', content: 'A fresh start' }]);
      expect((await api.conversationIds(chatbot)).slice(0, 2)).toEqual([latest, conversationId]);
    },
    TIMEOUT,
  );

  test(
    'hostile text from the visitor and from the model stays inert',
    async () => {
      const controls = await openChat();
      const visitorText = '<img src=x onerror="alert(1)"><script>alert(2)</script>';
      backend.fake.setReply({
        text:
          'Look: <img src=x onerror="window.pwned=1"> <script>window.pwned=2</script>\n\n' +
          '[click me](javascript:window.pwned=3) [data](data:text/html,<script>alert(4)</script>) ' +
          '<a href="javascript:alert(5)">raw</a> [safe link](https://example.com/docs) **done**',
        chunks: 6,
      });
      await sendMessage(visitorText);
      await controls.log.getByText(visitorText).waitFor();
      await controls.log.getByText('done', { exact: true }).waitFor();
      expect(lastProviderMessages()?.at(-1)).toEqual({ role: 'user', content: visitorText });

      await controls.log.getByText('<img src=x onerror="window.pwned=1">', { exact: false }).waitFor();
      await controls.log.getByText('[click me](javascript:window.pwned=3)', { exact: false }).waitFor();
      expect(await countInWidget('img, script, iframe, object, embed')).toBe(0);
      const links = await page.evaluate(() =>
        [...(document.querySelector('bestai-widget')?.shadowRoot?.querySelectorAll('a') ?? [])].map(
          (link) => ({
            href: link.getAttribute('href'),
            rel: link.getAttribute('rel'),
            text: link.textContent,
          }),
        ),
      );
      expect(links).toEqual([
        { href: 'https://example.com/docs', rel: 'noopener nofollow', text: 'safe link' },
      ]);
      expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
      expect(await page.evaluate(() => document.querySelectorAll('img, iframe').length)).toBe(0);
      expect(dialogs).toEqual([]);

      // Both texts come back from the database as text too.
      await page.reload();
      await controls.openButton.click();
      await controls.log.getByText(visitorText).waitFor();
      await controls.log.getByText('done', { exact: true }).waitFor();
      expect(await countInWidget('img, script, iframe, object, embed')).toBe(0);
      expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
      expect(dialogs).toEqual([]);
    },
    TIMEOUT,
  );

  test(
    'aggressive global CSS on the host page leaves the widget usable',
    async () => {
      const url = backend.hostPageUrl({
        css: '* { all: unset !important; } button { display: none !important; } div { visibility: hidden; }',
      });
      const controls = await openChat(url);
      const launcherBox = await controls.closeButton.boundingBox();
      expect(launcherBox?.width).toBeGreaterThanOrEqual(56);
      backend.fake.setReply({ text: 'Yes, everything still works.' });
      await sendMessage('Still works?');
      await waitForAnswer('Yes, everything still works.');
      const panelBox = await page.getByRole('dialog').boundingBox();
      expect(panelBox?.width).toBe(380);
    },
    TIMEOUT,
  );

  test(
    'works under a strict Content-Security-Policy (no style-src, Trusted Types enforced)',
    async () => {
      const controls = await openChat(backend.hostPageUrl({ csp: STRICT_CSP }));
      const background = await controls.closeButton.evaluate(
        (element) => getComputedStyle(element).backgroundColor,
      );
      expect(background).toBe('rgb(79, 70, 229)');
      backend.fake.setReply({ text: 'Hello from behind the policy.' });
      await sendMessage('Hello under CSP');
      await waitForAnswer('Hello from behind the policy.');
      expect(consoleErrors).toEqual([]);
    },
    TIMEOUT,
  );

  test(
    'draws the launcher first and fetches the chat UI only afterwards (idle, hover, focus or click)',
    async () => {
      const requests: string[] = [];
      page.on('request', (request) => requests.push(new URL(request.url()).pathname));
      const chatUiRequest = page.waitForRequest((request) => request.url().endsWith('/widget/chat-ui.js'));
      await page.goto(backend.hostPageUrl());
      await chatUiRequest;
      const launcherDrawn = await page.evaluate(
        () => performance.getEntriesByName('bestai:launcher-drawn').length,
      );
      expect(launcherDrawn).toBe(1);
      expect(requests.indexOf('/widget/chat-ui.js')).toBeGreaterThan(
        requests.indexOf(`/api/widget/${backend.chatbot.publicId}/config`),
      );
      await page.waitForFunction(() => window.BestAI?.mountChatUi !== undefined);
      expect(await page.evaluate(() => Object.keys(window.BestAI ?? {}).sort())).toEqual([
        'mountChatUi',
        'scriptPolicy',
        'version',
      ]);
    },
    TIMEOUT,
  );

  test(
    "on an origin that is not on the chatbot's list nothing is drawn",
    async () => {
      const chatbot = await backend.api.createChatbot({ allowedOrigins: ['https://shop.example.com'] });
      const warnings: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'warning') warnings.push(message.text());
      });
      await page.goto(backend.hostPageUrl({ chatbot, csp: STRICT_CSP }));
      await page.waitForFunction(() => performance.getEntriesByName('bestai:config-loaded').length > 0);
      expect(await page.locator('bestai-widget').count()).toBe(0);
      expect(await page.getByRole('button', { name: 'Open chat' }).count()).toBe(0);
      // The site's developer learns why from the console.
      expect(warnings.join('\n')).toContain(`${backend.hostOrigin} is not an allowed origin of chatbot`);
      expect(await backend.api.conversationIds(chatbot)).toEqual([]);
      expect(backend.fake.requests).toEqual([]);
    },
    TIMEOUT,
  );

  test(
    'an unknown chatbot draws nothing',
    async () => {
      const { chatbot } = backend;
      const missing = 'cb_' + 'm'.repeat(22);
      await page.goto(
        backend.hostPageUrl({
          chatbot: {
            ...chatbot,
            publicId: missing,
            embedSnippet: chatbot.embedSnippet.replace(chatbot.publicId, missing),
          },
        }),
      );
      await page.waitForFunction(() => performance.getEntriesByName('bestai:config-loaded').length > 0);
      expect(await page.locator('bestai-widget').count()).toBe(0);
    },
    TIMEOUT,
  );

  test(
    'the preview page on BestAI itself embeds the same widget',
    async () => {
      const { api, chatbot } = backend;
      const controls = await openChat(`${api.origin}/preview/${chatbot.publicId}`);
      backend.fake.setReply({ text: 'Previewing works.' });
      await sendMessage('Does the preview answer?');
      await waitForAnswer('Previewing works.');
      expect(consoleErrors).toEqual([]);
      await controls.closeButton.click();
    },
    TIMEOUT,
  );

  test(
    "a provider failure (the workspace's key is rejected) shows the friendly error, and Retry answers",
    async () => {
      const { api, fake, hostOrigin } = backend;
      const workspaceKey = 'sk-ant-api03-' + 'k'.repeat(40) + 'KKKK';
      const chatbot = await api.createChatbotWithOwnKey(workspaceKey, { allowedOrigins: [hostOrigin] });
      fake.reset();
      fake.rejectKey(workspaceKey);
      const controls = await openChat(backend.hostPageUrl({ chatbot }));
      await sendMessage('Are you there?');
      await page.getByRole('alert').getByText(acmeChatbot.errorMessage).waitFor();
      await page.locator('.typing').waitFor({ state: 'detached' });
      // The failure is the workspace's: its key was tried, never the platform key instead.
      expect(fake.requests.map((request) => request.apiKey)).toEqual([workspaceKey]);

      fake.reset();
      fake.setReply({ text: 'Yes, I am here now.' });
      await controls.retry.click();
      await waitForAnswer('Yes, I am here now.');
      await page.getByRole('alert').waitFor({ state: 'detached' });
      expect(await countInWidget('.message.user')).toBe(1);
      expect(lastProviderMessages()?.at(-1)).toEqual({ role: 'user', content: 'Are you there?' });

      // After a reload the visitor sees the question once, answered once.
      await page.reload();
      await controls.openButton.click();
      await waitForAnswer('Yes, I am here now.');
      expect(await countInWidget('.message.assistant:not(.typing)')).toBe(2);
      expect(await countInWidget('.message.user')).toBe(1);
    },
    TIMEOUT,
  );

  test(
    'rate limited (429): says when to try again, then Retry works once the minute has passed',
    async () => {
      const { limited, fake, hostOrigin } = backend;
      const chatbot = await limited.createChatbot({ allowedOrigins: [hostOrigin] });
      await page.clock.install();
      const controls = await openChat(backend.hostPageUrl({ chatbot }));
      fake.setReply({ text: 'First answer.' });
      await sendMessage('First question');
      await waitForAnswer('First answer.');

      await sendMessage('Too fast');
      const notice = page.getByRole('alert');
      // The wait comes from the server's Retry-After (the widget says 10 s when it cannot read it).
      await notice.getByText(/Try again in (5\d|60) s\./).waitFor();
      expect(await controls.retry.isDisabled()).toBe(true);
      expect(fake.requests).toHaveLength(1);

      // A minute passes, for the server's limiter and for the widget's countdown.
      const now = Date.now.bind(Date);
      vi.spyOn(Date, 'now').mockImplementation(() => now() + 61_000);
      await page.clock.fastForward('01:01');
      await notice.getByText('You can send messages again.').waitFor();
      fake.setReply({ text: 'Thanks for waiting.' });
      await controls.retry.click();
      await waitForAnswer('Thanks for waiting.');
      await notice.waitFor({ state: 'detached' });
      expect(lastProviderMessages()?.at(-1)).toEqual({ role: 'user', content: 'Too fast' });
    },
    TIMEOUT,
  );

  test(
    'a stale conversation is replaced transparently',
    async () => {
      const { chatbot } = backend;
      await page.goto(backend.hostPageUrl());
      await page.evaluate((key) => {
        localStorage.setItem(
          key,
          JSON.stringify({ conversationId: '00000000-0000-4000-8000-000000000000', visitorToken: 'stale' }),
        );
      }, `bestai:conversation:${chatbot.publicId}`);
      await page.reload();
      const controls = widgetControls(page);
      await controls.openButton.click();
      backend.fake.setReply({ text: 'Hello, new visitor.' });
      await sendMessage('Hello again');
      await waitForAnswer('Hello, new visitor.');
      expect(await page.getByRole('alert').count()).toBe(0);
      expect(await storedConversationId(chatbot.publicId)).not.toBe('00000000-0000-4000-8000-000000000000');
    },
    TIMEOUT,
  );

  test(
    'full screen on a narrow phone',
    async () => {
      await page.setViewportSize({ width: 375, height: 700 });
      await page.emulateMedia({ reducedMotion: 'reduce' });
      const controls = await openChat();
      const panel = await page.getByRole('dialog').boundingBox();
      expect(panel).toEqual({ x: 0, y: 0, width: 375, height: 700 });
      await controls.closeButton.click();
      await controls.openButton.waitFor();
    },
    TIMEOUT,
  );

  test(
    'screenshots: closed and open with a short conversation',
    async () => {
      const directory = process.env.UPDATE_SCREENSHOTS
        ? resolve(import.meta.dirname, '../../docs/screenshots')
        : mkdtempSync(join(tmpdir(), 'bestai-shots-'));
      mkdirSync(directory, { recursive: true });
      const url = backend.hostPageUrl({ title: 'Acme Outdoor', css: SHOWCASE_CSS, bodyHtml: SHOWCASE_HTML });
      const controls = widgetControls(page);
      await page.goto(url);
      await controls.openButton.waitFor();
      await page.screenshot({ path: join(directory, 'widget-closed.png') });

      backend.fake.setReply({
        text:
          'Sure! The **Trail Runner 2** ships in 2–3 business days.\n\n' +
          '- Free returns within 30 days\n- Track your order at [acme.example/track](https://acme.example/track)',
      });
      await controls.openButton.click();
      await sendMessage('How fast is shipping for the Trail Runner 2?');
      await controls.log.getByText('Free returns within 30 days').waitFor();
      await controls.log.getByRole('link', { name: 'acme.example/track' }).waitFor();
      await page.waitForFunction(() =>
        document.querySelector('bestai-widget')?.shadowRoot?.querySelector('[aria-busy="false"]'),
      );
      await controls.message.blur();
      await page.screenshot({ path: join(directory, 'widget-open.png') });
      await page.setViewportSize({ width: 390, height: 760 });
      await page.screenshot({ path: join(directory, 'widget-open-phone.png') });
    },
    TIMEOUT,
  );
});

const SHOWCASE_CSS = `
body { margin: 0; font-family: Georgia, serif; color: #1c2b22; background: #f4f1ea; }
header { padding: 22px 48px; background: #1f3d2b; color: #f4f1ea; font-size: 22px; letter-spacing: .08em; }
main { display: grid; grid-template-columns: 1fr 1fr; gap: 40px; padding: 56px 48px; max-width: 1100px; }
h1 { font-size: 44px; margin: 0 0 16px; } p { font-size: 18px; line-height: 1.6; color: #3d4a41; }
.card { background: #fff; border-radius: 12px; padding: 28px; box-shadow: 0 2px 10px rgba(0,0,0,.06); }
.price { font-size: 28px; color: #1f3d2b; margin-top: 24px; }
`;
const SHOWCASE_HTML = `<header>ACME OUTDOOR</header><main><section><h1>Trail Runner 2</h1>
<p>Light, grippy and built for long days on rough ground. Recycled mesh upper, a rock plate and a
4 mm drop.</p><p class="price">€129</p></section><section class="card"><p><strong>Free shipping</strong>
on orders over €50.</p><p>Questions about sizing or delivery? Our assistant answers in seconds.</p>
</section></main>`;
