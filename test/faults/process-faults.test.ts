/**
 * The process itself fails: `SIGTERM` with replies longer than the grace period, `SIGKILL` mid-reply and
 * a restart, and a provider that never sends its response headers. Each test checks what the visitor
 * received and what the database holds afterwards.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SERVER_STOPPING_VISITOR_ERROR } from '../../src/chat/chat-turn.js';
import { startFakeProviders, type FakeProviders } from '../fakes/fake-provider-server.js';
import { killAllProcesses } from '../support/process-runner.js';
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

beforeAll(async () => {
  if (!process.env.TEST_DATABASE_URL) throw new Error('This suite needs TEST_DATABASE_URL (PostgreSQL).');
  fake = await startFakeProviders();
  database = await createTestDatabase();
}, 120_000);
afterEach(killAllProcesses);
afterAll(async () => {
  await database?.dispose();
  await fake?.close();
});

const serverEnvironment = () => ({ DATABASE_URL: database.url!, OPENAI_BASE_URL: fake.baseURL('openai') });
/** A reply far longer than the 10 s shutdown grace period. */
const longReply = { text: 'word '.repeat(200).trim(), chunks: 200, chunkDelayMs: 250 };

describe('a stopping or crashing process', () => {
  it('on SIGTERM ends every open reply with a resend request and keeps its partial text', async () => {
    fake.setReply(longReply);
    const { server, url } = await startServer(serverEnvironment());
    const { publicId } = await setUpChatbot(url);
    const conversations = await Promise.all([1, 2].map(() => startConversation(url, publicId)));
    const streams = conversations.map((conversation) => sendMessage(url, conversation, 'A long story'));
    await Promise.all(streams.map((stream) => stream.waitFor((event) => event.event === 'delta')));

    server.child.kill('SIGTERM');
    const ended = await Promise.all(streams.map((stream) => stream.ended));
    expect(await server.waitForExit()).toEqual({ code: 0, signal: null });

    for (const [index, { events }] of ended.entries()) {
      expect(events.at(-1)).toEqual({ event: 'error', data: { message: SERVER_STOPPING_VISITOR_ERROR } });
      const shown = streams[index]!.text();
      expect(shown.length).toBeGreaterThan(0);
      const rows = await storedMessages(database.db, conversations[index]!.conversationId);
      expect(rows.map((row) => [row.role, row.status])).toEqual([
        ['user', 'complete'],
        ['assistant', 'interrupted'],
      ]);
      expect(rows[1]!.content).toBe(shown);
    }
  });

  it('after SIGKILL mid-reply, the row is there at once and interrupted within two minutes; a resend is stored once', async () => {
    fake.setReply(longReply);
    const first = await startServer(serverEnvironment());
    const { publicId } = await setUpChatbot(first.url);
    const conversation = await startConversation(first.url, publicId);
    const stream = sendMessage(first.url, conversation, 'Are you still there?');
    await stream.waitFor((event) => event.event === 'delta');

    first.server.child.kill('SIGKILL');
    await first.server.waitForExit();
    await stream.ended;
    // The attempt was recorded when the message started: the admin sees a reply that was cut.
    expect((await storedMessages(database.db, conversation.conversationId)).map((row) => row.status)).toEqual(
      ['complete', 'streaming'],
    );

    fake.setReply({ text: 'Yes, here I am.', chunks: 3 });
    const second = await startServer(serverEnvironment());
    const swept = await eventually(
      async () => {
        const rows = await storedMessages(database.db, conversation.conversationId);
        return rows[1]?.status === 'interrupted' ? rows : undefined;
      },
      'the stale reply to be swept',
      120_000,
    );
    expect(swept[1]!.errorCode).toBe('server_lost');

    const resent = await sendMessage(second.url, conversation, 'Are you still there?').ended;
    expect(resent.events.at(-1)?.event).toBe('done');
    const rows = await storedMessages(database.db, conversation.conversationId);
    expect(rows.map((row) => [row.role, row.status])).toEqual([
      ['user', 'complete'],
      ['assistant', 'interrupted'],
      ['assistant', 'complete'],
    ]);
  }, 240_000);

  it('spends one connect budget on a provider that never answers, without a retry doubling it', async () => {
    let requests = 0;
    // Never answers: no status line, no headers. Saving the key asks for its models first; count the chat calls.
    const silent = http.createServer((request) => {
      if (request.url?.endsWith('/chat/completions')) requests++;
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const port = (silent.address() as AddressInfo).port;
      const { url } = await startServer({
        ...serverEnvironment(),
        OPENAI_BASE_URL: `http://127.0.0.1:${port}/v1`,
        PROVIDER_CONNECT_TIMEOUT_MS: '1500',
      });
      const { publicId } = await setUpChatbot(url);
      const conversation = await startConversation(url, publicId);
      const reply = await sendMessage(url, conversation, 'Hello?').ended;
      expect(reply.events).toEqual([{ event: 'error', data: { message: expect.any(String) } }]);
      expect(requests).toBe(1);
      const rows = await storedMessages(database.db, conversation.conversationId);
      expect(rows[1]).toMatchObject({
        role: 'assistant',
        status: 'failed',
        errorCode: 'provider_unavailable',
      });
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
  });
});
