/**
 * Screenshots of every admin screen into docs/screenshots/admin-<screen>.png (1280×800, and the LLM
 * screen at phone size), against the real server with a month of demo data: real visitor chats through
 * the widget API, answered by the fake providers, then moved into the past. Doubles as a smoke test:
 * every screen renders its content without a console error. The files are written only with
 * UPDATE_SCREENSHOTS=1, so an ordinary test run leaves the committed pictures alone.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { chatbots, llmKeys, memberships } from '../../src/db/schema';
import {
  ApiClient,
  backdateAuditEntries,
  backdateConversation,
  buildAdminIfStale,
  chatAsVisitor,
  createChatbot,
  createOwner,
  invite,
  repositoryRoot,
  startAdminBackend,
  type AdminBackend,
  type ChatbotInfo,
  type TestAccount,
} from './test-support/admin-backend';
import { launchBrowser, openPage } from './test-support/browser';

const screenshotDir = path.join(repositoryRoot, 'docs', 'screenshots');
const isUpdating = process.env.UPDATE_SCREENSHOTS === '1';
const DAY_MS = 86_400_000;
let backend: AdminBackend;
let browser: Browser;
let owner: TestAccount;
let viewer: { email: string; password: string };

const daysAgo = (days: number) => new Date(Date.now() - days * DAY_MS);

const supportPrompt = `You are the friendly assistant of Northwind Coffee, a small roastery and café in Portland.
Answer questions about orders, subscriptions, our coffees and the café. Be brief and warm.
Facts: the café is open Monday to Friday 7:30–18:00 and Sunday 9:00–16:00, closed on Saturday.
We ship in the US (3–5 working days, free over $40) and to Canada (5–8 working days, $12, free over $80).
Subscriptions: a box every 2 or 4 weeks; pause, skip or cancel any time under Account → Subscription.
Coffees: Ethiopia Yirgacheffe (light, floral, bergamot), Colombia Huila (medium, chocolate, red apple),
Sumatra Mandheling (dark, earthy, cedar), and a Swiss Water decaf. Unopened bags may be returned within 30 days.
If you do not know an answer, say so and point to hello@northwind.example.`;

const salesPrompt = `You answer questions about Northwind Coffee's plans for offices and cafés.
Office plan: teams of 20 to 60, 6 kg of beans a month, a grinder on loan, free delivery, $240 a month.
Café plan: from 20 kg a month, wholesale prices, barista training included. Paying yearly saves two months.
Invoices in USD, EUR or CAD. Offer a free tasting session for teams over 20 people.`;

const supportExchanges: Array<[string, string]> = [
  [
    'Do you ship to Canada?',
    'Yes! Delivery to Canada takes 5 to 8 working days and costs $12; orders over $80 ship free.',
  ],
  [
    'What is the difference between the Ethiopia and the Colombia beans?',
    'The Ethiopia Yirgacheffe is light and floral, with notes of bergamot. The Colombia Huila is rounder, with chocolate and red apple, and is the one most customers prefer for espresso.',
  ],
  [
    'Can I pause my subscription for a month?',
    'Of course. Under Account → Subscription, choose Pause and pick how many boxes to skip. You can resume at any time.',
  ],
  [
    'Do you have decaf?',
    'Yes, a Swiss Water decaf from Colombia: no chemicals, and it still tastes of cocoa.',
  ],
  [
    'How long do the beans stay fresh?',
    'They are best within four weeks of the roast date printed on the bag. Keep them sealed, away from light and heat.',
  ],
  [
    'Can I return an unopened bag?',
    'Yes, within 30 days. Write to hello@northwind.example with your order number and we will send a return label.',
  ],
  ['What are your opening hours on weekdays?', 'Our café is open Monday to Friday from 7:30 to 18:00.'],
  [
    'Which coffee would you recommend for a French press?',
    'For a French press, try the Sumatra Mandheling: dark, earthy and full-bodied. Use a coarse grind and four minutes of steeping.',
  ],
];

const salesExchanges: Array<[string, string]> = [
  [
    'Can we get a tasting session for our team?',
    'Gladly: teams over 20 people get a free tasting session at your office. Tell me a date and I will pass it on.',
  ],
  ['Do you invoice in euros?', 'Yes, we invoice in USD, EUR or CAD, whichever suits your accounts.'],
  [
    'What does the café plan include?',
    'The café plan starts at 20 kg a month at wholesale prices, and includes barista training for your staff.',
  ],
];

/** A visitor's chat, answered with `answer` by whichever provider the workspace resolves, at `at`. */
async function chat(chatbot: ChatbotInfo, at: Date, turns: Array<[string, string]>) {
  let conversation: { conversationId: string; visitorToken: string } | undefined;
  for (const [question, answer] of turns) {
    backend.providers.setReply({ text: answer, chunks: 6 });
    const turn = await chatAsVisitor(backend.baseUrl, chatbot.publicId, question, conversation);
    conversation = turn;
  }
  await backdateConversation(backend, conversation!.conversationId, at);
}

