/**
 * Opens the database: embedded PGlite under the data folder by default, PostgreSQL through a `pg` pool
 * when a URL is given. Both run the same Drizzle schema and the same migrations folder.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { PGlite, type PGliteOptions } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { drizzle as drizzleNodePostgres } from 'drizzle-orm/node-postgres';
import { migrate as migrateNodePostgres } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import pg from 'pg';
import type { Config } from '../config.js';
import { migrationsDir } from '../paths.js';
import { lockDataDir } from './data-dir-lock.js';
import { PgliteThread } from './pglite-thread.js';
import { schema } from './schema.js';

export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface DatabaseHandle {
  readonly db: Database;
  readonly kind: 'pglite' | 'postgres';
  /** Resolves once the database answers a trivial query. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Bounds on every PostgreSQL call (`DATABASE_CONNECT_TIMEOUT_MS`, `DATABASE_STATEMENT_TIMEOUT_MS`). */
export interface DatabaseTimeouts {
  connectMs: number;
  statementMs: number;
}

export const defaultDatabaseTimeouts: Readonly<DatabaseTimeouts> = Object.freeze({
  connectMs: 5_000,
  statementMs: 10_000,
});

export type DatabaseTarget =
  | { kind: 'postgres'; url: string; poolSize?: number; timeouts?: DatabaseTimeouts }
  | { kind: 'pglite'; dataDir: string }
  /** An in-memory PGlite, for tests and benchmarks. */
  | { kind: 'memory' };

/** An arbitrary constant: the advisory lock that serialises migrations across server instances. */
const MIGRATION_LOCK_ID = 4_242_001;

/** Where the configuration says the database is: PostgreSQL with its bounds, or PGlite in the data folder. */
export function databaseTargetOf(config: Readonly<Config>): DatabaseTarget {
  return config.DATABASE_URL
    ? {
        kind: 'postgres',
        url: config.DATABASE_URL,
        timeouts: {
          connectMs: config.DATABASE_CONNECT_TIMEOUT_MS,
          statementMs: config.DATABASE_STATEMENT_TIMEOUT_MS,
        },
      }
    : { kind: 'pglite', dataDir: path.resolve(config.BESTAI_DATA_DIR) };
}

export interface OpenDatabaseOptions {
  /** Told each slow step as it starts (creating the embedded database, migrating), for a progress line. */
  onProgress?: (step: string) => void;
}

/** Opens the database and applies pending migrations. */
export async function openDatabase(
  target: DatabaseTarget,
  { onProgress = () => {} }: OpenDatabaseOptions = {},
): Promise<DatabaseHandle> {
  if (target.kind === 'postgres')
    return openPostgres(
      target.url,
      target.poolSize ?? 20,
      target.timeouts ?? defaultDatabaseTimeouts,
      onProgress,
    );
  return openPglite(target.kind === 'pglite' ? target.dataDir : undefined, onProgress);
}

async function openPostgres(
  url: string,
  poolSize: number,
  timeouts: DatabaseTimeouts,
  onProgress: (step: string) => void,
): Promise<DatabaseHandle> {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    // Connecting, and waiting for a free pooled connection.
    connectionTimeoutMillis: timeouts.connectMs,
    // The server cancels a slow statement (a clean error, the connection stays usable); the client gives up
    // a little later when no answer comes at all — a frozen network — and the pool drops that connection.
    statement_timeout: timeouts.statementMs,
    query_timeout: timeouts.statementMs + 1_000,
    // A half-open connection (the database host vanished) is noticed by the kernel, not by a hang.
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
  });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', () => {});
  const db = drizzleNodePostgres(pool, { schema });
  const client = await pool.connect();
  try {
    // Waiting for another instance's migrations, and a long migration, are not bounded by the statement timeout.
    await client.query('set statement_timeout = 0');
    await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
    onProgress('Applying database migrations…');
    await migrateNodePostgres(drizzleNodePostgres(client, { schema }), { migrationsFolder: migrationsDir });
  } finally {
    await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]).catch(() => {});
    await client.query('reset statement_timeout').catch(() => {});
    client.release();
  }
  return {
    db: db as unknown as Database,
    kind: 'postgres',
    ping: async () => void (await pool.query('select 1')),
    close: () => pool.end(),
  };
}

const pgliteOptions: PGliteOptions = {
  // PGlite's default 128MB of shared buffers stays resident; one server's embedded database needs far less.
  startParams: [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB'],
};

/**
 * Creates a new PGlite folder in a short-lived child process. Run in this process, initdb's WebAssembly
 * instance and file bundle stay resident (about 850MB against 330MB when opening an existing folder); run
 * in a worker thread, about 150MB of it still stays, freed but kept by the allocator. The script is plain
 * JavaScript importing PGlite by its resolved URL: it runs the same from the TypeScript sources and `dist/`.
 */
async function initialisePgliteFolder(pgDataDir: string): Promise<void> {
  const script = `
    const [pgliteUrl, pgDataDir, options] = process.argv.slice(1);
    // A server killed while it starts must not leave initdb writing (seen between its blocking steps).
    process.on('disconnect', () => process.exit(1));
    try {
      const { PGlite } = await import(pgliteUrl);
      await (await PGlite.create(pgDataDir, JSON.parse(options))).close();
      process.exit(0);
    } catch (error) {
      // PGlite's file system errors are plain objects, not Errors.
      process.stderr.write(error instanceof Error ? error.message : JSON.stringify(error));
      process.exit(1);
    }`;
  const args = [import.meta.resolve('@electric-sql/pglite'), pgDataDir, JSON.stringify(pgliteOptions)];
  const child = spawn(process.execPath, ['--input-type=module', '--eval', script, ...args], {
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-4000)));
  try {
    const [exitCode, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
    if (exitCode !== 0)
      throw new Error(stderr.trim() || `initdb ended with ${signal ?? `exit code ${exitCode}`}`);
  } catch (error) {
    throw new Error(`Could not create the embedded database in ${pgDataDir}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/**
 * The embedded database runs on its own thread (`PgliteThread`), so its statements do not block the event
 * loop that serves visitors; a new folder is first created by `initialisePgliteFolder`.
 */
async function openPglite(
  dataDir: string | undefined,
  onProgress: (step: string) => void,
): Promise<DatabaseHandle> {
  let lock: ReturnType<typeof lockDataDir> | undefined;
  let pgDataDir: string | undefined;
  let client: PgliteThread;
  try {
    if (dataDir) {
      mkdirSync(dataDir, { recursive: true, mode: 0o700 });
      lock = lockDataDir(dataDir);
      pgDataDir = path.join(dataDir, 'pglite');
      if (!existsSync(path.join(pgDataDir, 'PG_VERSION'))) {
        onProgress(`Creating the embedded database in ${dataDir} (first start only)…`);
        await initialisePgliteFolder(pgDataDir);
      }
    }
    client = await PgliteThread.open(pgDataDir, pgliteOptions);
  } catch (error) {
    lock?.release();
    throw error;
  }
  try {
    // Drizzle's PGlite driver uses query() and transaction(), which PgliteThread inherits from PGlite.
    const db = drizzlePglite(client as unknown as PGlite, { schema });
    onProgress('Applying database migrations…');
    await migratePglite(db, { migrationsFolder: migrationsDir });
    return {
      db: db as unknown as Database,
      kind: 'pglite',
      ping: async () => void (await db.execute(sql`select 1`)),
      close: async () => {
        try {
          await client.close();
        } finally {
          lock?.release();
        }
      },
    };
  } catch (error) {
    await client.close().catch(() => {});
    lock?.release();
    throw error;
  }
}
