/**
 * `npm run bench -- --only=soak` (needs TEST_DATABASE_URL): 5,000 visitor messages at concurrency 30 on
 * PostgreSQL with Redis, while Redis and then PostgreSQL are each taken away for 10 s (Redis stopped; the
 * database cut through a TCP proxy). Afterwards every acknowledged message — answered `200` and so stored —
 * must have its question and an assistant row that is `complete`, `interrupted` or `failed` in the
 * database: none missing, none left `streaming`. The server's memory is sampled throughout.
 */
import http from 'node:http';
import pg from 'pg';
import { startPrivateRedis } from '../test/support/redis-server.js';
import { startTcpProxy } from '../test/support/tcp-proxy.js';
import { parseSse } from '../test/support/widget-client.js';
import { log } from './lab.js';
import { readMemory } from './proc-stats.js';
import { buildServer, createPostgresDatabase, startBestAI, startFakeProviderProcess } from './targets.js';

const MESSAGES = 5_000;
const CONCURRENCY = 30;
const OUTAGE_MS = 10_000;

interface Sent {
  conversationId: string;
  content: string;
  status: number;
  final: 'done' | 'error' | 'dropped' | 'refused';
}

export interface SoakResult {
  messages: number;
  acknowledged: number;
  refused: number;
  visitor: { done: number; error: number; dropped: number };
  stored: { complete: number; interrupted: number; failed: number; missing: number; streaming: number };
  rssMb: { afterWarmUp: number; peak: number; end: number };
  durationSeconds: number;
}

function post(url: URL, headers: Record<string, string>, body: string) {
  return new Promise<{ status: number; body: string }>((resolve) => {
    const request = http.request(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          ...headers,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        },
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
        response.on('error', () => resolve({ status: response.statusCode ?? 0, body: text }));
      },
    );
    request.on('error', () => resolve({ status: 0, body: '' }));
    request.end(body);
  });
}
const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY + 2 });