/** Runs a change through the API and dates its audit entries `at`. */
async function happenedAt(at: Date, change: () => Promise<unknown>) {
  const since = new Date();
  await change();
  await backdateAuditEntries(backend, owner.workspaceId, since, at);
}

async function seedDemoWorkspace() {
  const { db } = backend.testApp.database;
  owner = await createOwner(backend.baseUrl, 'Northwind Coffee', 'alex.morgan@northwind.example');
  await db
    .update(memberships)
    .set({ createdAt: daysAgo(31) })
    .where(eq(memberships.workspaceId, owner.workspaceId));
  const keys = `/api/workspaces/${owner.workspaceId}/llm-keys`;

  let support!: ChatbotInfo;
  let sales!: ChatbotInfo;
  // Everything happens in the order of its date, so the audit log's order is the order of events.
  const events: Array<{ at: number; run: () => Promise<void> }> = [];
  events.push(
    {
      at: 30,
      run: () =>
        happenedAt(daysAgo(30), async () => {
          support = await createChatbot(owner, {
            name: 'Support assistant',
            systemPrompt: supportPrompt,
            allowedOrigins: ['https://www.northwind.example', 'https://help.northwind.example'],
            title: 'Northwind help',
            greeting: 'Hi! Ask me anything about your order.',
            color: '#0f766e',
          });
          await db
            .update(chatbots)
            .set({ createdAt: daysAgo(30), updatedAt: daysAgo(2) })
            .where(eq(chatbots.id, support.id));
        }),
    },
    {
      at: 21,
      run: () =>
        happenedAt(daysAgo(21), async () => {
          sales = await createChatbot(owner, {
            name: 'Pricing questions',
            systemPrompt: salesPrompt,
            allowedOrigins: ['https://www.northwind.example'],
            title: 'Talk to sales',
            greeting: 'Questions about plans for your office or café?',
            color: '#b45309',
            position: 'left',
          });
          await db
            .update(chatbots)
            .set({ createdAt: daysAgo(21), updatedAt: daysAgo(5) })
            .where(eq(chatbots.id, sales.id));
        }),
    },
  );

  // The team.
  const team = [
    ['maria.lopez', 'admin', 24],
    ['sam.okafor', 'support', 11],
    ['jin.park', 'viewer', 3],
  ] as const;
  for (const [name, role, joined] of team) {
    const email = `${name}@northwind.example`;
    if (role === 'viewer') viewer = { email, password: 'a demo passphrase' };
    events.push({
      at: joined + 0.2,
      run: async () => {
        const member = new ApiClient(backend.baseUrl);
        await happenedAt(daysAgo(joined + 0.2), async () => {
          const invitation = await invite(owner, email, role);
          await member.request('POST', `/api/invitations/${invitation.token}/accept`, {
            password: 'a demo passphrase',
          });
        });
        const me = await member.request<{ user: { id: string } }>('GET', '/api/me');
        await db
          .update(memberships)
          .set({ createdAt: daysAgo(joined) })
          .where(and(eq(memberships.workspaceId, owner.workspaceId), eq(memberships.userId, me.user.id)));
      },
    });
  }

  // A month of visitors: the platform key answers until the workspace brings its own keys.
  for (let day = 29; day >= 0; day--) {
    const count = [3, 4, 6, 5, 4, 2, 2][day % 7]! + (day < 10 ? 2 : 0);
    for (let index = 0; index < count; index++) {
      const at = day + 0.9 - (index + 0.5) * (0.6 / count);
      const isSales = day < 21 && (day + index) % 4 === 0;
      const pool = isSales ? salesExchanges : supportExchanges;
      const exchange = pool[(day * 3 + index) % pool.length]!;
      events.push({ at, run: () => chat(isSales ? sales : support, daysAgo(at), [exchange]) });
    }
  }
  events.push(
    {
      at: 15.5,
      run: () =>
        happenedAt(daysAgo(15.5), () =>
          owner.client.request('PUT', `${keys}/openai`, { apiKey: 'sk-proj-Nw9kT2vQ8mXa4Lr7-demo-91c2' }),
        ),
    },
    {
      at: 9.5,
      run: () =>
        happenedAt(daysAgo(9.5), () =>
          owner.client.request('PUT', `${keys}/anthropic`, {
            apiKey: 'sk-ant-api03-hB6yPq1Zc4Wd8Rt0-demo-7f3a',
            model: 'claude-sonnet-4-5',
          }),
        ),
    },
    {
      at: 6.5,
      run: () =>
        chat(sales, daysAgo(6.5), [
          [
            'Is there a discount for yearly payment?',
            'Yes, paying yearly saves two months compared to paying monthly.',
          ],
        ]),
    },
    {
      at: 3.1,
      run: async () => {
        // The visitor closes the tab while the answer streams: it is kept as far as it got.
        backend.providers.failMidStreamNext('anthropic', { afterChunks: 4 });
        await chat(support, daysAgo(3.1), [
          [
            'How do I cancel my subscription?',
            'You can cancel at any time under Account → Subscription. Your last box ships at the end of the month, and you keep any credit left.',
          ],
        ]);
      },
    },
    {
      at: 2.4,
      run: async () => {
        // The provider account ran out of credit for a moment: the visitor got the error message.
        backend.providers.setOutOfCredit('anthropic');
        await chat(support, daysAgo(2.4), [['Can I change the grind of my subscription?', '']]);
        backend.providers.reset();
      },
    },
    {
      at: 1.5,
      run: () =>
        happenedAt(daysAgo(1.5), async () => {
          await owner.client.request('PUT', `${keys}/groq`, { apiKey: 'gsk_Lm3nB8vC1xZ6-demo-e41b' });
          await owner.client.request('PATCH', `${keys}/groq`, { enabled: false });
        }),
    },
    {
      at: 1.2,
      run: () =>
        chat(sales, daysAgo(1.2), [
          [
            'Do you have a plan for offices with 40 people?',
            'Our Office plan fits teams of 20 to 60: 6 kg of beans a month, a grinder on loan, and free delivery, for $240 a month.',
          ],
        ]),
    },
    {
      at: 0.3,
      run: () =>
        chat(support, daysAgo(0.3), [
          ['Are you open on Sunday?', 'Yes: our café is open on Sundays from 9:00 to 16:00.'],
        ]),
    },
    {
      at: 0.02,
      run: () =>
        chat(support, daysAgo(0.02), [
          [
            'Where is my order #10492? It was supposed to arrive yesterday.',
            'I am sorry it is late. Order #10492 left our roastery on Monday and is with the courier; the tracking shows delivery tomorrow before noon.',
          ],
          [
            'Can the courier leave it with my neighbour?',
            'Yes. Use the "Delivery instructions" link in the tracking email and name your neighbour; the courier will see it before the delivery.',
          ],
        ]),
    },
  );
  events.sort((a, b) => b.at - a.at);
  for (const event of events) await event.run();

  // Keys as they would look now: Anthropic last answered the newest chat, OpenAI the last one before
  // Anthropic took over; the OpenAI key was since revoked at OpenAI, and the owner's check says so.
  await db
    .update(llmKeys)
    .set({ lastUsedAt: daysAgo(0.02) })
    .where(and(eq(llmKeys.workspaceId, owner.workspaceId), eq(llmKeys.provider, 'anthropic')));
  await db
    .update(llmKeys)
    .set({ lastUsedAt: daysAgo(9.6) })
    .where(and(eq(llmKeys.workspaceId, owner.workspaceId), eq(llmKeys.provider, 'openai')));
  backend.providers.rejectKey('sk-proj-Nw9kT2vQ8mXa4Lr7-demo-91c2');
  await owner.client.request('POST', `${keys}/openai/test`);
}

