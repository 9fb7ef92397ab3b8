/**
 * A fresh, migrated database for one test file: in-memory PGlite by default, or — when
 * TEST_DATABASE_URL is set — a new PostgreSQL database created beside it and dropped afterwards.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type DatabaseHandle } from '../../src/db/connect.js';

export interface TestDatabase extends DatabaseHandle {
  /** The PostgreSQL URL of this database, when on PostgreSQL (for a second process). */
  readonly url: string | null;
  dispose(): Promise<void>;
}

export const isPostgresRun = Boolean(process.env.TEST_DATABASE_URL);

/** `pgliteDataDir` puts the embedded database on disk (for tests that read its files). */
export async function createTestDatabase(options: { pgliteDataDir?: string } = {}): Promise<TestDatabase> {
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) {
    const handle = await openDatabase(
      options.pgliteDataDir ? { kind: 'pglite', dataDir: options.pgliteDataDir } : { kind: 'memory' },
    );
    return { ...handle, url: null, dispose: () => handle.close() };
  }
  const name = `bestai_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const handle = await openDatabase({ kind: 'postgres', url: url.toString(), poolSize: 10 });
  return {
    ...handle,
    url: url.toString(),
    dispose: async () => {
      await handle.close();
      const cleanup = new pg.Client({ connectionString: adminUrl });
      await cleanup.connect();
      await cleanup.query(`drop database if exists ${name} with (force)`);
      await cleanup.end();
    },
  };
}
