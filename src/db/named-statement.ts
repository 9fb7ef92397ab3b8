/**
 * Hand-written SQL on the chat hot path, run as a named prepared statement, so the database parses and
 * plans each of these multi-part statements once instead of on every message (planning was most of the
 * database's CPU per message).
 *
 * - PostgreSQL: `pg` prepares the name once per pooled connection.
 * - PGlite: `query()` re-parses and re-plans every call and crosses into WebAssembly six times per
 *   statement. Here the statement is parsed once per database, and each call is one protocol message
 *   (Bind, Describe, Execute, Sync) handed to PGlite under its own locks, with its own parsers.
 *
 * Placeholders are `$1…$n`; the same name must always carry the same text.
 */
import { parse, protocol, type PGlite, type Results } from '@electric-sql/pglite';
import type { Database } from './connect.js';

/** PGlite, in this thread or behind `PgliteThread`: both run wire-protocol bytes under PGlite's locks. */
type PgliteClient = Pick<
  PGlite,
  'execProtocol' | 'serializers' | 'parsers' | '_runExclusiveQuery' | '_runExclusiveTransaction'
>;

interface PgQueryable {
  query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }>;
}

export type NamedStatement<Row> = (db: Database, values: readonly unknown[]) => Promise<Row[]>;

export function namedStatement<Row>(name: string, text: string): NamedStatement<Row> {
  const parameterTypes = new WeakMap<PgliteClient, number[]>();
  return async (db, values) => {
    const client = (db as unknown as { $client: PgliteClient | PgQueryable }).$client;
    if (!('execProtocol' in client))
      return (await client.query({ name, text, values: [...values] })).rows as Row[];
    // The same two locks as PGlite's own query(): no other statement, and no open transaction of
    // another caller, may interleave with ours.
    return client._runExclusiveTransaction(() =>
      client._runExclusiveQuery(async () => {
        let types = parameterTypes.get(client);
        if (!types) {
          types = await prepareOnPglite(client, name, text);
          parameterTypes.set(client, types);
        }
        const serialized = values.map((value, index) => {
          if (value === null || value === undefined) return null;
          const serializer = client.serializers[types[index]!];
          return serializer ? serializer(value) : String(value as string);
        });
        const { messages } = await client.execProtocol(
          concat([
            protocol.serialize.bind({ statement: name, values: serialized }),
            protocol.serialize.describe({ type: 'P' }),
            protocol.serialize.execute({}),
            protocol.serialize.sync(),
          ]),
          // Flushed to the file system as PGlite's own query() does, in the same call.
          { syncToFs: true, throwOnError: false },
        );
        const failure = messages.find((message) => message instanceof protocol.messages.DatabaseError);
        if (failure) throw failure;
        return (parse.parseResults(messages, client.parsers)[0] as Results<Row>).rows;
      }),
    );
  };
}

/** Parses the statement under its name and returns its parameters' type ids, for the serializers. */
async function prepareOnPglite(client: PgliteClient, name: string, text: string): Promise<number[]> {
  const { messages } = await client.execProtocol(
    concat([
      protocol.serialize.parse({ name, text }),
      protocol.serialize.describe({ type: 'S', name }),
      protocol.serialize.sync(),
    ]),
    { syncToFs: false, throwOnError: false },
  );
  const failure = messages.find((message) => message instanceof protocol.messages.DatabaseError);
  if (failure) throw failure;
  return parse.parseDescribeStatementResults(messages);
}

function concat(parts: Uint8Array[]): Uint8Array {
  const joined = new Uint8Array(parts.reduce((length, part) => length + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    joined.set(part, offset);
    offset += part.length;
  }
  return joined;
}
