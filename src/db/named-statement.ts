/**
 * Hand-written SQL on the chat hot path, run as a named prepared statement: PostgreSQL parses and plans each
 * of these multi-part statements once per connection instead of on every message (planning was most of
 * the database's CPU per message). PGlite lives in the process and has no connection to keep a plan on,
 * so there the text is simply run.
 *
 * Placeholders are `$1…$n`; the same name must always carry the same text.
 */
import { PGlite } from '@electric-sql/pglite';
import type { Database } from './connect.js';

interface PgQueryable {
  query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }>;
}

export type NamedStatement<Row> = (db: Database, values: readonly unknown[]) => Promise<Row[]>;

export function namedStatement<Row>(name: string, text: string): NamedStatement<Row> {
  return async (db, values) => {
    const client = (db as unknown as { $client: PGlite | PgQueryable }).$client;
    if (client instanceof PGlite) return (await client.query<Row>(text, [...values])).rows;
    return (await client.query({ name, text, values: [...values] })).rows as Row[];
  };
}
