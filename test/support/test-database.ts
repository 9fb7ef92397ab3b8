/**
 * A fresh, migrated database for one test file: in-memory PGlite by default, or — when
 * TEST_DATABASE_URL is set — a new PostgreSQL database created beside it and dropped afterwards.
 */
import { openDatabase, type DatabaseHandle } from '../../src/db/connect.js';
import { createPostgresDatabase } from './postgres-database.js';

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
  const created = await createPostgresDatabase(adminUrl, 'bestai_test');
  const handle = await openDatabase({ kind: 'postgres', url: created.url, poolSize: 10 });
  return {
    ...handle,
    url: created.url,
    dispose: async () => {
      await handle.close();
      await created.drop();
    },
  };
}
