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
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeProviders, type FakeProviders } from '../fakes/fake-provider-server.js';
import { isPostgresRun } from '../support/test-database.js';
import { signUpOwner, startTestApp, type TestApp } from '../support/test-app.js';
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
let testApp: TestApp;
let dataDir: string;
const firstKey = canary('FIRST');
const secondKey = canary('SECOND');
const responses: string[] = [];

beforeAll(async () => {
  fake = await startFakeProviders();
  dataDir = mkdtempSync(path.join(tmpdir(), 'bestai-canary-'));
  testApp = await startTestApp(
    { OPENAI_BASE_URL: fake.baseURL('openai'), LOG_LEVEL: 'debug' },
    { pgliteDataDir: path.join(dataDir, 'data') },
  );
});
afterAll(async () => {
  await testApp.close().catch(() => {});
  await fake.close();
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
    expect(record(await owner.client.delete(keyUrl)).statusCode).toBe(204);

    // The fake did receive the real keys: the test would catch a leak.
    expect(fake.requests.map((request) => request.apiKey)).toEqual(
      expect.arrayContaining([firstKey, secondKey]),
    );

    const haystacks: Array<[string, string]> = [
      ['responses', [...responses, ...testApp.responseBodies].join('\n')],
      ['logs', testApp.logLines.join('\n')],
    ];
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
    for (const key of [firstKey, secondKey]) {
      for (const fingerprint of fingerprints(key)) {
        const hits = haystacks.filter(([, text]) => text.includes(fingerprint)).map(([where]) => where);
        expect({ fingerprint, hits }).toEqual({ fingerprint, hits: [] });
      }
    }
  });
});
