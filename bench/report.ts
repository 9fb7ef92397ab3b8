/**
 * The bench's results as data, and their three renderings: markdown tables (stdout and the doc),
 * JSON in bench/results/, and docs/benchmarks.md with the SVG chart beside it.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { renderAddedTtftChart } from './chart-svg.js';
import { roundFigure } from './stats.js';
import { MESSAGES_PER_CONVERSATION } from './targets.js';
import type { VaultBenchResult } from './vault-bench.js';

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGb: number;
  node: string;
  platform: string;
  date: string;
}

export interface StreamRow {
  shape: string;
  shapeLabel: string;
  concurrency: number;
  target: string;
  label: string;
  rounds: number;
  completed: number;
  errors: number;
  errorSamples: string[];
  requestsPerSecond: number;
  ttftP50Ms: number;
  ttftP99Ms: number;
  totalP50Ms: number;
  totalP99Ms: number;
  /** Median over rounds of (this target's percentile − the direct call's, same round); null for direct. */
  addedTtftP50Ms: number | null;
  addedTtftP99Ms: number | null;
  interChunkP99Ms: number;
  addedInterChunkP99Ms: number | null;
  cpuMsPerRequest: number;
  fakeCpuMsPerRequest: number;
  peakRssMb: number;
}

export interface CostRow {
  target: string;
  label: string;
  /** Closed loop at saturation with a one-chunk, zero-delay reply. */
  messagesPerSecond: number;
  cpuUsPerMessage: number;
  /** (CPU per paced 50-chunk reply − CPU per one-chunk reply) / 49. */
  cpuUsPerPacedChunk: number | null;
  /** The same from the 20-chunk zero-delay reply, whose chunks reach the server in fewer reads. */
  cpuUsPerBurstChunk: number | null;
}

export interface OpenStreamsRow {
  target: string;
  label: string;
  streams: number;
  maxOpenStreams: number;
  chunkDelayMs: number;
  idleRssMb: number;
  peakRssMb: number;
  interChunkP99Ms: number;
  /** The same with the direct call holding as many streams: the fake's and the client's own share. */
  directInterChunkP99Ms: number;
  addedInterChunkP99Ms: number;
  /** Gaps were read while all streams were open at once; false: over the whole hold (not all were open together). */
  measuredWhileAllOpen: boolean;
  errors: number;
  errorSamples: string[];
  /** Under 1 GiB, added inter-chunk p99 < 10 ms, no errors, all streams open at once. */
  passes: boolean;
  /** 2: the step measured again after failing on the gap alone (full mode). */
  attempt?: number;
}

export interface ListKeysRow {
  target: string;
  label: string;
  keys: number;
  requests: number;
  p50Ms: number;
  p99Ms: number;
  cpuUsPerRequest: number;
}

export interface BenchResults {
  mode: 'quick' | 'full';
  machine: MachineInfo;
  durationSeconds: number;
  targets: { name: string; label: string }[];
  streaming: StreamRow[];
  costs: CostRow[];
  openStreams: OpenStreamsRow[];
  /** Per BestAI target: the largest stream count that passed (full mode searches; quick runs one step). */
  openStreamCapacity: {
    target: string;
    label: string;
    largestPassing: number | null;
    searchedUpTo: number;
  }[];
  listKeys: ListKeysRow[];
  vault: VaultBenchResult[] | { error: string };
  widget: Record<string, number> | { error: string };
  notes: string[];
}

const figure = (value: number | null | undefined): string =>
  value === null || value === undefined || !Number.isFinite(value) ? '–' : String(roundFigure(value));

function table(header: string[], rows: (string | number)[][]): string {
  const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
  for (const row of rows) lines.push(`| ${row.join(' | ')} |`);
  return lines.join('\n');
}

