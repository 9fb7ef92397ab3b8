/** What each mode runs: reply shapes, concurrency levels, rounds and request counts, hold steps. */
import type { ReplyShape } from './targets.js';

/** The slow reply of an open-streams step: long enough that all `streams` are open at once for a while. */
export function holdReply(plan: Plan, streams: number): Omit<ReplyShape, 'text'> {
  const seconds = streams / plan.hold.openPerSecond + plan.hold.measureSeconds;
  return {
    chunks: Math.ceil((seconds * 1000) / plan.hold.chunkDelayMs),
    chunkDelayMs: plan.hold.chunkDelayMs,
  };
}

export interface Level {
  concurrency: number;
  rounds: number;
  /** Requests per target per round. */
  requests: number;
  /** No new request starts in a round after this (default: the plan's `roundMaxMs`). */
  maxDurationMs?: number;
}

export interface ShapePlan {
  key: 'burst' | 'paced' | 'saturation';
  label: string;
  reply: Omit<ReplyShape, 'text'>;
  levels: Level[];
}

export interface Plan {
  mode: 'quick' | 'full';
  warmup: Level;
  shapes: ShapePlan[];
  saturation: Level;
  hold: {
    /** The slow reply: one chunk this often, for as long as opening all streams takes plus `measureSeconds`. */
    chunkDelayMs: number;
    /** Stream counts tried in order until one fails (quick: one step). */
    steps: number[];
    /** Streams opened per second: below what BestAI admits, and spread so chunks do not fall together. */
    openPerSecond: number;
    /** How long every stream stays open at once after the last has opened. */
    measureSeconds: number;
    /** Every BestAI target and Portkey (full); quick mode holds streams on one BestAI only. */
    allTargets: boolean;
  };
  listKeysRequests: number;
  /** No new request starts in a round after this. */
  roundMaxMs: number;
  requestTimeoutMs: number;
}

/** 120 words: enough for the 50-chunk shape (the fake splits on word boundaries). */
export const replyText = Array.from(
  { length: 12 },
  (_, index) => `Our shop opens at nine and closes at six, item ${index + 1} of the list. `,
)
  .join('')
  .trim();

export function benchPlan(mode: 'quick' | 'full'): Plan {
  const isFull = mode === 'full';
  return {
    mode,
    warmup: {
      concurrency: 20,
      rounds: 1,
      requests: isFull ? 1_000 : 300,
      maxDurationMs: isFull ? 5_000 : 1_500,
    },
    shapes: [
      {
        key: 'burst',
        label: '20 chunks, no delay',
        reply: { chunks: 20, chunkDelayMs: 0 },
        levels: isFull
          ? [
              { concurrency: 1, rounds: 5, requests: 300, maxDurationMs: 10_000 },
              { concurrency: 100, rounds: 4, requests: 3_000, maxDurationMs: 15_000 },
              { concurrency: 1_000, rounds: 3, requests: 5_000, maxDurationMs: 20_000 },
            ]
          : [
              { concurrency: 1, rounds: 3, requests: 60, maxDurationMs: 2_000 },
              { concurrency: 100, rounds: 2, requests: 1_000, maxDurationMs: 2_500 },
              { concurrency: 1_000, rounds: 1, requests: 1_000 },
            ],
      },
      {
        key: 'paced',
        label: '50 chunks, 20 ms apart',
        reply: { chunks: 50, chunkDelayMs: 20 },
        levels: isFull
          ? [
              { concurrency: 1, rounds: 3, requests: 10 },
              { concurrency: 100, rounds: 3, requests: 300 },
              { concurrency: 1_000, rounds: 3, requests: 2_000, maxDurationMs: 20_000 },
            ]
          : [
              { concurrency: 1, rounds: 2, requests: 1 },
              { concurrency: 100, rounds: 2, requests: 100 },
            ],
      },
    ],
    saturation: isFull
      ? { concurrency: 100, rounds: 3, requests: 4_000, maxDurationMs: 15_000 }
      : { concurrency: 100, rounds: 2, requests: 1_000, maxDurationMs: 2_500 },
    hold: {
      chunkDelayMs: 250,
      steps: isFull ? [1_000, 1_500, 2_000, 3_000, 4_000, 6_000, 8_000] : [1_000],
      openPerSecond: 250,
      measureSeconds: 8,
      allTargets: isFull,
    },
    listKeysRequests: isFull ? 1_000 : 200,
    roundMaxMs: isFull ? 60_000 : 20_000,
    requestTimeoutMs: 60_000,
  };
}