export async function runSoak(): Promise<SoakResult> {
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) throw new Error('The soak needs TEST_DATABASE_URL (PostgreSQL).');
  const cleanups: Array<() => Promise<void>> = [];
  try {
    const entry = await buildServer();
    const database = await createPostgresDatabase(adminUrl);
    cleanups.push(() => database.drop());
    const direct = new URL(database.url);
    const proxy = await startTcpProxy({ host: direct.hostname, port: Number(direct.port || 5432) });
    cleanups.push(() => proxy.close());
    const proxied = new URL(database.url);
    proxied.hostname = '127.0.0.1';
    proxied.port = String(proxy.port);
    const redis = await startPrivateRedis();
    cleanups.push(() => redis.close());
    const fake = await startFakeProviderProcess();
    cleanups.push(() => fake.stop());
    await fake.setReply({ chunks: 10, chunkDelayMs: 20, text: 'The shop opens at nine and closes at six.' });
    const bestAI = await startBestAI({
      name: 'bestai-postgres',
      label: 'BestAI (PostgreSQL + Redis)',
      fake,
      databaseUrl: proxied.toString(),
      environment: { REDIS_URL: redis.url },
      entry,
    });
    cleanups.push(() => bestAI.stop());

    const startedAt = performance.now();
    const sent: Sent[] = [];
    let next = 0;
    let peakRss = 0;
    let afterWarmUp = 0;
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, readMemory(bestAI.pid).rssMb);
    }, 500);
    const outages = (async () => {
      await until(() => next >= MESSAGES * 0.25);
      log('soak: Redis stopped for 10 s');
      await redis.stop();
      await pause(OUTAGE_MS);
      await redis.start();
      log('soak: Redis back');
      await until(() => next >= MESSAGES * 0.55);
      log('soak: PostgreSQL cut for 10 s');
      proxy.cut();
      await pause(OUTAGE_MS);
      proxy.restore();
      log('soak: PostgreSQL back');
    })();

    const base = new URL(bestAI.url);
    const worker = async (): Promise<void> => {
      let conversation: { conversationId: string; visitorToken: string } | undefined;
      let inConversation = 0;
      while (next < MESSAGES) {
        if (!conversation || inConversation >= 10) {
          const started = await post(new URL(`/api/widget/${bestAI.publicId}/conversations`, base), {}, '{}');
          if (started.status !== 201) {
            await pause(250);
            continue;
          }
          conversation = JSON.parse(started.body) as { conversationId: string; visitorToken: string };
          inConversation = 0;
        }
        const number = next++;
        if (number === 500) afterWarmUp = readMemory(bestAI.pid).rssMb;
        if (number % 500 === 0) log(`soak: ${number} messages sent`);
        const content = `Soak message ${number}: when do you open?`;
        inConversation++;
        const answer = await post(
          new URL(
            `/api/widget/${bestAI.publicId}/conversations/${conversation.conversationId}/messages`,
            base,
          ),
          { authorization: `Bearer ${conversation.visitorToken}` },
          JSON.stringify({ content }),
        );
        const events = answer.status === 200 ? parseSseSafely(answer.body) : [];
        const last = events.at(-1)?.event;
        sent.push({
          conversationId: conversation.conversationId,
          content,
          status: answer.status,
          final:
            answer.status !== 200
              ? 'refused'
              : last === 'done'
                ? 'done'
                : last === 'error'
                  ? 'error'
                  : 'dropped',
        });
        if (answer.status !== 200) await pause(250);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    await outages;
    const durationSeconds = (performance.now() - startedAt) / 1000;
    log('soak: all sent; waiting for every reply row to settle');

    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      // Background writes retry for up to a minute; a row of a dead process is swept within two.
      const deadline = Date.now() + 150_000;
      while (Date.now() < deadline) {
        const { rows } = await client.query(
          `select count(*)::int as n from messages where status = 'streaming'`,
        );
        if (rows[0].n === 0) break;
        await pause(2_000);
      }
      const { rows } = await client.query<{
        conversation_id: string;
        role: string;
        content: string;
        status: string;
      }>(`select conversation_id, role, content, status from messages order by conversation_id, created_at`);
      const byConversation = new Map<string, typeof rows>();
      for (const row of rows) {
        const list = byConversation.get(row.conversation_id) ?? [];
        list.push(row);
        byConversation.set(row.conversation_id, list);
      }
      const stored = { complete: 0, interrupted: 0, failed: 0, missing: 0, streaming: 0 };
      for (const message of sent.filter((item) => item.status === 200)) {
        const list = byConversation.get(message.conversationId) ?? [];
        const index = list.findIndex((row) => row.role === 'user' && row.content === message.content);
        const reply = index >= 0 ? list[index + 1] : undefined;
        if (!reply || reply.role !== 'assistant') stored.missing++;
        else if (reply.status in stored) stored[reply.status as keyof typeof stored]++;
        else stored.missing++;
      }
      clearInterval(sampler);
      const end = readMemory(bestAI.pid).rssMb;
      return {
        messages: sent.length,
        acknowledged: sent.filter((item) => item.status === 200).length,
        refused: sent.filter((item) => item.final === 'refused').length,
        visitor: {
          done: sent.filter((item) => item.final === 'done').length,
          error: sent.filter((item) => item.final === 'error').length,
          dropped: sent.filter((item) => item.final === 'dropped').length,
        },
        stored,
        rssMb: { afterWarmUp: round(afterWarmUp), peak: round(peakRss), end: round(end) },
        durationSeconds: round(durationSeconds),
      };
    } finally {
      await client.end();
    }
  } finally {
    agent.destroy();
    while (cleanups.length) await cleanups.pop()!().catch(() => {});
  }
}

function parseSseSafely(body: string) {
  try {
    return parseSse(body);
  } catch {
    return [];
  }
}

const round = (value: number) => Math.round(value * 10) / 10;
const pause = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await pause(100);
}
