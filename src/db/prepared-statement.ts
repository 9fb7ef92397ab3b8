/**
 * Statements on the chat hot path are built once per database and prepared: no query building per message
 * (drizzle spends ~60 µs building a join), and PostgreSQL parses and plans them once per connection.
 */
import type { Database } from './connect.js';

/** Returns `prepare(db)`, built on first use for each database handle and kept for its lifetime. */
export function preparedPerDatabase<Statement>(
  prepare: (db: Database) => Statement,
): (db: Database) => Statement {
  const statements = new WeakMap<Database, Statement>();
  return (db) => {
    let statement = statements.get(db);
    if (statement === undefined) {
      statement = prepare(db);
      statements.set(db, statement);
    }
    return statement;
  };
}
