import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database.js';
import { namedStatement } from './named-statement.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
  await database.db.execute(sql`create table probe (id int primary key, label text not null, tags jsonb)`);
});
afterAll(() => database.dispose());

const insertAndEcho = namedStatement<{ id: number; label: string; tags: string[]; matched: boolean }>(
  'test_insert_and_echo',
  `with stored as (
     insert into probe (id, label, tags) values ($1::int, $2::text, $3::jsonb) returning id, label, tags
   )
   select id, label, tags, tags ?| $4::text[] as matched, $5::boolean as flag from stored`,
);

describe('namedStatement', () => {
  it('binds numbers, text, JSON, arrays and booleans, and parses the rows, on every call', async () => {
    for (let id = 1; id <= 8; id++) {
      const [row] = await insertAndEcho(database.db, [
        id,
        `label ${id}`,
        JSON.stringify(['a', 'b']),
        ['b', 'z'],
        true,
      ]);
      expect(row).toEqual({ id, label: `label ${id}`, tags: ['a', 'b'], matched: true, flag: true });
    }
    const [row] = await insertAndEcho(database.db, [9, 'it\'s "quoted"', JSON.stringify([]), ['x'], false]);
    expect(row).toMatchObject({ label: 'it\'s "quoted"', matched: false, flag: false });
  });

  it('rejects with the database error and keeps working afterwards', async () => {
    await expect(
      insertAndEcho(database.db, [1, 'duplicate', JSON.stringify([]), [], true]),
    ).rejects.toMatchObject({ message: expect.stringContaining('duplicate key') });
    const [row] = await insertAndEcho(database.db, [10, 'after', JSON.stringify([]), [], true]);
    expect(row?.id).toBe(10);
  });

  it('waits for another caller’s open transaction instead of running inside it', async () => {
    let markInserted!: () => void;
    const inserted = new Promise<void>((resolve) => (markInserted = resolve));
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const transaction = database.db
      .transaction(async (tx) => {
        await tx.execute(sql`insert into probe (id, label) values (100, 'in a transaction')`);
        markInserted();
        await held;
        tx.rollback();
      })
      .catch((error: unknown) => error);
    await inserted;

    const statement = insertAndEcho(database.db, [101, 'outside', JSON.stringify([]), [], true]);
    release();

    expect((await statement)[0]?.id).toBe(101);
    expect(await transaction).toBeInstanceOf(Error);
    const ids = await database.db.execute(sql`select id from probe where id >= 100 order by id`);
    expect((ids as unknown as { rows: { id: number }[] }).rows.map((r) => r.id)).toEqual([101]);
  });
});
