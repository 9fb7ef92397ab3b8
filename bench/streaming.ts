/** The streaming rounds: one reply shape at one concurrency across all targets, and the CPU costs. */
import { runRound, type LoadTarget, type RoundResult } from './load.js';
import { log, setReply, type Lab } from './lab.js';
import type { Level, Plan, ShapePlan } from './plan.js';
import type { CostRow, StreamRow } from './report.js';
import { median, summarize } from './stats.js';

/** Rounds of one reply shape at one concurrency, targets in a rotating order; one row per target. */
export async function runLevel(lab: Lab, plan: Plan, shape: ShapePlan, level: Level): Promise<StreamRow[]> {
  await setReply(lab, shape.reply);
  const rounds = new Map<string, RoundResult[]>(lab.targets.map((target) => [target.name, []]));
  for (let round = 0; round < level.rounds; round++) {
    const order = lab.targets.map((_, index) => lab.targets[(index + round) % lab.targets.length]!);
    for (const target of order) {
      const result = await runRound(target, lab.agents.get(target.name)!, {
        concurrency: level.concurrency,
        requests: level.requests,
        maxDurationMs: level.maxDurationMs ?? plan.roundMaxMs,
        expectedChunks: shape.reply.chunks,
        requestTimeoutMs: plan.requestTimeoutMs,
        // Paced replies: users start spread over one reply's length, so arrivals are steady rather than
        // one synchronised burst per wave (open streams stay ≈ concurrency).
        rampMs: shape.reply.chunks * shape.reply.chunkDelayMs,
        fakePid: lab.fake.pid,
      });
      rounds.get(target.name)!.push(result);
      log(
        `${shape.key} c=${level.concurrency} round ${round + 1}/${level.rounds} ${target.name}: ` +
          `${result.completed} ok, ${result.errors} errors, ${Math.round(result.requestsPerSecond)} req/s` +
          (result.errorSamples[0] ? ` (${result.errorSamples[0]})` : ''),
      );
    }
  }
  const direct = rounds.get('direct')!;
  return lab.targets.map((target) => toStreamRow(shape, level, target, rounds.get(target.name)!, direct));
}

function toStreamRow(
  shape: ShapePlan,
  level: Level,
  target: LoadTarget,
  rounds: RoundResult[],
  direct: RoundResult[],
): StreamRow {
  const ttft = summarize(rounds.flatMap((round) => round.ttftMs));
  const total = summarize(rounds.flatMap((round) => round.totalMs));
  const gaps = summarize(rounds.flatMap((round) => round.interChunkGapMs));
  const isDirect = target.name === 'direct';
  const addedBy = (read: (round: RoundResult) => number): number | null =>
    isDirect ? null : median(rounds.map((round, index) => read(round) - read(direct[index]!)));
  const completed = rounds.reduce((sum, round) => sum + round.completed, 0);
  return {
    shape: shape.key,
    shapeLabel: shape.label,
    concurrency: level.concurrency,
    target: target.name,
    label: target.label,
    rounds: rounds.length,
    completed,
    errors: rounds.reduce((sum, round) => sum + round.errors, 0),
    errorSamples: [...new Set(rounds.flatMap((round) => round.errorSamples))].slice(0, 5),
    requestsPerSecond: median(rounds.map((round) => round.requestsPerSecond)),
    ttftP50Ms: ttft.p50,
    ttftP99Ms: ttft.p99,
    totalP50Ms: total.p50,
    totalP99Ms: total.p99,
    addedTtftP50Ms: addedBy((round) => summarize(round.ttftMs).p50),
    addedTtftP99Ms: addedBy((round) => summarize(round.ttftMs).p99),
    interChunkP99Ms: gaps.p99,
    addedInterChunkP99Ms: addedBy((round) => summarize(round.interChunkGapMs).p99),
    cpuMsPerRequest: rounds.reduce((sum, round) => sum + round.serverCpuMs, 0) / Math.max(1, completed),
    fakeCpuMsPerRequest: rounds.reduce((sum, round) => sum + round.fakeCpuMs, 0) / Math.max(1, completed),
    peakRssMb: Math.max(...rounds.map((round) => round.peakRssMb)),
  };
}

/** Messages/s and CPU per message with a one-chunk reply; CPU per chunk from the streaming rows. */
export async function runCosts(lab: Lab, plan: Plan, streaming: StreamRow[]): Promise<CostRow[]> {
  const shape: ShapePlan = {
    key: 'saturation',
    label: '1 chunk, no delay',
    reply: { chunks: 1, chunkDelayMs: 0 },
    levels: [plan.saturation],
  };
  const rows = await runLevel(lab, plan, shape, plan.saturation);
  const at = (shapeKey: string, target: string) =>
    streaming.find(
      (row) =>
        row.shape === shapeKey && row.target === target && row.concurrency === plan.saturation.concurrency,
    );
  return rows.map((row) => {
    const perMessageUs = row.cpuMsPerRequest * 1000;
    const perChunk = (shapeKey: string): number | null => {
      const streamed = at(shapeKey, row.target);
      const shapePlan = plan.shapes.find((candidate) => candidate.key === shapeKey);
      if (!streamed || !shapePlan) return null;
      return (streamed.cpuMsPerRequest * 1000 - perMessageUs) / (shapePlan.reply.chunks - 1);
    };
    return {
      target: row.target,
      label: row.label,
      messagesPerSecond: row.requestsPerSecond,
      cpuUsPerMessage: perMessageUs,
      cpuUsPerPacedChunk: perChunk('paced'),
      cpuUsPerBurstChunk: perChunk('burst'),
    };
  });
}