export function renderStreamingTable(rows: StreamRow[]): string {
  return table(
    [
      'reply',
      'conc.',
      'target',
      'req/s',
      'TTFT p50',
      'TTFT p99',
      'total p50',
      'total p99',
      '**added TTFT p50**',
      '**added TTFT p99**',
      'added gap p99',
      'CPU ms/req',
      'peak RSS MB',
      'errors',
    ],
    rows.map((row) => [
      row.shapeLabel,
      row.concurrency,
      row.label,
      figure(row.requestsPerSecond),
      figure(row.ttftP50Ms),
      figure(row.ttftP99Ms),
      figure(row.totalP50Ms),
      figure(row.totalP99Ms),
      figure(row.addedTtftP50Ms),
      figure(row.addedTtftP99Ms),
      figure(row.addedInterChunkP99Ms),
      figure(row.cpuMsPerRequest),
      figure(row.peakRssMb),
      `${row.errors}/${row.completed + row.errors}`,
    ]),
  );
}

function renderCostTable(rows: CostRow[]): string {
  return table(
    ['target', 'messages/s at saturation', 'CPU µs/message', 'CPU µs/chunk (paced)', 'CPU µs/chunk (burst)'],
    rows.map((row) => [
      row.label,
      figure(row.messagesPerSecond),
      figure(row.cpuUsPerMessage),
      figure(row.cpuUsPerPacedChunk),
      figure(row.cpuUsPerBurstChunk),
    ]),
  );
}

function renderOpenStreamsTable(rows: OpenStreamsRow[]): string {
  return table(
    [
      'target',
      'streams',
      'open at once',
      'idle RSS MB',
      'peak RSS MB',
      'KB/stream',
      'gap p99 ms',
      'direct gap p99 ms',
      'added gap p99 ms',
      'errors',
      'passes',
    ],
    rows.map((row) => [
      row.attempt ? `${row.label} (again)` : row.label,
      row.streams,
      row.maxOpenStreams,
      figure(row.idleRssMb),
      figure(row.peakRssMb),
      figure(((row.peakRssMb - row.idleRssMb) * 1024) / row.streams),
      figure(row.interChunkP99Ms),
      figure(row.directInterChunkP99Ms),
      figure(row.addedInterChunkP99Ms),
      row.errors,
      row.passes ? 'yes' : 'no',
    ]),
  );
}

function renderVault(vault: BenchResults['vault']): string {
  if ('error' in vault) return `Vault bench failed: ${vault.error}`;
  return table(
    ['operation', 'p50 µs', 'p99 µs', 'ops/s'],
    vault.map((row) => [row.name, figure(row.p50Us), figure(row.p99Us), row.opsPerSec]),
  );
}

function renderWidget(widget: BenchResults['widget']): string {
  if ('error' in widget) return `Widget bench not run: ${widget.error}`;
  return table(
    ['measure', 'value'],
    Object.entries(widget).map(([name, value]) => [name, figure(value)]),
  );
}

/** Each stated goal, checked against the figures of this run. */
export function checkGoals(results: BenchResults): string[] {
  const lines: string[] = [];
  const postgres = results.streaming.filter(
    (row) => row.target === 'bestai-postgres' && row.concurrency === 100,
  );
  for (const row of postgres) {
    const floor = results.streaming.find(
      (candidate) =>
        candidate.target === 'floor' && candidate.shape === row.shape && candidate.concurrency === 100,
    );
    lines.push(
      `PostgreSQL, ${row.shapeLabel}, concurrency 100: added TTFT p50 ${figure(row.addedTtftP50Ms)} ms (goal ≤ 1), ` +
        `p99 ${figure(row.addedTtftP99Ms)} ms (goal ≤ 5) → ${(row.addedTtftP50Ms ?? Infinity) <= 1 && (row.addedTtftP99Ms ?? Infinity) <= 5 ? 'met' : 'not met'}` +
        (floor
          ? `; the contract floor (one durable insert, then a byte relay) adds ${figure(floor.addedTtftP50Ms)}/${figure(floor.addedTtftP99Ms)} ms`
          : ''),
    );
  }
  if (postgres.length === 0) lines.push('PostgreSQL goal: not measured (TEST_DATABASE_URL unset).');
  for (const row of results.openStreams.filter((candidate) => candidate.streams === 1000))
    lines.push(
      `${row.label}, 1,000 open streams: peak RSS ${figure(row.peakRssMb)} MB (goal < 300) → ${row.peakRssMb < 300 ? 'met' : 'not met'}`,
    );
  for (const row of results.streaming.filter((candidate) => candidate.target.startsWith('bestai'))) {
    const portkey = results.streaming.find(
      (candidate) =>
        candidate.target === 'portkey' &&
        candidate.shape === row.shape &&
        candidate.concurrency === row.concurrency,
    );
    if (!portkey) continue;
    const isLess =
      (row.addedTtftP50Ms ?? Infinity) < (portkey.addedTtftP50Ms ?? -Infinity) &&
      (row.addedTtftP99Ms ?? Infinity) < (portkey.addedTtftP99Ms ?? -Infinity);
    lines.push(
      `${row.label} vs Portkey, ${row.shapeLabel}, concurrency ${row.concurrency}: added TTFT p50/p99 ` +
        `${figure(row.addedTtftP50Ms)}/${figure(row.addedTtftP99Ms)} vs ${figure(portkey.addedTtftP50Ms)}/${figure(portkey.addedTtftP99Ms)} ms → ${isLess ? 'less' : 'NOT less'}`,
    );
  }
  return lines;
}

