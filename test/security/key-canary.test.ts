/**
 * The canary test: a unique provider key goes through every key operation and a chat — including a
 * provider that echoes the key in its 401 body — and is then searched for everywhere it must never be:
 * every response body, every log line, every file of the embedded database (or, on PostgreSQL, every
 * table's text). Zero hits allowed.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startFakeProviders, type FakeProviders } from '../fakes/fake-provider-server.js';
import { startSmtpInbox, type SmtpInbox } from '../support/smtp-inbox.js';
import { isPostgresRun } from '../support/test-database.js';
import { signUpOwner, startTestApp, strongPassword, TestClient, type TestApp } from '../support/test-app.js';
import { sendVisitorMessage, startVisitor } from '../support/widget-client.js';

const canary = (label: string) => `sk-proj-CANARY${label}${randomBytes(24).toString('hex')}`;
/** The key itself and a distinctive middle part of it: a partial echo is a leak too. */
const fingerprints = (key: string) => [key, key.slice(14, 46)];

function filesBelow(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const full = path.join(directory, name);
    return statSync(full).isDirectory() ? filesBelow(full) : [full];
  });
}

let fake: FakeProviders;
let inbox: SmtpInbox;
let testApp: TestApp;
let dataDir: string;
const firstKey = canary('FIRST');
const secondKey = canary('SECOND');
const chatbotKey = canary('CHATBOT');
const responses: string[] = [];

