/**
 * The mail and alert screens in a real browser against the real server with a real SMTP server in the
 * process: Forgot password? → the mailed link → a new password; Alerts with the unread count; the LLM
 * screen's banner for a failing key; Account's alert-mail switch; a mailed invitation.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Browser } from 'playwright-core';
import { raiseAlert } from '../../src/alerts/raise-alert';
import { startSmtpInbox, type SmtpInbox } from '../../test/support/smtp-inbox';
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
const waitLong = { timeout: 20_000, interval: 50 };

let backend: AdminBackend;
let browser: Browser;
let inbox: SmtpInbox;

beforeAll(async () => {
  buildAdminIfStale();
  inbox = await startSmtpInbox();
  backend = await startAdminBackend({
    environment: { SMTP_URL: inbox.url },
    jobRunner: { pollIntervalMs: 50, backoffMs: () => 200 },
  });
  browser = await launchBrowser();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await backend?.close();
  await inbox?.close();
});

async function mailTo(address: string, subject: string) {
  await vi.waitFor(
    () =>
      expect(
        inbox.mails.filter((mail) => mail.to === address && mail.subject.includes(subject)),
      ).toHaveLength(1),
    waitLong,
  );
  return inbox.mails.find((mail) => mail.to === address && mail.subject.includes(subject))!;
}

describe('Forgot password?', () => {
  it(
    'mails a link whose page sets a new password, which then signs in',
    async () => {
      const owner = await createOwner(backend.baseUrl, 'Reset Co');
      const { page, context } = await openPage(browser);
      try {
        await page.goto(backend.baseUrl);
        await page.getByRole('link', { name: 'Forgot password?' }).click();
        await page.getByLabel('Email').fill(owner.email);
        await page.getByRole('button', { name: 'Send reset link' }).click();
        await page.getByText(`If an account exists for ${owner.email}`).waitFor();

        const mail = await mailTo(owner.email, 'Reset your BestAI password');
        const link = /http:\/\/\S+\/reset-password\/[A-Za-z0-9_-]+/.exec(mail.text)![0];
        await page.goto(link);
        await page.getByLabel('New password').fill('a fresh passphrase for Reset Co');
        await page.getByRole('button', { name: 'Set new password' }).click();
        await page.getByRole('heading', { name: 'Your password is changed' }).waitFor();

        // The link is spent.
        await page.goto(link);
        await page.getByRole('heading', { name: 'This link cannot be used' }).waitFor();

        await signIn(page, backend.baseUrl, {
          email: owner.email,
          password: 'a fresh passphrase for Reset Co',
        });
      } finally {
        await context.close();
      }
    },
    TIMEOUT,
  );
});

describe('Alerts, Account and the LLM banner', () => {
  let owner: TestAccount;
  beforeAll(async () => {
    owner = await createOwner(backend.baseUrl, 'Alert Co');
  });

  it(
    'counts unread alerts on every screen, lists them, and marks one read',
    async () => {
      await raiseAlert(backend.testApp.database.db, {
        workspaceId: owner.workspaceId,
        kind: 'budget.threshold',
        severity: 'warning',
        title: 'Your OpenAI key has used 80 % of its monthly budget',
        body: 'It has spent $40.00 of $50.00 this month.\n\nAt 100 % it pauses and visitors see your paused message.',
        link: '/integrations/llm',
        dedupeKey: 'budget.threshold:browser:80',
      });
      const { page, context } = await openPage(browser);
      try {
        await signIn(page, backend.baseUrl, owner);
        const navigation = page.getByRole('navigation', { name: 'Main' });
        const alertsLink = navigation.getByRole('link', { name: /Alerts/ });
        await alertsLink.getByLabel('1 unread').waitFor();
        await navigation.getByRole('link', { name: 'Usage' }).click();
        await alertsLink.getByLabel('1 unread').waitFor();

        await alertsLink.click();
        await page.getByRole('heading', { name: 'Alerts', level: 1 }).waitFor();
        await page
          .getByRole('heading', { name: 'Your OpenAI key has used 80 % of its monthly budget' })
          .waitFor();
        await page.getByText('At 100 % it pauses and visitors see your paused message.').waitFor();
        await page.getByRole('button', { name: /Mark as read/ }).click();
        await page.getByText('Read', { exact: true }).waitFor();
        await alertsLink.getByLabel('1 unread').waitFor({ state: 'detached' });

        await page.getByRole('link', { name: 'Fix it' }).click();
        await page.getByRole('heading', { name: 'LLM', level: 1 }).waitFor();
      } finally {
        await context.close();
      }
    },
    TIMEOUT,
  );

  it(
    'shows a banner on the LLM screen while a key is failing',
    async () => {
      const apiKey = 'sk-proj-browser-failing-key-0000abcd';
      await owner.client.request('PUT', `/api/workspaces/${owner.workspaceId}/llm-keys/openai`, { apiKey });
      const chatbot = await createChatbot(owner, { name: 'Banner bot' });
      backend.providers.rejectKey(apiKey);
      expect((await chatAsVisitor(backend.baseUrl, chatbot.publicId, 'hello')).outcome).toBe('error');

      const { page, context } = await openPage(browser);
      try {
        await signIn(page, backend.baseUrl, owner);
        await page.goto(`${backend.baseUrl}/integrations/llm`);
        await page.getByText('Your OpenAI key is failing.').waitFor();
        await page.getByText('get your error message until it works again').waitFor();
      } finally {
        await context.close();
      }
    },
    TIMEOUT,
  );

  it(
    'turns alert mails off on Account',
    async () => {
      const { page, context } = await openPage(browser);
      try {
        await signIn(page, backend.baseUrl, owner);
        await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Account' }).click();
        await page.getByRole('heading', { name: 'Account', level: 1 }).waitFor();
        const checkbox = page.getByLabel(/Email me alerts/);
        expect(await checkbox.isChecked()).toBe(true);
        await checkbox.uncheck();
        await page.getByText('Saved.').waitFor();
        const account = await owner.client.request<{ alertEmails: boolean }>('GET', '/api/account');
        expect(account.alertEmails).toBe(false);
      } finally {
        await context.close();
      }
    },
    TIMEOUT,
  );

  it(
    'mails an invitation and says so',
    async () => {
      const email = `invitee-${Date.now()}@northwind.example`;
      const { page, context } = await openPage(browser);
      try {
        await signIn(page, backend.baseUrl, owner);
        await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Members' }).click();
        await page.getByRole('button', { name: 'Invite member' }).click();
        const dialog = page.getByRole('dialog');
        await dialog.getByLabel('Email').fill(email);
        await dialog.getByRole('button', { name: 'Create invitation' }).click();
        await page.getByText(`The invitation was mailed to ${email}.`).waitFor();
        const mail = await mailTo(email, 'invited you to Alert Co');
        expect(mail.text).toContain('/invite/');
      } finally {
        await context.close();
      }
    },
    TIMEOUT,
  );
});
