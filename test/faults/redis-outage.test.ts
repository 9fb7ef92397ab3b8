/**
 * Redis stops under a running instance: chat and sign-in keep working on per-process limits at once,
 * `/readyz` says `redis: degraded`, the outage is logged once (no ioredis noise), and when Redis is back
 * the limits are shared again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeProviders, type FakeProviders } from '../fakes/fake-provider-server.js';
import { startPrivateRedis, type PrivateRedis } from '../support/redis-server.js';
import { killAllProcesses, type BestAIProcess } from '../support/process-runner.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { eventually, sendMessage, setUpChatbot, startConversation, startServer } from './fault-harness.js';

let fake: FakeProviders;
let database: TestDatabase;
let redis: PrivateRedis;
let server: BestAIProcess;
let url: string;

beforeAll(async () => {
  if (!process.env.TEST_DATABASE_URL) throw new Error('This suite needs TEST_DATABASE_URL (PostgreSQL).');
  fake = await startFakeProviders();
  database = await createTestDatabase();
  redis = await startPrivateRedis();
  ({ server, url } = await startServer({
    DATABASE_URL: database.url!,
    REDIS_URL: redis.url,
    OPENAI_BASE_URL: fake.baseURL('openai'),
  }));
}, 120_000);
afterAll(async () => {
  await killAllProcesses();
  await redis?.close();
  await database?.dispose();
  await fake?.close();
});

const readiness = async () => {
  const response = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(10_000) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};
const signIn = () =>
  fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'nobody@example.com', password: 'not the password at all' }),
    signal: AbortSignal.timeout(30_000),
  });

describe('Redis stops and comes back', () => {
  it('keeps chat and sign-in working on per-process limits, says degraded, and logs it once', async () => {
    const { publicId } = await setUpChatbot(url);
    expect(await readiness()).toEqual({ status: 200, body: { status: 'ready', redis: 'ok' } });

    await redis.stop();
    for (let index = 0; index < 3; index++) {
      const conversation = await startConversation(url, publicId);
      const reply = await sendMessage(url, conversation, `Still there? ${index}`).ended;
      expect(reply.events.at(-1)?.event).toBe('done');
      // A wrong password is still a wrong password, not a server error.
      expect((await signIn()).status).toBe(401);
    }
    expect(await readiness()).toEqual({ status: 200, body: { status: 'ready', redis: 'degraded' } });
    const outageLines = server.lines.filter((line) => line.includes('Redis is not answering'));
    expect(outageLines).toHaveLength(1);
    expect(server.lines.some((line) => line.includes('[ioredis] Unhandled error event'))).toBe(false);

    await redis.start();
    await eventually(
      async () => ((await readiness()).body.redis === 'ok' ? true : undefined),
      'readiness to report Redis as ok again',
    );
    await server.waitForLine(/Redis answers again/);
    const conversation = await startConversation(url, publicId);
    expect((await sendMessage(url, conversation, 'Back?').ended).events.at(-1)?.event).toBe('done');
    expect(server.lines.filter((line) => line.includes('Redis is not answering'))).toHaveLength(1);
  });
});
