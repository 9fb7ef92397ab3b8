/**
 * The admin console in a real browser against the real BestAI server (in-process, fresh database, fake
 * LLM providers), following the product docs (shared/product-docs/bring-your-own-key.txt) with the words
 * of the contract.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import {
  ApiClient,
  buildAdminIfStale,
  createChatbot,
  createOwner,
  invite,
  startAdminBackend,
  type AdminBackend,
  type ChatbotInfo,
  type TestAccount,
} from './test-support/admin-backend';
import { launchBrowser, openPage, watchPage, signIn } from './test-support/browser';

const TIMEOUT = 90_000;
const FIRST_KEY = 'sk-ant-api03-Q1w2E3r4T5y6U7i8O9p0-firstkeyabcd';
const SECOND_KEY = 'sk-ant-api03-Z9x8C7v6B5n4M3-secondkeywxyz';
const REVOKED_KEY = 'sk-proj-invalid-0000revoked9z9z';

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

function mainNavigation(page: Page): Locator {
  return page.getByRole('navigation', { name: 'Main' });
}

async function openLlm(page: Page) {
  const navigation = mainNavigation(page);
  await navigation.getByRole('link', { name: 'Integrations', exact: true }).click();
  await page.getByRole('heading', { name: 'Integrations', level: 1 }).waitFor();
  await navigation.getByRole('link', { name: 'LLM', exact: true }).click();
  await page.getByRole('heading', { name: 'LLM', level: 1 }).waitFor();
}

function providerRow(page: Page, provider: string): Locator {
  return page.getByRole('row').filter({ has: page.getByRole('cell', { name: provider }) });
}

async function expectText(locator: Locator, text: string | RegExp) {
  await locator.filter({ hasText: text }).first().waitFor();
}

/** The page's text, attributes and form values, to prove a key appears nowhere. */
async function everythingOnPage(page: Page): Promise<string> {
  const html = await page.content();
  const values = await page.evaluate(() =>
    [...document.querySelectorAll('input, textarea')].map((element) => (element as HTMLInputElement).value),
  );
  return `${html}\n${values.join('\n')}`;
}