beforeAll(async () => {
  fake = await startFakeProviders();
  inbox = await startSmtpInbox();
  dataDir = mkdtempSync(path.join(tmpdir(), 'bestai-canary-'));
  testApp = await startTestApp(
    { OPENAI_BASE_URL: fake.baseURL('openai'), LOG_LEVEL: 'debug', SMTP_URL: inbox.url },
    { pgliteDataDir: path.join(dataDir, 'data'), jobRunner: { pollIntervalMs: 50, backoffMs: () => 200 } },
  );
});
afterAll(async () => {
  await testApp.close().catch(() => {});
  await fake.close();
  await inbox.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('a provider key never leaves the vault', () => {
  it('is absent from every response, log line and stored byte after every operation', async () => {
    const owner = await signUpOwner(testApp);
    const keyUrl = `/api/workspaces/${owner.workspaceId}/llm-keys/openai`;
    const record = <T extends { body: string }>(response: T) => {
      responses.push(response.body, JSON.stringify((response as unknown as { headers: object }).headers));
      return response;
    };

    expect(record(await owner.client.put(keyUrl, { apiKey: firstKey, model: 'gpt-4o' })).statusCode).toBe(
      200,
    );
    record(await owner.client.get(`/api/workspaces/${owner.workspaceId}/llm-keys`));
    const chatbot = record(
      await owner.client.post(`/api/workspaces/${owner.workspaceId}/chatbots`, { name: 'Canary' }),
    ).json();

    // A chat on the key, then one where the provider rejects it and echoes it back.
    const visitor = await startVisitor(testApp.app, chatbot.publicId);
    const ok = await sendVisitorMessage(testApp.app, visitor, 'hello');
    expect(ok.final?.event).toBe('done');
    responses.push(ok.response.body);
    fake.rejectKey(firstKey);
    const rejected = await sendVisitorMessage(testApp.app, visitor, 'hello again');
    expect(rejected.final?.event).toBe('error');
    responses.push(rejected.response.body);

    // Two more failed messages: the key.failing alert, and its mail to the owner.
    for (const attempt of ['third', 'fourth']) {
      const failed = await sendVisitorMessage(testApp.app, visitor, attempt);
      expect(failed.final?.event).toBe('error');
      responses.push(failed.response.body);
    }
    await vi.waitFor(
      () => expect(inbox.mails.some((mail) => mail.subject.includes('is failing'))).toBe(true),
      {
        timeout: 20_000,
        interval: 50,
      },
    );
    record(await owner.client.get(`/api/workspaces/${owner.workspaceId}/alerts`));

    const tested = record(await owner.client.post(`${keyUrl}/test`));
    expect(tested.json()).toMatchObject({ ok: false, lastError: { code: 'invalid_key' } });
    // The provider's own words are kept for the owner — with the key cut out.
    expect(tested.json().lastError.message).toContain('Incorrect API key provided');

    expect(record(await owner.client.put(keyUrl, { apiKey: secondKey })).json().maskedKey).toBe(
      `sk-...${secondKey.slice(-4)}`,
    );
    record(await owner.client.patch(keyUrl, { enabled: false }));
    record(await owner.client.patch(keyUrl, { enabled: true }));
    fake.rejectKey(secondKey);
    record(await owner.client.post(`${keyUrl}/test`));
    record(await owner.client.get(`/api/workspaces/${owner.workspaceId}/llm-keys`));
    record(await owner.client.get(`/api/workspaces/${owner.workspaceId}/audit-log`));
    record(await owner.client.get(`/api/workspaces/${owner.workspaceId}/conversations`));
    record(
      await owner.client.get(`/api/workspaces/${owner.workspaceId}/conversations/${visitor.conversationId}`),
    );
    record(await owner.client.get(`${keyUrl}/models`));
    expect(record(await owner.client.delete(keyUrl)).statusCode).toBe(204);

    // The same on a chatbot's own keys: save, answer, list models, change, fail, test, delete.
    const chatbotRoot = `/api/workspaces/${owner.workspaceId}/chatbots/${chatbot.id}`;
    const chatbotKeyUrl = `${chatbotRoot}/llm-keys/openai`;
    expect(record(await owner.client.put(chatbotKeyUrl, { apiKey: chatbotKey })).statusCode).toBe(200);
    expect(record(await owner.client.patch(chatbotRoot, { llmKeySource: 'own' })).statusCode).toBe(200);
    const own = await sendVisitorMessage(testApp.app, visitor, 'hello, chatbot');
    expect(own.final?.event).toBe('done');
    responses.push(own.response.body);
    expect(record(await owner.client.get(`${chatbotKeyUrl}/models`)).statusCode).toBe(200);
    record(await owner.client.patch(chatbotKeyUrl, { model: 'gpt-4o' }));
    record(await owner.client.patch(`${chatbotRoot}/llm-settings`, { usePlatformKey: false }));
    fake.rejectKey(chatbotKey);
    const ownRejected = await sendVisitorMessage(testApp.app, visitor, 'still there, chatbot?');
    expect(ownRejected.final?.event).toBe('error');
    responses.push(ownRejected.response.body);
    expect(record(await owner.client.post(`${chatbotKeyUrl}/test`)).json().lastError.code).toBe(
      'invalid_key',
    );
    record(await owner.client.get(`${chatbotRoot}/llm-keys`));
    record(await owner.client.get(`${chatbotRoot}/llm-settings`));
    record(await owner.client.get(`/api/workspaces/${owner.workspaceId}/audit-log`));
    record(
      await owner.client.get(`/api/workspaces/${owner.workspaceId}/conversations/${visitor.conversationId}`),
    );
    expect(record(await owner.client.delete(chatbotKeyUrl)).statusCode).toBe(204);

    // Every key endpoint the server registers was exercised above: a new one must join this test.
    const document = testApp.app.swagger() as { paths: Record<string, Record<string, unknown>> };
    const keyRoutes = Object.entries(document.paths)
      .filter(([route]) => route.includes('/llm-keys'))
      .flatMap(([route, methods]) => Object.keys(methods).map((method) => [method.toUpperCase(), route]));
    const unexercised = keyRoutes.filter(([method, route]) => {
      const pattern = new RegExp(`^${route!.replace(/\{[^}]+\}/g, '[^/?]+')}(\\?.*)?$`);
      return !testApp.requests.some((request) => request.method === method && pattern.test(request.url));
    });
    expect(keyRoutes.length).toBeGreaterThan(4);
    expect(unexercised).toEqual([]);

    // A password reset: its mail holds the reset link, and never a password or a session.
    const sessionToken = owner.client.cookie!.split('=')[1]!;
    record(await new TestClient(testApp).post('/api/auth/password-reset', { email: owner.email }));
    await vi.waitFor(() => expect(inbox.mails.some((mail) => mail.subject.includes('Reset'))).toBe(true), {
      timeout: 20_000,
      interval: 50,
    });
    const resetMail = inbox.mails.find((mail) => mail.subject.includes('Reset'))!;
    const resetToken = /reset-password\/([A-Za-z0-9_-]+)/.exec(resetMail.text)![1]!;
    const newPassword = `canary password ${randomBytes(8).toString('hex')}`;
    const reset = await new TestClient(testApp).post(`/api/auth/password-reset/${resetToken}`, {
      password: newPassword,
    });
    expect(reset.statusCode).toBe(200);

    // The fake did receive the real keys: the test would catch a leak.
    expect(fake.requests.map((request) => request.apiKey)).toEqual(
      expect.arrayContaining([firstKey, secondKey, chatbotKey]),
    );

    const mails = inbox.mails
      .map((mail) => [mail.subject, mail.text, mail.html, mail.raw].join('\n'))
      .join('\n');
    expect(inbox.mails.length).toBeGreaterThanOrEqual(2);
    const haystacks: Array<[string, string]> = [
      ['responses', [...responses, ...testApp.responseBodies].join('\n')],
      ['logs', testApp.logLines.join('\n')],
      ['mails', mails],
    ];
    // No password or session in any mail or log line; the reset token only in its own mail.
    for (const secret of [strongPassword, newPassword, sessionToken]) {
      expect({ secret, inMails: mails.includes(secret) }).toEqual({ secret, inMails: false });
      expect({ secret, inLogs: testApp.logLines.join('\n').includes(secret) }).toEqual({
        secret,
        inLogs: false,
      });
    }
    expect(testApp.logLines.join('\n')).not.toContain(resetToken);
    if (isPostgresRun) {
      const rowsOf = async (query: ReturnType<typeof sql.raw>) =>
        ((await testApp.database.db.execute(query)) as unknown as { rows: Array<Record<string, unknown>> })
          .rows;
      const tables = await rowsOf(sql.raw(`select tablename from pg_tables where schemaname = 'public'`));
      for (const { tablename } of tables) {
        const rows = await rowsOf(sql.raw(`select t::text as row from "${String(tablename)}" t`));
        haystacks.push([`table ${String(tablename)}`, rows.map((row) => String(row.row)).join('\n')]);
      }
    }
    await testApp.close();
    if (!isPostgresRun) {
      const files = filesBelow(path.join(dataDir, 'data'));
      expect(files.length).toBeGreaterThan(10);
      for (const file of files) haystacks.push([file, readFileSync(file).toString('latin1')]);
    }
    expect(testApp.logLines.length).toBeGreaterThan(10);
    for (const key of [firstKey, secondKey, chatbotKey]) {
      for (const fingerprint of fingerprints(key)) {
        const hits = haystacks.filter(([, text]) => text.includes(fingerprint)).map(([where]) => where);
        expect({ fingerprint, hits }).toEqual({ fingerprint, hits: [] });
      }
    }
  });
});
