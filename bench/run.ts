/**
 * `npm run bench` (quick, under 3 minutes on 2 cores) and `npm run bench -- --full`: starts the fake
 * providers, BestAI (PGlite; PostgreSQL and the contract floor too when TEST_DATABASE_URL is set) and
 * Portkey, drives the same streaming chats at each of them and at the fake directly in alternating rounds,
 * then prints the tables and writes bench/results/*.json, docs/benchmarks.md and docs/benchmarks-added-ttft.svg.
 * `npm run bench -- --profile` instead runs BestAI under load with --cpu-prof and prints its hot functions.
 */
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startLab, log } from './lab.js';
import { createAgent } from './load.js';
import { runOpenStreams } from './open-streams.js';
import { benchPlan, type Plan } from './plan.js';
import { startCpuMeter } from './proc-stats.js';
import { runProfile } from './profile-run.js';
import {
  renderTables,
  writeDoc,
  writeJsonResults,
  type BenchResults,
  type ListKeysRow,
  type StreamRow,
} from './report.js';
import { summarize } from './stats.js';
import { runSoak } from './soak.js';
import { runCosts, runLevel } from './streaming.js';
import { repoRoot, type BestAIProcess } from './targets.js';
import { runVaultBench } from './vault-bench.js';

const phases = ['streaming', 'costs', 'hold', 'keys', 'vault', 'widget', 'soak'] as const;
type Phase = (typeof phases)[number];

const { values: flags } = parseArgs({
  options: {
    full: { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
    /** Comma-separated phases to run (development); the doc is only rewritten by a complete run. */
    only: { type: 'string' },
    /** Comma-separated targets beside the direct call: bestai-pglite, bestai-postgres, portkey. */
    targets: { type: 'string' },
    /** Re-renders the tables, docs/benchmarks.md and the chart from a saved results file; runs nothing. */
    'from-json': { type: 'string' },
  },
});
const selectedPhases = new Set<Phase>(
  flags.only
    ? (flags.only.split(',').filter((name) => (phases as readonly string[]).includes(name)) as Phase[])
    : phases,
);
const selectedTargets = flags.targets ? new Set(['direct', ...flags.targets.split(',')]) : undefined;
const isCompleteRun = !flags.only && !flags.targets;
// The soak runs only when asked for by name: it takes minutes and takes Redis and PostgreSQL away.
if (!flags.only) selectedPhases.delete('soak');

/** `GET /api/workspaces/:ws/llm-keys` one at a time on a workspace with four keys. */
async function runListKeys(bestAI: BestAIProcess, label: string, requests: number): Promise<ListKeysRow> {
  const agent = createAgent(1);
  const timings: number[] = [];
  const url = new URL(bestAI.url);
  const once = (): Promise<number> =>
    new Promise((resolve, reject) => {
      const startedAt = performance.now();
      const request = http.request(
        {
          agent,
          host: url.hostname,
          port: url.port,
          path: bestAI.listKeysRequest.path,
          headers: { cookie: bestAI.listKeysRequest.cookie },
        },
        (response) => {
          response.resume();
          response.on('end', () =>
            response.statusCode === 200
              ? resolve(performance.now() - startedAt)
              : reject(new Error(`list keys: HTTP ${response.statusCode}`)),
          );
        },
      );
      request.on('error', reject);
      request.end();
    });
  try {
    for (let index = 0; index < 20; index++) await once();
    const cpu = startCpuMeter(bestAI.pid);
    for (let index = 0; index < requests; index++) timings.push(await once());
    const cpuMs = cpu.stop();
    const summary = summarize(timings);
    return {
      target: bestAI.target.name,
      label,
      keys: 4,
      requests,
      p50Ms: summary.p50,
      p99Ms: summary.p99,
      cpuUsPerRequest: (cpuMs * 1000) / requests,
    };
  } finally {
    agent.destroy();
  }
}

async function runWidget(): Promise<BenchResults['widget']> {
  if (!existsSync(path.join(repoRoot, 'bench/widget-bench.ts')))
    return { error: 'bench/widget-bench.ts is missing' };
  try {
    const module = (await import('./widget-bench.js')) as {
      runWidgetBench?: () => Promise<Record<string, number>>;
    };
    if (typeof module.runWidgetBench !== 'function')
      return { error: 'widget-bench.ts exports no runWidgetBench' };
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('timed out after 150 s')), 150_000);
    });
    try {
      return await Promise.race([module.runWidgetBench(), timeout]);
    } finally {
      clearTimeout(timer);
    }
  } catch (error) {
    return { error: error instanceof Error ? error.message.split('\n')[0]! : String(error) };
  }
}