beforeAll(async () => {
  buildAdminIfStale();
  if (isUpdating) mkdirSync(screenshotDir, { recursive: true });
  backend = await startAdminBackend();
  browser = await launchBrowser();
  await seedDemoWorkspace();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await backend?.close();
});

async function shoot(page: Page, screen: string) {
  await page.waitForLoadState('networkidle');
  await page.evaluate(() => document.fonts.ready);
  const picture = await page.screenshot(
    isUpdating ? { path: path.join(screenshotDir, `admin-${screen}.png`) } : {},
  );
  expect(picture.byteLength).toBeGreaterThan(0);
}

async function signIn(page: Page, account: { email: string; password: string }) {
  await page.goto(backend.baseUrl);
  await page.getByLabel('Email').fill(account.email);
  await page.getByLabel('Password').fill(account.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { level: 1 }).waitFor();
  await page.locator('#content').waitFor();
}

async function go(page: Page, pathname: string, heading: string | RegExp) {
  await page.evaluate((target) => {
    window.history.pushState(null, '', target);
    window.dispatchEvent(new PopStateEvent('popstate'));
  }, pathname);
  await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
}

describe('admin screenshots', () => {
  it('captures every screen', async () => {
    const { page, context, errors } = await openPage(browser);

    await page.goto(backend.baseUrl);
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await shoot(page, 'sign-in');
    await page.getByRole('link', { name: 'Create a workspace' }).click();
    await page.getByRole('button', { name: 'Create workspace' }).waitFor();
    await shoot(page, 'sign-up');
    const invitation = await invite(owner, 'new.colleague@northwind.example', 'support');
    await page.goto(invitation.acceptUrl);
    await page.getByRole('button', { name: 'Accept invitation' }).waitFor();
    await shoot(page, 'accept-invitation');

    await signIn(page, owner);
    await go(page, '/integrations', 'Integrations');
    await page.getByText(/keys? enabled/).waitFor();
    await shoot(page, 'integrations');
    await go(page, '/integrations/llm', 'LLM');
    await page.locator('td[data-label="Provider"]', { hasText: 'Anthropic' }).waitFor();
    await page.locator('.status-cell__error', { hasText: 'The provider rejected the API key.' }).waitFor();
    await shoot(page, 'llm');
    await page.getByRole('button', { name: 'Add provider' }).click();
    await page.getByRole('dialog').getByLabel('API key').fill('sk-example-key-0000');
    await shoot(page, 'llm-add-provider');
    await page.keyboard.press('Escape');
    await page.getByRole('row').filter({ hasText: 'Groq' }).getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('dialog').waitFor();
    await shoot(page, 'llm-delete');
    await page.keyboard.press('Escape');

    await go(page, '/chatbots', 'Chatbots');
    await page.getByText('Support assistant').waitFor();
    await shoot(page, 'chatbots');
    await page.getByText('Support assistant').click();
    await page.getByRole('heading', { name: 'Support assistant', level: 1 }).waitFor();
    await shoot(page, 'chatbot');

    await go(page, '/conversations', 'Conversations');
    await page.getByText('Where is my order').waitFor();
    await shoot(page, 'conversations');
    await page.getByText('Where is my order').click();
    await page.getByText('tracking shows delivery').waitFor();
    await page.getByText('leave it with my neighbour').waitFor();
    await shoot(page, 'conversation');
    await go(page, '/conversations', 'Conversations');
    await page.getByText('Can I change the grind').click();
    await page.getByText('Failed', { exact: true }).waitFor();
    await shoot(page, 'conversation-failed');

    await go(page, '/usage', 'Usage');
    await page.getByRole('heading', { name: 'By key' }).waitFor();
    await page.getByText('Platform key').waitFor();
    await shoot(page, 'usage');

    await go(page, '/members', 'Members');
    await page.getByText('jin.park@northwind.example').waitFor();
    await shoot(page, 'members');
    await page.getByRole('button', { name: 'Invite member' }).click();
    await page.getByRole('dialog').getByLabel('Email').fill('new.colleague@northwind.example');
    await page.getByRole('dialog').getByRole('button', { name: 'Create invitation' }).click();
    await page.getByRole('dialog', { name: 'Invitation created' }).waitFor();
    await shoot(page, 'members-invitation');
    await page.keyboard.press('Escape');

    await go(page, '/audit-log', 'Audit log');
    await page.getByText('Key added').first().waitFor();
    await shoot(page, 'audit-log');
    expect(errors).toEqual([]);
    await context.close();

    const phone = await openPage(browser, { width: 390, height: 844 });
    await signIn(phone.page, owner);
    await go(phone.page, '/integrations/llm', 'LLM');
    await phone.page.getByText('Anthropic', { exact: true }).first().waitFor();
    await shoot(phone.page, 'llm-mobile');
    await phone.page.getByRole('button', { name: 'Menu' }).click();
    await phone.page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Audit log' })
      .waitFor();
    await shoot(phone.page, 'navigation-mobile');
    expect(phone.errors).toEqual([]);
    await phone.context.close();

    const viewerPage = await openPage(browser);
    await signIn(viewerPage.page, viewer);
    await go(viewerPage.page, '/integrations/llm', 'LLM');
    await viewerPage.page.getByText('Only the workspace owner can change LLM keys.').waitFor();
    await shoot(viewerPage.page, 'llm-viewer');
    expect(viewerPage.errors).toEqual([]);
    await viewerPage.context.close();
  }, 120_000);
});
