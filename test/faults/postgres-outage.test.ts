/**
 * PostgreSQL frozen (a partition) and cut (gone) under a running instance, through a TCP proxy — the
 * shared server is never stopped. Requests and `/readyz` answer 503 with `Retry-After` instead of hanging,
 * the outage is logged once with a count, the instance recovers by itself, and a reply that streamed
 * whole while the database was away is stored whole once it is back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeProviders, type FakeProviders } from '../fakes/fake-provider-server.js';
import { killAllProcesses, type BestAIProcess } from '../support/process-runner.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import {
  eventually,
  sendMessage,
  setUpChatbot,
  startConversation,
  startServer,
  storedMessages,
} from './fault-harness.js';

let fake: FakeProviders;
let database: TestDatabase;
let proxy: TcpProxy;
let server: BestAIProcess;
let url: string;
let publicId: string;

beforeAll(async () => {
  if (!process.env.TEST_DATABASE_URL) throw new Error('This suite needs TEST_DATABASE_URL (PostgreSQL).');
  fake = await startFakeProviders();
  database = await createTestDatabase();
  const direct = new URL(database.url!);
  proxy = await startTcpProxy({ host: direct.hostname, port: Number(direct.port || 5432) });
  const proxied = new URL(database.url!);
  proxied.hostname = '127.0.0.1';
  proxied.port = String(proxy.port);
  ({ server, url } = await startServer({
    DATABASE_URL: proxied.toString(),
    OPENAI_BASE_URL: fake.baseURL('openai'),
    DATABASE_CONNECT_TIMEOUT_MS: '1000',
    DATABASE_STATEMENT_TIMEOUT_MS: '2000',
  }));
  ({ publicId } = await setUpChatbot(url));
}, 120_000);
afterAll(async () => {
  await killAllProcesses();
  await proxy?.close();
  await database?.dispose();
  await fake?.close();
});

const get = async (path: string) => {
  // The deadline only turns a hang into a failure; the server is expected to answer far sooner.
  const response = await fetch(`${url}${path}`, { signal: AbortSignal.timeout(15_000) });
  return { status: response.status, headers: response.headers, body: (await response.json()) as unknown };
};

async function expectOutageAnswers(): Promise<void> {
  const ready = await get('/readyz');
  expect(ready.status).toBe(503);
  expect(ready.body).toMatchObject({ error: { code: 'unavailable' } });
  for (let index = 0; index < 3; index++) {
    const started = await fetch(`${url}/api/widget/${publicId}/conversations`, {
      method: 'POST',
      signal: AbortSignal.timeout(15_000),
    });
    expect(started.status).toBe(503);
    expect(Number(started.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await started.json()).toMatchObject({
      error: { code: 'unavailable', message: expect.any(String) },
    });
  }
}

const outageLines = () => server.lines.filter((line) => line.includes('The database is not answering'));

describe('PostgreSQL frozen, then cut', () => {
  it('answers 503 with Retry-After instead of hanging, logs each outage once, and recovers by itself', async () => {
    proxy.freeze();
    await expectOutageAnswers();
    proxy.restore();
    await eventually(async () => ((await get('/readyz')).status === 200 ? true : undefined), 'recovery');
    expect(outageLines()).toHaveLength(1);
    const back = await server.waitForLine(/The database answers again/);
    expect(JSON.parse(back).failedRequests).toBeGreaterThanOrEqual(4);

    proxy.cut();
    await expectOutageAnswers();
    proxy.restore();
    await eventually(async () => ((await get('/readyz')).status === 200 ? true : undefined), 'recovery');
    expect(outageLines()).toHaveLength(2);
    // No error line (with its stack) per failed request.
    expect(server.lines.filter((line) => line.includes('Unexpected error'))).toHaveLength(0);
  });

  it('stores a reply that streamed whole while the database was away, once it is back', async () => {
    fake.setReply({ text: 'a reply that outlives the database outage', chunks: 8, chunkDelayMs: 300 });
    const conversation = await startConversation(url, publicId);
    const stream = sendMessage(url, conversation, 'Tell me something');
    await stream.waitFor((event) => event.event === 'delta');
    proxy.cut();
    const { events } = await stream.ended;
    // The visitor read the whole answer and is never told it failed.
    expect(events.at(-1)?.event).toBe('done');
    expect(events.some((event) => event.event === 'error')).toBe(false);
    const messageId = events.at(-1)!.data.messageId;
    proxy.restore();
    const reply = await eventually(async () => {
      const rows = await storedMessages(database.db, conversation.conversationId);
      const found = rows.find((row) => row.id === messageId);
      return found?.status === 'complete' ? found : undefined;
    }, 'the reply to be stored');
    expect(reply.content).toBe('a reply that outlives the database outage');
    expect(reply.outputTokens).toBeGreaterThan(0);
  });
});