/** The tables printed on stdout and embedded in the doc. */
export function renderTables(results: BenchResults): string {
  const sections = [
    '### Streaming chats (ms; added = over the direct call in the same round)',
    renderStreamingTable(results.streaming),
    '### CPU per message and per chunk, saturation',
    renderCostTable(results.costs),
    '### Open streams (slow reply held open)',
    renderOpenStreamsTable(results.openStreams),
    results.openStreamCapacity
      .map(
        (row) =>
          `- ${row.label}: largest passing step ${row.largestPassing ?? 'none'} open streams (searched up to ${row.searchedUpTo}).`,
      )
      .join('\n'),
    '### Listing a workspace’s keys (`GET /api/workspaces/:ws/llm-keys`)',
    table(
      ['target', 'keys', 'requests', 'p50 ms', 'p99 ms', 'server CPU µs/request'],
      results.listKeys.map((row) => [
        row.label,
        row.keys,
        row.requests,
        figure(row.p50Ms),
        figure(row.p99Ms),
        figure(row.cpuUsPerRequest),
      ]),
    ),
    '### Vault (one call at a time, warm keyring)',
    renderVault(results.vault),
    '### Widget (bytes; ms in headless Chromium)',
    renderWidget(results.widget),
    '### Goals',
    checkGoals(results)
      .map((line) => `- ${line}`)
      .join('\n'),
  ];
  if (results.notes.length) sections.push('### Notes', results.notes.map((note) => `- ${note}`).join('\n'));
  return sections.join('\n\n');
}

/** Writes `<dir>/<timestamp>.json` and `<dir>/latest.json`; returns the timestamped path. */
export function writeJsonResults(directory: string, results: BenchResults): string {
  mkdirSync(directory, { recursive: true });
  const stamp = results.machine.date.replace(/[:.]/g, '-');
  const file = path.join(directory, `${stamp}.json`);
  const text = `${JSON.stringify(results, null, 2)}\n`;
  writeFileSync(file, text);
  writeFileSync(path.join(directory, 'latest.json'), text);
  return file;
}

const notesStart = '<!-- notes:start -->';
const notesEnd = '<!-- notes:end -->';