async function runBench(plan: Plan): Promise<BenchResults> {
  const startedAt = performance.now();
  const stack: (() => Promise<void>)[] = [];
  const runs = (phase: Phase): boolean => selectedPhases.has(phase);
  try {
    log(`${plan.mode} mode: starting the fake provider, BestAI and Portkey`);
    const lab = await startLab(plan, stack, selectedTargets);
    const streaming: StreamRow[] = [];
    if (runs('streaming') || runs('costs')) {
      log(`warming up ${lab.targets.map((target) => target.name).join(', ')}`);
      await runLevel(lab, plan, plan.shapes[0]!, plan.warmup);
      for (const shape of plan.shapes)
        for (const level of shape.levels) streaming.push(...(await runLevel(lab, plan, shape, level)));
    }
    const costs = runs('costs') ? await runCosts(lab, plan, streaming) : [];
    const openStreams = runs('hold') ? await runOpenStreams(lab, plan) : { rows: [], capacity: [] };
    const listKeys: ListKeysRow[] = [];
    if (runs('keys'))
      for (const bestAI of lab.bestAIs)
        listKeys.push(await runListKeys(bestAI, bestAI.target.label, plan.listKeysRequests));
    for (const agent of lab.agents.values()) agent.destroy();
    while (stack.length) await stack.pop()!();
    if (runs('vault')) log('vault bench');
    const vault = runs('vault')
      ? await runVaultBench().catch((error: Error) => ({ error: error.message }))
      : { error: 'not run (--only)' };
    if (runs('widget')) log('widget bench');
    const widget = runs('widget') ? await runWidget() : { error: 'not run (--only)' };
    return {
      mode: plan.mode,
      machine: describeMachine(),
      durationSeconds: (performance.now() - startedAt) / 1000,
      targets: lab.targets.map(({ name, label }) => ({ name, label })),
      streaming,
      costs,
      openStreams: openStreams.rows,
      openStreamCapacity: openStreams.capacity,
      listKeys,
      vault,
      widget,
      notes: lab.notes,
    };
  } finally {
    while (stack.length) await stack.pop()!().catch(() => {});
  }
}

function describeMachine(): BenchResults['machine'] {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown CPU',
    cores: cpus.length,
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    date: new Date().toISOString(),
  };
}

if (flags.profile) {
  await runProfile();
} else if (selectedPhases.size === 1 && selectedPhases.has('soak')) {
  const result = await runSoak();
  process.stdout.write(`\n### Soak\n\n${JSON.stringify(result, null, 2)}\n`);
} else if (flags['from-json']) {
  const results = JSON.parse(readFileSync(flags['from-json'], 'utf8')) as BenchResults;
  writeDoc(path.join(repoRoot, 'docs'), results);
  process.stdout.write(`${renderTables(results)}\n`);
} else {
  const results = await runBench(benchPlan(flags.full ? 'full' : 'quick'));
  const jsonPath = writeJsonResults(path.join(repoRoot, 'bench/results'), results);
  if (isCompleteRun) writeDoc(path.join(repoRoot, 'docs'), results);
  process.stdout.write(`${renderTables(results)}\n\nJSON: ${path.relative(repoRoot, jsonPath)}\n`);
}
// The widget bench's browser or a lingering keep-alive socket must not keep the process alive.
process.exit(0);
