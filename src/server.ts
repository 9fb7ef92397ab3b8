/**
 * Starts BestAI: config → keyring → database → boot checks → HTTP → listen, and stops it gracefully
 * (stop accepting, let in-flight requests and streams finish for up to 10 s, then end the streams still
 * open — each visitor is asked to send again and each row keeps its partial text — and close the database).
 */
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { loadKeyring } from './boot/application-secret.js';
import { assertSecretsOpenStoredKeys } from './boot/vault-check.js';
import type { Config } from './config.js';
import { startExpiredSessionSweeper } from './accounts/expired-session-sweep.js';
import { startStaleReplySweeper } from './chat/stale-reply-sweep.js';
import { databaseTargetOf, openDatabase, type DatabaseHandle } from './db/connect.js';
import { buildApp } from './http/app.js';

export const SHUTDOWN_GRACE_MS = 10_000;
/** After the grace period: how long the streams still open get to tell their visitors and save their rows. */
const STOP_STREAMS_MS = 5_000;

/**
 * Redis for the shared rate limits. A command never waits for Redis: without a connection it fails at once
 * (no offline queue), and a frozen Redis fails it after a second — either way the rate limits count in
 * memory meanwhile (rate-limit-store.ts). Start-up waits briefly for the first connection, not for Redis.
 */
async function connectRedis(url: string): Promise<Redis> {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    commandTimeout: 1_000,
  });
  // Failures are reported once per outage by the rate limits (RedisAvailability); none is fatal.
  redis.on('error', () => {});
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 2_000);
    redis.once('ready', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  return redis;
}

export interface RunningServer {
  app: FastifyInstance;
  database: DatabaseHandle;
  url: string;
  /** Graceful stop; resolves when everything is closed. */
  stop(): Promise<void>;
}

export interface StartServerOptions {
  /** Told each slow start-up step as it begins, for a progress line. */
  onProgress?: (step: string) => void;
}

export async function startServer(
  config: Readonly<Config>,
  { onProgress }: StartServerOptions = {},
): Promise<RunningServer> {
  const { keyring, secretFile, wasGenerated } = loadKeyring(config);
  const database = await openDatabase(databaseTargetOf(config), { onProgress });
  let redis: Redis | undefined;
  let app: FastifyInstance | undefined;
  try {
    await assertSecretsOpenStoredKeys(database.db, keyring);
    redis = config.REDIS_URL ? await connectRedis(config.REDIS_URL) : undefined;
    app = await buildApp({ context: { config, database, keyring }, redis });
    if (secretFile) {
      app.log.warn(
        wasGenerated
          ? `BESTAI_SECRET is not set: generated a local secret into ${secretFile}. Back it up — without it the stored provider keys cannot be opened — and set BESTAI_SECRET in production.`
          : `BESTAI_SECRET is not set: using the local secret in ${secretFile}. Set BESTAI_SECRET in production.`,
      );
    }
    await app.listen({ port: config.PORT, host: config.HOST });
  } catch (error) {
    await app?.close().catch(() => {});
    redis?.disconnect();
    await database.close().catch(() => {});
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  const listening = app;
  const stopSweeper = startStaleReplySweeper(database.db, app.log);
  const stopSessionSweeper = startExpiredSessionSweeper(database.db, app.log);
  let stopping: Promise<void> | undefined;
  return {
    app: listening,
    database,
    url: `http://${config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST}:${port}`,
    stop: () =>
      (stopping ??= (async () => {
        const closed = listening.close();
        // Closing drops only the connections idle at that moment. A kept-alive connection whose request was
        // in flight stays open once answered, and would hold the shutdown to the deadline: drop those too.
        const idleSweep = setInterval(() => listening.server.closeIdleConnections(), 100);
        const timedOut = new Promise<'timeout'>((resolve) =>
          setTimeout(resolve, SHUTDOWN_GRACE_MS, 'timeout').unref(),
        );
        try {
          if ((await Promise.race([closed, timedOut])) === 'timeout') {
            listening.log.warn(
              { openReplies: listening.openReplies.size },
              'Streams still open after 10 s; ending them.',
            );
            await listening.openReplies.stopAll(STOP_STREAMS_MS);
            // Their last events are written; the idle sweep closes their connections. Anything else goes now.
            const ended = new Promise<'timeout'>((resolve) => setTimeout(resolve, 1_000, 'timeout').unref());
            if ((await Promise.race([closed, ended])) === 'timeout') listening.server.closeAllConnections();
            await closed;
          }
        } finally {
          clearInterval(idleSweep);
          stopSweeper();
          stopSessionSweeper();
        }
        redis?.disconnect();
        await database.close();
      })()),
  };
}
