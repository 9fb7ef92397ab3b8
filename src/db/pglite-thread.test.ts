import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgliteThread } from './pglite-thread.js';

describe('PgliteThread', () => {
  let client: PgliteThread;
  beforeAll(async () => {
    client = await PgliteThread.open(undefined, {});
    await client.exec('create table notes (id int primary key, body text not null, tags jsonb)');
  });
  afterAll(() => client.close());

  it('runs parameterised queries and parses PostgreSQL types as PGlite does', async () => {
    await client.query('insert into notes (id, body, tags) values ($1, $2, $3)', [1, 'first', ['a', 'b']]);
    const { rows } = await client.query<{ id: number; body: string; tags: string[]; ids: number[] }>(
      'select id, body, tags, array[id, id + 1] as ids from notes where id = $1',
      [1],
    );
    expect(rows).toEqual([{ id: 1, body: 'first', tags: ['a', 'b'], ids: [1, 2] }]);
  });

  it('rejects with the database error, with its code, and keeps serving', async () => {
    await expect(
      client.query('insert into notes (id, body) values (1, $1)', ['again']),
    ).rejects.toMatchObject({
      code: '23505',
    });
    expect((await client.query('select count(*)::int as n from notes')).rows).toEqual([{ n: 1 }]);
  });

  it('commits and rolls back transactions, and keeps other callers out of an open one', async () => {
    await client.transaction(async (tx) => {
      await tx.query('insert into notes (id, body) values (2, $1)', ['kept']);
    });
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let markInserted!: () => void;
    const inserted = new Promise<void>((resolve) => (markInserted = resolve));
    const rolledBack = client.transaction(async (tx) => {
      await tx.query('insert into notes (id, body) values (3, $1)', ['dropped']);
      markInserted();
      await held;
      await tx.rollback();
    });
    await inserted;
    const outside = client.query('insert into notes (id, body) values (4, $1)', ['outside']);
    release();
    await Promise.all([rolledBack, outside]);
    const { rows } = await client.query<{ id: number }>('select id from notes order by id');
    expect(rows.map((row) => row.id)).toEqual([1, 2, 4]);
  });

  it('keeps data in a folder across a close and a reopen', async () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'bestai-thread-'));
    try {
      const first = await PgliteThread.open(folder, {});
      await first.exec("create table kept (v text); insert into kept values ('still here')");
      await first.close();
      const second = await PgliteThread.open(folder, {});
      expect((await second.query('select v from kept')).rows).toEqual([{ v: 'still here' }]);
      await second.close();
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('rejects calls after close instead of hanging', async () => {
    const closing = await PgliteThread.open(undefined, {});
    await closing.close();
    await expect(closing.query('select 1')).rejects.toThrow(/closed/);
  });
});
