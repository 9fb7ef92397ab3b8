/**
 * `npx tsx bench/usage-bench.ts` (TEST_DATABASE_URL set): usage in money over a long period on PostgreSQL.
 * A fresh database gets one workspace with 1,000,000 assistant messages spread over 90 days (10 chatbots,
 * four providers, two keys each plus the platform key, two models each), summed into the daily rollup the
 * way the reply statement keeps it; then `GET …/usage`'s query runs for the 90 days, grouped each way,
 * and the same totals straight from the messages for comparison. Prints p50/p99 per grouping.
 *
 * Options: --messages=N (default 1,000,000), --runs=N (default 40 per grouping).
 */
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import { defaultDatabaseTimeouts, openDatabase } from '../src/db/connect.js';
import { summarizeUsage, usageGroupings } from '../src/money/usage-report.js';
import { createPostgresDatabase } from '../test/support/postgres-database.js';
import { summarize } from './stats.js';

const { values: flags } = parseArgs({
  options: { messages: { type: 'string', default: '1000000' }, runs: { type: 'string', default: '40' } },
});
const messageCount = Number(flags.messages);
const runs = Number(flags.runs);
const adminUrl = process.env.TEST_DATABASE_URL;
if (!adminUrl)
  throw new Error('Set TEST_DATABASE_URL to a PostgreSQL server (the bench creates its own database).');

const workspaceId = '00000000-0000-4000-8000-000000000001';
const days = 90;
const to = new Date();
to.setUTCHours(0, 0, 0, 0);
const toDay = to.toISOString().slice(0, 10);
const fromDay = new Date(to.getTime() - (days - 1) * 86_400_000).toISOString().slice(0, 10);

function log(message: string): void {
  console.log(`[usage-bench ${new Date().toISOString().slice(11, 19)}] ${message}`);
}

async function time<T>(work: () => Promise<T>): Promise<[number, T]> {
  const startedAt = performance.now();
  const result = await work();
  return [performance.now() - startedAt, result];
}

const created = await createPostgresDatabase(adminUrl, 'bestai_usage_bench');
// Seeding a million rows takes longer than a request may: the statement timeout is raised for the bench.
const handle = await openDatabase({
  kind: 'postgres',
  url: created.url,
  poolSize: 4,
  timeouts: { ...defaultDatabaseTimeouts, statementMs: 600_000 },
});
const { db } = handle;
try {
  log(`seeding ${messageCount.toLocaleString('en')} messages over ${days} days`);
  const [seedMs] = await time(async () => {
    await db.execute(sql`insert into workspaces (id, name) values (${workspaceId}::uuid, 'Bench')`);
    await db.execute(sql`
      insert into chatbots (id, workspace_id, public_id, name)
      select ('00000000-0000-4000-8000-0000000001' || lpad(n::text, 2, '0'))::uuid, ${workspaceId}::uuid,
        'cb_bench_' || n, 'Bot ' || n
      from generate_series(1, 10) n`);
    // One conversation per 20 messages.
    await db.execute(sql`
      insert into conversations (id, workspace_id, chatbot_id, visitor_token_hash, created_at, updated_at)
      select md5('c' || n)::uuid, ${workspaceId}::uuid,
        ('00000000-0000-4000-8000-0000000001' || lpad((n % 10 + 1)::text, 2, '0'))::uuid, 'x',
        now() - make_interval(days => n % ${days}), now()
      from generate_series(1, ${Math.ceil(messageCount / 20)}) n`);
    await db.execute(sql`
      insert into messages (id, conversation_id, workspace_id, role, content, status, provider, key_source,
        masked_key, model, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, cost_usd,
        created_at)
      select md5('m' || n)::uuid, md5('c' || ((n - 1) / 20 + 1))::uuid, ${workspaceId}::uuid, 'assistant', 'answer',
        case when n % 50 = 0 then 'failed' else 'complete' end,
        (array['anthropic','openai','groq','deepseek'])[n % 4 + 1],
        (array['platform','workspace','workspace'])[n % 3 + 1],
        case when n % 3 = 0 then null else 'sk-...' || (n % 3) end,
        'model-' || (n % 4) || '-' || (n % 2), 400 + n % 700, 50 + n % 300, n % 200, 0,
        ((400 + n % 700) * 0.15 + (50 + n % 300) * 0.6) * 0.000001,
        ${to.toISOString()}::timestamptz + interval '1 day' - make_interval(secs => (n % (${days} * 86400))::double precision)
      from generate_series(1, ${messageCount}) n`);
    // The rollup as the reply statement keeps it, summed here in one go.
    await db.execute(sql`
      insert into usage_days (workspace_id, day, chatbot_id, provider, key_source, masked_key, model, messages,
        failed, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, cost_usd, unpriced)
      select m.workspace_id, (m.created_at at time zone 'UTC')::date, c.chatbot_id, m.provider, m.key_source,
        coalesce(m.masked_key, ''), m.model, count(*), count(*) filter (where m.status = 'failed'),
        sum(m.input_tokens), sum(m.output_tokens), sum(m.cache_read_tokens), sum(m.cache_write_tokens),
        sum(m.cost_usd), 0
      from messages m join conversations c on c.id = m.conversation_id
      group by 1, 2, 3, 4, 5, 6, 7`);
    await db.execute(sql`analyze`);
  });
  const [rollupRows] = (
    (await db.execute(sql`select count(*)::int as count from usage_days`)) as unknown as {
      rows: Array<{ count: number }>;
    }
  ).rows;
  log(`seeded in ${(seedMs / 1000).toFixed(1)} s; ${rollupRows!.count.toLocaleString('en')} rollup rows`);

  const results: Array<{ query: string; p50Ms: number; p99Ms: number }> = [];
  for (const groupBy of usageGroupings) {
    const timings: number[] = [];
    for (let run = 0; run < runs + 5; run++) {
      const [ms, report] = await time(() =>
        summarizeUsage(db, workspaceId, { from: fromDay, to: toDay, groupBy }),
      );
      if (run >= 5) timings.push(ms); // the first runs warm the cache and the plan
      if (run === 0 && report.totals.messages !== messageCount) {
        throw new Error(`expected ${messageCount} messages in the totals, got ${report.totals.messages}`);
      }
    }
    const summary = summarize(timings);
    results.push({ query: `usage groupBy=${groupBy}`, p50Ms: summary.p50, p99Ms: summary.p99 });
  }

  // For comparison: the same day totals read from the messages themselves, as before the rollup.
  const direct: number[] = [];
  for (let run = 0; run < 6; run++) {
    const [ms] = await time(() =>
      db.execute(sql`
        select (created_at at time zone 'UTC')::date as day, count(*), sum(input_tokens), sum(output_tokens),
          sum(cost_usd)
        from messages
        where workspace_id = ${workspaceId}::uuid and role = 'assistant'
          and created_at >= ${fromDay}::date and created_at < ${toDay}::date + 1
        group by 1`),
    );
    if (run >= 1) direct.push(ms);
  }
  const directSummary = summarize(direct);
  results.push({
    query: 'day totals from messages (no rollup)',
    p50Ms: directSummary.p50,
    p99Ms: directSummary.p99,
  });

  console.log(`\n### Usage over ${days} days, ${messageCount.toLocaleString('en')} messages, PostgreSQL\n`);
  console.log('| query | p50 ms | p99 ms |');
  console.log('|---|---|---|');
  for (const row of results)
    console.log(`| ${row.query} | ${row.p50Ms.toFixed(2)} | ${row.p99Ms.toFixed(2)} |`);
} finally {
  await handle.close();
  await created.drop();
}
