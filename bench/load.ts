/**
 * Drives one round of streaming chats at one target: `concurrency` virtual users, each sending its
 * requests one after another over a keep-alive connection, until the round's request count or time
 * budget is spent. Measures per request the time to the first text delta (TTFT), the total time and
 * the gaps between text deltas; per round the server process's CPU time and peak RSS.
 */
import http from 'node:http';
import { RssSampler, startCpuMeter } from './proc-stats.js';

export interface RequestTemplate {
  path: string;
  headers: Record<string, string>;
  body: string;
}

export interface LoadTarget {
  /** Stable key in JSON: `direct`, `bestai-pglite`, `bestai-postgres`, `portkey`. */
  name: string;
  label: string;
  origin: { host: string; port: number };
  /** The process whose CPU and memory the round measures. */
  serverPid: number;
  /** `openai`: chat.completion.chunk SSE ending in `data: [DONE]`; `bestai`: `event: delta`… `event: done`. */
  format: 'openai' | 'bestai';
  /** Makes ready what `requestFor` needs for users 0…count−1 (BestAI: one conversation each). */
  prepareUsers(count: number): Promise<void>;
  /** The next request of a user; awaited before that request's clock starts. */
  requestFor(userIndex: number): RequestTemplate | Promise<RequestTemplate>;
}

export interface RoundOptions {
  concurrency: number;
  /** Requests in the round (at least one per user is not guaranteed: the time budget may stop it). */
  requests: number;
  /** No new request starts after this; requests in flight finish. */
  maxDurationMs: number;
  /** Text deltas a complete reply has; a reply with another count is an error. */
  expectedChunks: number;
  /** A request still running after this is aborted and counted as an error. */
  requestTimeoutMs: number;
  /** Spread the users' first requests over this many ms (open-stream holds); 0: all at once. */
  rampMs?: number;
  /** The fake provider's pid, whose CPU is reported beside the target's. */
  fakePid?: number;
}

export interface RoundResult {
  target: string;
  concurrency: number;
  completed: number;
  errors: number;
  errorSamples: string[];
  durationMs: number;
  requestsPerSecond: number;
  ttftMs: number[];
  totalMs: number[];
  interChunkGapMs: number[];
  /** Gaps read while every stream of the round was open at once (after the last opened, before the first ended). */
  allOpenGapMs: number[];
  serverCpuMs: number;
  fakeCpuMs: number;
  peakRssMb: number;
  /** The most streams that had their response headers and had not ended, at one time. */
  maxOpenStreams: number;
}

interface RequestOutcome {
  error?: string;
  ttftMs?: number;
  totalMs: number;
}

/** A keep-alive agent with at least `connections` sockets; idle sockets close before servers drop them. */
export function createAgent(connections: number): http.Agent {
  return new http.Agent({
    keepAlive: true,
    maxSockets: connections,
    maxFreeSockets: connections,
    timeout: 4_000,
    scheduling: 'fifo',
  });
}

/** Runs one round at one target and returns the raw samples (summarised by the caller). */
export async function runRound(
  target: LoadTarget,
  agent: http.Agent,
  options: RoundOptions,
): Promise<RoundResult> {
  await target.prepareUsers(options.concurrency);
  const ttftMs: number[] = [];
  const totalMs: number[] = [];
  const interChunkGapMs: number[] = [];
  const allOpenGapMs: number[] = [];
  const errorSamples: string[] = [];
  let errors = 0;
  let completed = 0;
  let issued = 0;
  let open = 0;
  let openedTotal = 0;
  let endedTotal = 0;
  let maxOpenStreams = 0;
  let allOpenSince = Number.POSITIVE_INFINITY;
  const tracker: StreamTracker = {
    opened: () => {
      openedTotal++;
      maxOpenStreams = Math.max(maxOpenStreams, ++open);
      if (openedTotal === options.concurrency && endedTotal === 0) allOpenSince = performance.now();
    },
    closed: () => {
      open--;
      endedTotal++;
    },
    gap: (gap, previousAt) => {
      interChunkGapMs.push(gap);
      // Only gaps that began and ended while every stream was open: admission work is not counted.
      if (previousAt >= allOpenSince && endedTotal === 0) allOpenGapMs.push(gap);
    },
  };

  const serverCpu = startCpuMeter(target.serverPid);
  const fakeCpu = options.fakePid === undefined ? undefined : startCpuMeter(options.fakePid);
  const rss = new RssSampler(target.serverPid);
  const startedAt = performance.now();
  const deadline = startedAt + options.maxDurationMs;

  async function virtualUser(userIndex: number): Promise<void> {
    if (options.rampMs) await sleep((options.rampMs * userIndex) / options.concurrency);
    while (issued < options.requests && performance.now() < deadline) {
      issued++;
      let template: RequestTemplate;
      try {
        template = await target.requestFor(userIndex);
      } catch (error) {
        errors++;
        if (errorSamples.length < 5) errorSamples.push((error as Error).message);
        continue;
      }
      const outcome = await sendStreamingRequest(target, agent, template, options, tracker);
      if (outcome.error) {
        errors++;
        if (errorSamples.length < 5) errorSamples.push(outcome.error);
        continue;
      }
      completed++;
      ttftMs.push(outcome.ttftMs!);
      totalMs.push(outcome.totalMs);
    }
  }

  await Promise.all(Array.from({ length: options.concurrency }, (_, index) => virtualUser(index)));
  const durationMs = performance.now() - startedAt;
  return {
    target: target.name,
    concurrency: options.concurrency,
    completed,
    errors,
    errorSamples,
    durationMs,
    requestsPerSecond: (completed * 1000) / durationMs,
    ttftMs,
    totalMs,
    interChunkGapMs,
    allOpenGapMs,
    serverCpuMs: serverCpu.stop(),
    fakeCpuMs: fakeCpu?.stop() ?? Number.NaN,
    peakRssMb: rss.stop(),
    maxOpenStreams,
  };
}