describe('Integrations → LLM, as the product docs tell an owner', () => {
  let owner: TestAccount;
  let chatbot: ChatbotInfo;
  beforeAll(async () => {
    owner = await createOwner(backend.baseUrl);
    chatbot = await createChatbot(owner, {
      name: 'Support assistant',
      systemPrompt: 'You are the friendly assistant of Northwind Coffee.',
      greeting: 'Hi! Ask me anything about your order.',
    });
  });

  it(
    'adds, replaces, disables, enables and deletes a key; a chat moves Last used; the audit log records each with the mask',
    async () => {
      const { page, context, errors } = await openPage(browser);
      // 1. Sign in to the admin. 2. Open Integrations, then LLM.
      await signIn(page, backend.baseUrl, owner);
      await openLlm(page);

      // Before any key: the platform default answers.
      await expectText(page.locator('.active-provider'), 'Platform default (Anthropic)');

      // 3. Add provider → Anthropic → paste the key → Model override → Save.
      await page.getByRole('button', { name: 'Add provider' }).click();
      const dialog = page.getByRole('dialog', { name: 'Add provider' });
      await dialog.waitFor();
      expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('SELECT');
      await dialog.getByLabel('Provider').selectOption({ label: 'Anthropic' });
      const keyInput = dialog.getByLabel('API key');
      expect(await keyInput.getAttribute('type')).toBe('password');
      expect(await keyInput.getAttribute('autocomplete')).toBe('off');
      await keyInput.fill(FIRST_KEY);
      const modelInput = dialog.getByLabel('Model override');
      expect(await modelInput.getAttribute('placeholder')).toBe('claude-haiku-4-5');
      await modelInput.fill('claude-sonnet-4-5');
      await dialog.getByRole('button', { name: 'Save' }).click();
      await dialog.waitFor({ state: 'detached' });

      // The save runs a live check and shows its result; the row shows the mask, never the key.
      await expectText(page.getByRole('status'), 'Anthropic accepted the key');
      for (const column of ['Provider', 'Key', 'Model', 'Status', 'Last used']) {
        await page.getByRole('columnheader', { name: column, exact: true }).waitFor();
      }
      const row = providerRow(page, 'Anthropic');
      await expectText(row, 'sk-...abcd');
      await expectText(row, 'claude-sonnet-4-5');
      await expectText(row, 'Working');
      await expectText(row, 'Never');
      await expectText(page.locator('.active-provider'), /Next message answered by\s*Anthropic/);
      expect(await everythingOnPage(page)).not.toContain(FIRST_KEY);
      expect(await everythingOnPage(page)).not.toContain('firstkey');
      // The check reached the provider with the key that was pasted.
      expect(
        backend.providers.requests.some(
          (request) => request.endpoint === 'models' && request.apiKey === FIRST_KEY,
        ),
      ).toBe(true);

      // Replace: the provider is fixed, the override is kept, the new mask shows.
      await row.getByRole('button', { name: 'Replace' }).click();
      const replaceDialog = page.getByRole('dialog', { name: 'Replace the Anthropic key' });
      await replaceDialog.waitFor();
      expect(await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.type)).toBe(
        'password',
      );
      await expect(replaceDialog.getByLabel('Provider').isDisabled()).resolves.toBe(true);
      await expect(replaceDialog.getByLabel('Model override').inputValue()).resolves.toBe(
        'claude-sonnet-4-5',
      );
      await replaceDialog.getByLabel('API key').fill(SECOND_KEY);
      await replaceDialog.getByRole('button', { name: 'Save' }).click();
      await replaceDialog.waitFor({ state: 'detached' });
      await expectText(row, 'sk-...wxyz');
      expect(await everythingOnPage(page)).not.toContain(SECOND_KEY);

      // Disable → Enable.
      await row.getByRole('button', { name: 'Disable' }).click();
      await expectText(row, 'Disabled');
      await expectText(page.locator('.active-provider'), 'Platform default (Anthropic)');
      await row.getByRole('button', { name: 'Enable' }).click();
      await row.getByRole('button', { name: 'Disable' }).waitFor();
      await expectText(page.locator('.active-provider'), /answered by\s*Anthropic/);

      // Test.
      await row.getByRole('button', { name: 'Test' }).click();
      await expectText(page.getByRole('status'), 'Key checked');
      await expectText(row, 'Never');

      // 4. Confirm it is working: a message through the chat widget (the chatbot's preview page)…
      const visitor = watchPage(await context.newPage());
      await visitor.page.goto(`${backend.baseUrl}/preview/${chatbot.publicId}`);
      await visitor.page.getByRole('button', { name: 'Open chat' }).click();
      await visitor.page.getByRole('textbox', { name: 'Message' }).fill('Are you open on Sunday?');
      await visitor.page.getByRole('button', { name: 'Send' }).click();
      await visitor.page.getByText('Hello! This is a reply from the fake provider.').waitFor();
      expect(visitor.errors).toEqual([]);
      await visitor.page.close();
      // …answered by the replaced key with the override…
      const chat = backend.providers.requests.findLast((request) => request.endpoint === 'chat');
      expect(chat?.provider).toBe('anthropic');
      expect(chat?.apiKey).toBe(SECOND_KEY);
      expect((chat?.body as { model?: string }).model).toBe('claude-sonnet-4-5');
      // …then back to Integrations → LLM: Last used has moved.
      await openLlm(page);
      await expectText(row, 'just now');
      expect(await row.textContent()).not.toContain('Never');

      // The conversation shows the visitor's words and the answer with provider, model and tokens.
      await mainNavigation(page).getByRole('link', { name: 'Conversations' }).click();
      await page.getByRole('heading', { name: 'Conversations', level: 1 }).waitFor();
      await page.getByRole('link', { name: /Are you open on Sunday\?/ }).click();
      await page.getByRole('heading', { name: 'Conversation with Support assistant', level: 1 }).waitFor();
      const visitorMessage = page.locator('.message--user');
      await expectText(visitorMessage, 'Are you open on Sunday?');
      const answer = page.locator('.message--assistant');
      await expectText(answer, 'Hello! This is a reply from the fake provider.');
      await expectText(answer, 'Anthropic');
      await expectText(answer, 'claude-sonnet-4-5');
      await expectText(answer, /\d+ in · \d+ out/);
      await expectText(page.locator('.page-header'), /2 messages · \d+ input and \d+ output tokens/);

      // Usage counts it against the workspace's own key, by its mask.
      await mainNavigation(page).getByRole('link', { name: 'Usage' }).click();
      await page.getByRole('heading', { name: 'By key' }).waitFor();
      const byKey = page.getByRole('region', { name: 'By key' });
      await expectText(byKey.getByRole('row'), /Anthropic\s*sk-\.\.\.wxyz/);

      // 5. Delete, behind a confirmation naming the provider.
      await openLlm(page);
      await row.getByRole('button', { name: 'Delete' }).click();
      const confirm = page.getByRole('dialog', { name: 'Delete the Anthropic key?' });
      await confirm.getByRole('button', { name: 'Delete key' }).click();
      await confirm.waitFor({ state: 'detached' });
      await page.getByText('No keys of your own yet').waitFor();
      await expectText(page.getByRole('status'), 'Anthropic key deleted');

      // The audit log has each change with the provider and the mask.
      await mainNavigation(page).getByRole('link', { name: 'Audit log' }).click();
      await page.getByRole('heading', { name: 'Audit log', level: 1 }).waitFor();
      const expected: Array<[string, string]> = [
        ['Key added', 'sk-...abcd'],
        ['Key replaced', 'sk-...wxyz'],
        ['Key disabled', 'sk-...wxyz'],
        ['Key enabled', 'sk-...wxyz'],
        ['Key deleted', 'sk-...wxyz'],
      ];
      for (const [action, mask] of expected) {
        const entry = page.getByRole('row').filter({ hasText: action }).first();
        await expectText(entry, 'Anthropic');
        await expectText(entry, mask);
        await expectText(entry, owner.email);
      }
      await expectText(page.getByRole('row').filter({ hasText: 'Key added' }), 'model claude-sonnet-4-5');
      await expectText(page.getByRole('row').filter({ hasText: 'Key replaced' }), 'was sk-...abcd');
      expect(await everythingOnPage(page)).not.toContain(FIRST_KEY);
      expect(await everythingOnPage(page)).not.toContain(SECOND_KEY);

      expect(errors).toEqual([]);
      await context.close();
    },
    TIMEOUT,
  );

  it(
    'shows a key the provider rejects as an error with the reason',
    async () => {
      backend.providers.rejectKey(REVOKED_KEY);
      const { page, context, errors } = await openPage(browser);
      await signIn(page, backend.baseUrl, owner);
      await openLlm(page);
      await page.getByRole('button', { name: 'Add provider' }).click();
      const dialog = page.getByRole('dialog', { name: 'Add provider' });
      await dialog.getByLabel('Provider').selectOption({ label: 'OpenAI' });
      expect(await dialog.getByLabel('Model override').getAttribute('placeholder')).toBe('gpt-4o-mini');
      await dialog.getByLabel('API key').fill(REVOKED_KEY);
      await dialog.getByRole('button', { name: 'Save' }).click();
      // The key is checked before it is saved: the form shows the provider's reason and nothing is stored.
      await expectText(dialog.getByRole('alert'), 'OpenAI rejected this key, so it was not saved.');
      await expectText(dialog.getByRole('alert'), 'The provider rejected the API key.');
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
      expect(await providerRow(page, 'OpenAI').count()).toBe(0);
      expect(await everythingOnPage(page)).not.toContain(REVOKED_KEY);

      // Saved anyway, the key shows as an error with the reason.
      await owner.client.request('PUT', `/api/workspaces/${owner.workspaceId}/llm-keys/openai`, {
        apiKey: REVOKED_KEY,
        force: true,
      });
      await page.reload();
      const row = providerRow(page, 'OpenAI');
      await expectText(row, 'Error');
      await expectText(row, 'The provider rejected the API key.');
      await expectText(row, 'gpt-4o-mini (default)');
      await expectText(row, 'sk-...9z9z');
      // The provider's error text echoes the key; the server scrubs it before anyone sees it.
      expect(await everythingOnPage(page)).not.toContain(REVOKED_KEY);

      // Keyboard: Escape closes the confirmation, nothing is deleted, focus returns to the button.
      await row.getByRole('button', { name: 'Delete' }).click();
      const confirm = page.getByRole('dialog', { name: 'Delete the OpenAI key?' });
      await confirm.waitFor();
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Cancel');
      await page.keyboard.press('Escape');
      await confirm.waitFor({ state: 'detached' });
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Delete');
      await expectText(row, 'sk-...9z9z');
      // The only console error is the browser's own line for the refused save.
      expect(errors).toEqual([
        'Failed to load resource: the server responded with a status of 422 (Unprocessable Entity)',
      ]);
      await context.close();
    },
    TIMEOUT,
  );
});

