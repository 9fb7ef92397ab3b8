/**
 * `npm run bench -- --profile`: BestAI (PostgreSQL when TEST_DATABASE_URL is set, else PGlite) under
 * `--cpu-prof` while it serves streaming chats at concurrency 100, then the top functions by self time.
 * The profile lands in bench/results/profiles/ (git-ignored).
 */
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createAgent, runRound } from './load.js';
import { replyText } from './plan.js';
import { renderProfileSummary, summarizeProfile, type CpuProfile } from './profile-summary.js';
import {
  buildServer,
  createPostgresDatabase,
  repoRoot,
  startBestAI,
  startFakeProviderProcess,
} from './targets.js';

export async function runProfile(): Promise<void> {
  const directory = path.join(
    repoRoot,
    'bench/results/profiles',
    new Date().toISOString().replace(/[:.]/g, '-'),
  );
  mkdirSync(directory, { recursive: true });
  const entry = await buildServer();
  const fake = await startFakeProviderProcess();
  const adminUrl = process.env.TEST_DATABASE_URL;
  const database = adminUrl ? await createPostgresDatabase(adminUrl) : undefined;
  const agent = createAgent(100);
  try {
    const bestAI = await startBestAI({
      name: database ? 'bestai-postgres' : 'bestai-pglite',
      label: database ? 'BestAI (PostgreSQL)' : 'BestAI (PGlite)',
      fake,
      entry,
      databaseUrl: database?.url,
      nodeFlags: ['--cpu-prof', `--cpu-prof-dir=${directory}`],
    });
    try {
      for (const shape of [
        { chunks: 20, chunkDelayMs: 0, requests: 6_000 },
        { chunks: 50, chunkDelayMs: 20, requests: 1_000 },
      ]) {
        await fake.setReply({ chunks: shape.chunks, chunkDelayMs: shape.chunkDelayMs, text: replyText });
        const round = await runRound(bestAI.target, agent, {
          concurrency: 100,
          requests: shape.requests,
          maxDurationMs: 60_000,
          expectedChunks: shape.chunks,
          requestTimeoutMs: 60_000,
        });
        process.stderr.write(
          `[profile] ${shape.chunks} chunks/${shape.chunkDelayMs} ms: ${round.completed} ok, ${round.errors} errors, ` +
            `${Math.round(round.requestsPerSecond)} req/s, ${(round.serverCpuMs / Math.max(1, round.completed)).toFixed(2)} CPU ms/req\n`,
        );
      }
    } finally {
      agent.destroy();
      await bestAI.stop();
    }
  } finally {
    await fake.stop();
    await database?.drop();
  }
  // One file per thread; the busiest is the main thread that serves the requests.
  const busiest = readdirSync(directory)
    .filter((name) => name.endsWith('.cpuprofile'))
    .map((name) => path.join(directory, name))
    .map((file) => ({ file, busyMs: busyTimeMs(file) }))
    .sort((a, b) => b.busyMs - a.busyMs)[0];
  if (!busiest) throw new Error(`BestAI wrote no .cpuprofile into ${directory}`);
  process.stdout.write(
    `${renderProfileSummary(busiest.file)}\n\nProfile: ${path.relative(repoRoot, busiest.file)}\n`,
  );
}

function busyTimeMs(file: string): number {
  const { functions } = summarizeProfile(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile);
  return functions.filter((entry) => entry.name !== '(idle)').reduce((sum, entry) => sum + entry.selfMs, 0);
}