interface StreamTracker {
  opened(): void;
  closed(): void;
  /** `previousAt`: when the delta before this one arrived. */
  gap(gapMs: number, previousAt: number): void;
}

/** One POST whose answer is read as SSE; resolves (never rejects) with its timings or an error. */
function sendStreamingRequest(
  target: LoadTarget,
  agent: http.Agent,
  template: RequestTemplate,
  options: RoundOptions,
  tracker: StreamTracker,
): Promise<RequestOutcome> {
  return new Promise((resolve) => {
    const startedAt = performance.now();
    let settled = false;
    let isOpen = false;
    const finish = (outcome: Omit<RequestOutcome, 'totalMs'>): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (isOpen) tracker.closed();
      resolve({ ...outcome, totalMs: performance.now() - startedAt });
    };
    const request = http.request({
      agent,
      host: target.origin.host,
      port: target.origin.port,
      method: 'POST',
      path: template.path,
      headers: { ...template.headers, 'content-length': Buffer.byteLength(template.body) },
    });
    const timer = setTimeout(() => {
      finish({ error: `timed out after ${options.requestTimeoutMs} ms` });
      request.destroy();
    }, options.requestTimeoutMs);
    request.on('error', (error: NodeJS.ErrnoException) => finish({ error: error.code ?? error.message }));
    request.on('response', (response) => {
      response.setEncoding('utf8');
      if (response.statusCode !== 200) {
        let text = '';
        response.on('data', (part: string) => (text += part));
        response.on('end', () => finish({ error: `HTTP ${response.statusCode} ${text.slice(0, 200)}` }));
        return;
      }
      isOpen = true;
      tracker.opened();
      const reader = new SseCounter(target.format);
      let firstDeltaAt: number | undefined;
      let lastDeltaAt = 0;
      response.on('data', (text: string) => {
        const now = performance.now();
        const deltas = reader.feed(text);
        if (deltas === 0) return;
        if (firstDeltaAt === undefined) firstDeltaAt = now;
        else tracker.gap(now - lastDeltaAt, lastDeltaAt);
        // Deltas that arrived in the same read followed the first with no gap.
        for (let index = 1; index < deltas; index++) tracker.gap(0, now);
        lastDeltaAt = now;
      });
      response.on('error', (error: NodeJS.ErrnoException) => finish({ error: error.code ?? error.message }));
      response.on('end', () => {
        if (reader.failure) return finish({ error: `stream error: ${reader.failure.slice(0, 200)}` });
        if (!reader.isDone) return finish({ error: 'stream ended without its final event' });
        if (reader.deltas !== options.expectedChunks)
          return finish({ error: `${reader.deltas} text deltas, expected ${options.expectedChunks}` });
        finish({ ttftMs: firstDeltaAt! - startedAt });
      });
    });
    request.end(template.body);
  });
}

/** Counts text deltas and notices the final event of either SSE dialect, across read boundaries. */
class SseCounter {
  deltas = 0;
  isDone = false;
  failure: string | undefined;
  #buffer = '';
  readonly #format: LoadTarget['format'];

  constructor(format: LoadTarget['format']) {
    this.#format = format;
  }

  /** Returns how many text deltas this piece completed. */
  feed(text: string): number {
    this.#buffer += text;
    let found = 0;
    let end: number;
    while ((end = this.#buffer.indexOf('\n\n')) >= 0) {
      const block = this.#buffer.slice(0, end);
      this.#buffer = this.#buffer.slice(end + 2);
      if (this.#isDelta(block)) found++;
    }
    this.deltas += found;
    return found;
  }

  #isDelta(block: string): boolean {
    if (this.#format === 'bestai') {
      if (block.startsWith('event: delta')) return true;
      if (block.startsWith('event: done')) this.isDone = true;
      else if (block.startsWith('event: error')) this.failure = block;
      return false;
    }
    if (block.includes('"delta":{"content":"')) return true;
    if (block === 'data: [DONE]') this.isDone = true;
    else if (block.includes('"error"')) this.failure = block;
    return false;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