/** Writes docs/benchmarks.md and the chart; hand-written notes between the markers are kept. */
export function writeDoc(docsDir: string, results: BenchResults): void {
  const chartName = 'benchmarks-added-ttft.svg';
  writeFileSync(path.join(docsDir, chartName), renderAddedTtftChart(results.streaming));
  const docPath = path.join(docsDir, 'benchmarks.md');
  const previous = existsSync(docPath) ? readFileSync(docPath, 'utf8') : '';
  const kept =
    previous.includes(notesStart) && previous.includes(notesEnd)
      ? previous.slice(previous.indexOf(notesStart), previous.indexOf(notesEnd) + notesEnd.length)
      : `${notesStart}\n${notesEnd}`;
  const { machine } = results;
  const doc = `# Benchmarks

How much BestAI's chat gateway adds to a streamed LLM reply, next to the Portkey gateway, on the same
machine, against the same fake OpenAI-compatible provider. Generated by \`npm run bench${results.mode === 'full' ? ' -- --full' : ''}\`
(${results.mode} mode, ${Math.round(results.durationSeconds)} s) on ${machine.date.slice(0, 10)}.

**Machine:** ${machine.cores} × ${machine.cpuModel}, ${machine.memoryGb} GB memory, Node ${machine.node}, ${machine.platform}.
Every process (load generator, fake provider, the target) shares these ${machine.cores} cores.

![Added time to first token by concurrency, BestAI and Portkey](${chartName})

## Reproduce

\`\`\`sh
npm ci
npm run bench                 # quick mode, under 3 minutes
npm run bench -- --full       # all rounds, concurrency 1/100/1,000, open-stream capacity search
TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench   # adds BestAI on PostgreSQL
npm run bench -- --profile    # BestAI under load with --cpu-prof, then the top functions by self time
npx tsx bench/profile-summary.ts <file.cpuprofile>   # top 25 functions of any saved profile
npm run bench -- --from-json=bench/results/<file>.json   # re-render this page and the chart from a saved run
\`\`\`

Raw figures of every run: \`bench/results/<timestamp>.json\` (not committed).

## How it measures

- Processes: the fake providers (\`test/fakes/serve-fake-providers.ts\`), BestAI as production runs it (compiled
  with \`tsconfig.build.json\` into \`bench/.build/\`, then \`node …/main.js\`; embedded PGlite in a fresh data
  folder, and PostgreSQL in a fresh database when \`TEST_DATABASE_URL\` is set), and Portkey
  (\`@portkey-ai/gateway\`, \`x-portkey-custom-host\` set to the fake's OpenAI root). With PostgreSQL, also the
  *contract floor* (\`bench/contract-floor-server.ts\`): a bare \`node:http\` server that only stores the message
  (one insert, one commit, its own fresh database) and then relays the provider's bytes — the least any
  gateway that stores the message before calling the provider can add. All on 127.0.0.1.
- Every round drives the same streaming chat at each target and at the fake directly, one after another in a
  rotating order, so drift of the machine hits all of them alike. **Added** figures are, per round, the
  target's percentile minus the direct call's percentile, then the median over rounds.
- BestAI is driven as visitors: each virtual user has its own conversation and starts a new one every
  ${MESSAGES_PER_CONVERSATION} messages (history grows as in real chats; starting conversations is part of the
  measured load), and sends one message at a time through \`POST /api/widget/:publicId/conversations/:id/messages\`;
  the workspace's OpenAI key is decrypted per message. Portkey and the direct call get one user message.
- Concurrency = virtual users in a closed loop. With the *burst* reply (20 chunks, no delay) a reply takes
  milliseconds, so concurrency 100 and 1,000 measure saturation: TTFT there is mostly queueing
  (concurrency ÷ throughput). With the *paced* reply (50 chunks 20 ms apart, about 1 s) users start spread over
  one reply's length, so about \`concurrency\` streams are open at any moment at a steady arrival rate.
- The client: Node \`http\` with a keep-alive agent (sockets ≥ concurrency); TTFT = first text delta,
  total = end of stream; gaps = time between text deltas as read by the client.
- CPU: utime + stime of the target's process from \`/proc/<pid>/stat\` over the round, divided by completed
  requests (10 ms tick resolution). Peak RSS: \`VmRSS\` sampled every 100 ms during the round.
- Open streams: \`N\` visitors open a slow reply (one chunk every 250 ms, lasting until all are open plus 8 s) at
  250 per second and hold it; RSS is the peak while they are open, the gap p99 counts only gaps that began and
  ended while all \`N\` were open, and *added* subtracts the same figure of the direct call holding \`N\` streams.
  A step passes under 1 GiB with added gap p99 < 10 ms, no errors and all \`N\` open at once; full mode
  measures a step that failed on the gap alone once more.
- CPU per message: the one-chunk reply at saturation; per chunk: (CPU per paced or burst reply − CPU per
  one-chunk reply) ÷ (chunks − 1).
- Portkey runs with \`bench/portkey-preload.mjs\`: Portkey 1.15 fails every call under the
  \`@hono/node-server\` npm installs with it ("TypeError: immutable", Portkey-AI/gateway#1389); the preload
  re-wraps the upstream response (as Portkey's own fix does) and binds it to 127.0.0.1.

## Results

${renderTables(results)}

## Findings

${kept}
`;
  writeFileSync(docPath, doc);
}