describe('roles', () => {
  it(
    'a viewer accepts an invitation, sees the masks and no button that changes a key',
    async () => {
      const owner = await createOwner(backend.baseUrl, 'Viewer test workspace');
      await owner.client.request('PUT', `/api/workspaces/${owner.workspaceId}/llm-keys/groq`, {
        apiKey: 'gsk_live0123456789viewer1234',
      });
      const invitation = await invite(owner, `viewer-${Date.now()}@northwind.example`, 'viewer');
      expect(new URL(invitation.acceptUrl).origin).toBe(backend.baseUrl);

      const { page, context, errors } = await openPage(browser);
      await page.goto(invitation.acceptUrl);
      await page.getByLabel('Choose a password').fill('another long passphrase');
      await page.getByRole('button', { name: 'Accept invitation' }).click();
      await page.getByRole('navigation', { name: 'Main' }).waitFor();
      await openLlm(page);

      await page.getByText('Only the workspace owner can change LLM keys.').waitFor();
      const row = providerRow(page, 'Groq');
      await expectText(row, 'gsk_...1234');
      await expectText(row, 'llama-3.1-70b-versatile (default)');
      for (const name of ['Add provider', 'Replace', 'Disable', 'Enable', 'Delete', 'Test']) {
        expect(await page.getByRole('button', { name, exact: true }).count(), name).toBe(0);
      }
      const navigation = mainNavigation(page);
      expect(await navigation.getByRole('link', { name: 'Audit log' }).count()).toBe(0);

      // Members: a viewer reads the list but may not invite.
      await navigation.getByRole('link', { name: 'Members' }).click();
      await page.getByRole('cell', { name: owner.email }).waitFor();
      expect(await page.getByRole('button', { name: 'Invite member' }).count()).toBe(0);

      expect(errors).toEqual([]);
      await context.close();
    },
    TIMEOUT,
  );

  it(
    'an existing account sees who invited it to which workspace, signs in and accepts as itself',
    async () => {
      const owner = await createOwner(backend.baseUrl, 'Northwind Support');
      const invited = await createOwner(backend.baseUrl, 'Invited person’s own workspace');
      const invitation = await invite(owner, invited.email, 'admin');

      const { page, context, errors } = await openPage(browser);
      await page.goto(invitation.acceptUrl);
      await page.getByRole('heading', { name: 'Join Northwind Support on BestAI' }).waitFor();
      const subtitle = page.locator('.auth-card__subtitle');
      await expectText(
        subtitle,
        `${owner.email} invited ${invited.email} to join Northwind Support as admin.`,
      );
      // No new password for an existing account: the ordinary sign-in, then the accept.
      expect(await page.getByLabel('Choose a password').count()).toBe(0);
      await page.getByLabel('Password').fill('not the right password');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await expectText(page.getByRole('alert'), 'The email or password is not correct.');
      await page.getByLabel('Password').fill(invited.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByText(`You are signed in as ${invited.email}.`).waitFor();
      await page.getByRole('button', { name: 'Accept invitation' }).click();
      await page.getByRole('navigation', { name: 'Main' }).waitFor();
      const me = await invited.client.request<{ workspaces: Array<{ id: string; role: string }> }>(
        'GET',
        '/api/me',
      );
      expect(me.workspaces).toContainEqual(expect.objectContaining({ id: owner.workspaceId, role: 'admin' }));
      // The one failed request is the wrong password above.
      expect(errors).toEqual([expect.stringContaining('status of 401')]);
      await context.close();
    },
    TIMEOUT,
  );

  it(
    'Members lists pending invitations: a new link to copy, and revoke',
    async () => {
      const owner = await createOwner(backend.baseUrl, 'Pending test workspace');
      const pendingEmail = `pending-${Date.now()}@northwind.example`;
      const invitation = await invite(owner, pendingEmail, 'viewer');
      const { page, context, errors } = await openPage(browser);
      await signIn(page, backend.baseUrl, owner);
      await mainNavigation(page).getByRole('link', { name: 'Members' }).click();
      const pending = page.getByRole('region', { name: 'Pending invitations' });
      const row = pending.getByRole('row').filter({ hasText: pendingEmail });
      await expectText(row, 'Viewer');
      await expectText(row, owner.email);

      await row.getByRole('button', { name: 'Copy link' }).click();
      const linkDialog = page.getByRole('dialog', { name: 'Invitation link' });
      const link = await linkDialog.getByLabel('Accept link').inputValue();
      expect(link).toMatch(new RegExp(`^${backend.baseUrl}/invite/.+`));
      expect(link).not.toBe(invitation.acceptUrl);
      await linkDialog.getByRole('button', { name: 'Done' }).click();
      await linkDialog.waitFor({ state: 'detached' });

      await row.getByRole('button', { name: 'Revoke' }).click();
      const confirm = page.getByRole('dialog', { name: `Revoke the invitation of ${pendingEmail}?` });
      await confirm.getByRole('button', { name: 'Revoke invitation' }).click();
      await confirm.waitFor({ state: 'detached' });
      await expectText(page.getByRole('status'), `The invitation of ${pendingEmail} was revoked.`);
      await row.waitFor({ state: 'detached' });
      const token = link.split('/invite/')[1]!;
      expect((await fetch(`${backend.baseUrl}/api/invitations/${token}`)).status).toBe(404);
      expect(errors).toEqual([]);
      await context.close();
    },
    TIMEOUT,
  );

  it(
    'the owner changes a member’s role and removes them; the audit log says who and what',
    async () => {
      const owner = await createOwner(backend.baseUrl, 'Roles test workspace');
      const memberEmail = `sam-${Date.now()}@northwind.example`;
      const invitation = await invite(owner, memberEmail, 'support');
      await new ApiClient(backend.baseUrl).request('POST', `/api/invitations/${invitation.token}/accept`, {
        password: 'a member passphrase',
      });

      const { page, context, errors } = await openPage(browser);
      await signIn(page, backend.baseUrl, owner);
      await mainNavigation(page).getByRole('link', { name: 'Members' }).click();
      const memberRow = page.getByRole('row').filter({ hasText: memberEmail });
      const ownerRow = page.getByRole('row').filter({ hasText: owner.email });
      await expectText(ownerRow, 'Owner');
      await expectText(ownerRow, 'You');
      expect(await ownerRow.getByRole('combobox').count()).toBe(0);
      expect(await ownerRow.getByRole('button', { name: 'Remove' }).count()).toBe(0);

      await memberRow.getByRole('combobox', { name: `Role of ${memberEmail}` }).selectOption('admin');
      await expectText(page.getByRole('status'), `${memberEmail} is now admin.`);
      await memberRow.getByRole('button', { name: 'Remove' }).click();
      const confirm = page.getByRole('dialog', { name: `Remove ${memberEmail}?` });
      await confirm.getByRole('button', { name: 'Remove member' }).click();
      await confirm.waitFor({ state: 'detached' });
      await expectText(page.getByRole('status'), `${memberEmail} was removed`);
      expect(await memberRow.count()).toBe(0);

      await mainNavigation(page).getByRole('link', { name: 'Audit log' }).click();
      await expectText(
        page.getByRole('row').filter({ hasText: 'Member invited' }),
        `${memberEmail} · Support`,
      );
      await expectText(page.getByRole('row').filter({ hasText: 'Member joined' }), memberEmail);
      await expectText(
        page.getByRole('row').filter({ hasText: 'Role changed' }),
        `${memberEmail} · Support → Admin`,
      );
      await expectText(page.getByRole('row').filter({ hasText: 'Member removed' }), `${memberEmail} · Admin`);
      expect(errors).toEqual([]);
      await context.close();
    },
    TIMEOUT,
  );
});

describe('the rest of the console', () => {
  it(
    'signs up, creates a chatbot with an embed snippet, invites a member and signs out',
    async () => {
      const { page, context, errors } = await openPage(browser);
      await page.goto(backend.baseUrl);
      await page.getByRole('link', { name: 'Create a workspace' }).click();
      await page.getByLabel('Email').fill(`signup-${Date.now()}@northwind.example`);
      await page.getByLabel('Password').fill('short');
      await page.getByText('At least 12 characters.').waitFor();
      await page.getByLabel('Password').fill('a long enough passphrase');
      await page.getByLabel('Workspace name').fill('Sign-up Coffee');
      await page.getByRole('button', { name: 'Create workspace' }).click();
      await page.getByRole('heading', { name: 'Chatbots', level: 1 }).waitFor();
      await page.getByText('No chatbots yet').waitFor();

      await page.getByRole('link', { name: 'New chatbot' }).click();
      await page.getByLabel('Name').fill('Support assistant');
      await page.getByLabel('System prompt').fill('Answer questions about <b>coffee</b>.');
      // An origin the form accepts but the server refuses (no such port): the server says which line.
      await page
        .getByLabel('Allowed origins')
        .fill('https://www.example.com\nhttps://shop.example.com:99999');
      await page.getByRole('button', { name: 'Create chatbot' }).click();
      await expectText(page.getByRole('alert'), 'Allowed origins (entry 2): must be an origin');
      expect(await page.getByLabel('Allowed origins').getAttribute('aria-invalid')).toBe('true');
      await page.getByLabel('Allowed origins').fill('https://www.example.com\nhttps://shop.example.com');
      await page.getByRole('button', { name: 'Create chatbot' }).click();
      await page.getByRole('heading', { name: 'Support assistant', level: 1 }).waitFor();
      const snippet = await page.getByLabel('Embed snippet').inputValue();
      expect(snippet).toMatch(
        new RegExp(`^<script src="${backend.baseUrl}/widget\\.js" data-chatbot="[^"]+" async></script>$`),
      );
      const preview = page.getByRole('link', { name: 'Preview' }).first();
      expect(await preview.getAttribute('href')).toMatch(/^\/preview\/.+/);
      expect(await preview.getAttribute('target')).toBe('_blank');
      // The preview page of the server answers at that address.
      const previewAnswer = await fetch(new URL((await preview.getAttribute('href'))!, backend.baseUrl));
      expect(previewAnswer.status).toBe(200);

      // A chatbot created without a title or error message: the fields come back empty, not "null".
      await page.getByLabel('Greeting').fill('Hello there!');
      await page.getByLabel('Title').fill('');
      await page.getByRole('button', { name: 'Save changes' }).click();
      await page.getByText('Changes saved.').waitFor();
      await page.reload();
      await page.getByRole('heading', { name: 'Support assistant', level: 1 }).waitFor();
      await expect(page.getByLabel('Greeting').inputValue()).resolves.toBe('Hello there!');
      await expect(page.getByLabel('Title').inputValue()).resolves.toBe('');

      await mainNavigation(page).getByRole('link', { name: 'Members' }).click();
      await page.getByRole('button', { name: 'Invite member' }).click();
      const dialog = page.getByRole('dialog', { name: 'Invite member' });
      await dialog.getByLabel('Email').fill('new.colleague@example.com');
      await dialog.getByLabel('Support').check();
      await dialog.getByRole('button', { name: 'Create invitation' }).click();
      const created = page.getByRole('dialog', { name: 'Invitation created' });
      expect(await created.getByLabel('Accept link').inputValue()).toMatch(
        new RegExp(`^${backend.baseUrl}/invite/.+`),
      );
      await created.getByRole('button', { name: 'Copy' }).waitFor();
      await page.keyboard.press('Escape');
      await created.waitFor({ state: 'detached' });

      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByRole('button', { name: 'Sign in' }).waitFor();
      // Signed out on the server too: the old cookie no longer opens the admin.
      await page.reload();
      await page.getByRole('button', { name: 'Sign in' }).waitFor();
      // The only failed request is the refused origin above, which the browser logs itself.
      expect(errors).toEqual([expect.stringContaining('status of 400')]);
      await context.close();
    },
    TIMEOUT,
  );

  it(
    'refuses a wrong password with the server’s sentence',
    async () => {
      const owner = await createOwner(backend.baseUrl, 'Wrong password test');
      const { page, context, errors } = await openPage(browser);
      await page.goto(backend.baseUrl);
      await page.getByLabel('Email').fill(owner.email);
      await page.getByLabel('Password').fill('not the right passphrase');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await expectText(page.getByRole('alert'), 'The email or password is not correct.');
      // The browser itself logs the refused request; nothing else may fail.
      expect(errors.filter((error) => !/status of 401/.test(error))).toEqual([]);
      await context.close();
    },
    TIMEOUT,
  );

  it(
    'returns to the sign-in screen when the session expires',
    async () => {
      const owner = await createOwner(backend.baseUrl, 'Expiry test');
      const { page, context, errors } = await openPage(browser);
      await signIn(page, backend.baseUrl, owner);
      await backend.expireSessions();
      await mainNavigation(page).getByRole('link', { name: 'Usage' }).click();
      await page.getByText('Your session has ended. Sign in again to continue.').waitFor();
      await page.getByLabel('Email').fill(owner.email);
      await page.getByLabel('Password').fill(owner.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: 'Usage', level: 1 }).waitFor();
      await page.getByRole('heading', { name: 'Cost per day' }).waitFor();
      // The browser itself logs the refused request; nothing else may fail.
      expect(errors.filter((error) => !/status of 401/.test(error))).toEqual([]);
      await context.close();
    },
    TIMEOUT,
  );
});
