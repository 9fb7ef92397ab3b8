/**
 * Real BestAI processes for tests: `src/main.ts` or `src/cli/bestai.ts` run by Node with the tsx loader,
 * with an environment built from scratch (nothing of the test runner's BESTAI_* or DATABASE_URL leaks in).
 * Tests wait on events — a line on stdout/stderr, or the exit — never on fixed sleeps; each wait has a
 * generous deadline only so that a hung process fails the test instead of the whole run.
 *
 * Node is started directly (`node --import tsx`), not through `npx tsx`: npx and the tsx CLI each put a
 * parent process in between, so signals and the pid in the lock file would not be the server's own.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { packageRoot } from '../../src/paths.js';

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface BestAIProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Every line written so far, per stream and both together in arrival order. */
  readonly stdoutLines: string[];
  readonly stderrLines: string[];
  readonly lines: string[];
  /** Resolves with the first line (stdout or stderr) matching `pattern`; rejects if the process exits first. */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Resolves when the process has exited. */
  waitForExit(timeoutMs?: number): Promise<ProcessExit>;
  /** Sends `signal` (SIGTERM by default) and waits for the exit. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<ProcessExit>;
}

export interface StartOptions {
  /** `main` runs the server entry; `cli` runs `bestai` with `args`; `demo` runs `npm run demo`'s script. */
  entry?: 'main' | 'cli' | 'demo';
  args?: string[];
  /** The whole BestAI environment of the process (PATH and HOME are added). */
  env?: Record<string, string>;
}

const DEFAULT_TIMEOUT_MS = 120_000;
const entries = {
  main: path.join(packageRoot, 'src', 'main.ts'),
  cli: path.join(packageRoot, 'src', 'cli', 'bestai.ts'),
  demo: path.join(packageRoot, 'scripts', 'demo.ts'),
};
const running = new Set<BestAIProcess>();

/** Starts a BestAI process. Call `killAllProcesses()` in `afterEach`/`afterAll`. */
export function startBestAI(options: StartOptions = {}): BestAIProcess {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', entries[options.entry ?? 'main'], ...(options.args ?? [])],
    {
      cwd: packageRoot,
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: process.env.HOME ?? '/tmp',
        LOG_LEVEL: 'info',
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  if (child.pid === undefined) throw new Error('The BestAI process did not start.');

  const stdoutLines: string[] = [];
  const stderrLines: string[] = [];
  const lines: string[] = [];
  const lineListeners = new Set<(line: string) => void>();
  let exit: ProcessExit | undefined;
  // 'close' comes after 'exit' and after both output streams are drained: every line is in.
  const closed = new Promise<ProcessExit>((resolve) => {
    child.once('close', (code, signal) => {
      exit = { code, signal };
      resolve(exit);
    });
  });

  const collect = (stream: NodeJS.ReadableStream, target: string[]) => {
    let pending = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      pending += chunk;
      const parts = pending.split('\n');
      pending = parts.pop()!;
      for (const line of parts) {
        target.push(line);
        lines.push(line);
        for (const listener of lineListeners) listener(line);
      }
    });
    stream.on('end', () => {
      if (pending === '') return;
      target.push(pending);
      lines.push(pending);
      for (const listener of lineListeners) listener(pending);
    });
  };
  collect(child.stdout!, stdoutLines);
  collect(child.stderr!, stderrLines);

  const describe = () => `\n--- output so far ---\n${lines.join('\n')}`;
  const withDeadline = <T>(promise: Promise<T>, timeoutMs: number, what: string, cleanup = () => {}) =>
    new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${what}.${describe()}`));
      }, timeoutMs);
      promise.then(
        (value) => {
          clearTimeout(timer);
          cleanup();
          resolve(value);
        },
        (error: unknown) => {
          clearTimeout(timer);
          cleanup();
          reject(error instanceof Error ? error : new Error(String(error)));
        },
      );
    });

  const handle: BestAIProcess = {
    child,
    pid: child.pid,
    stdoutLines,
    stderrLines,
    lines,
    waitForLine(pattern, timeoutMs = DEFAULT_TIMEOUT_MS) {
      const found = lines.find((line) => pattern.test(line));
      if (found !== undefined) return Promise.resolve(found);
      let listener: ((line: string) => void) | undefined;
      const matched = new Promise<string>((resolve, reject) => {
        listener = (line) => {
          if (pattern.test(line)) resolve(line);
        };
        lineListeners.add(listener);
        void closed.then(() => {
          const late = lines.find((line) => pattern.test(line));
          if (late !== undefined) resolve(late);
          else
            reject(
              new Error(
                `The process exited (${JSON.stringify(exit)}) before printing ${pattern}.${describe()}`,
              ),
            );
        });
      });
      return withDeadline(matched, timeoutMs, `a line matching ${pattern}`, () => {
        if (listener) lineListeners.delete(listener);
      });
    },
    waitForExit(timeoutMs = DEFAULT_TIMEOUT_MS) {
      return withDeadline(closed, timeoutMs, 'the process to exit');
    },
    stop(signal = 'SIGTERM', timeoutMs = DEFAULT_TIMEOUT_MS) {
      if (exit === undefined) child.kill(signal);
      return handle.waitForExit(timeoutMs);
    },
  };
  running.add(handle);
  void closed.then(() => running.delete(handle));
  return handle;
}

/** Kills every process still running (SIGKILL) and waits for them: test teardown. */
export async function killAllProcesses(): Promise<void> {
  await Promise.all(
    [...running].map(async (started) => {
      started.child.kill('SIGKILL');
      await started.waitForExit(10_000).catch(() => {});
    }),
  );
}

/** Resolves with the URL from the "BestAI is running at …" line. */
export async function waitUntilRunning(
  started: BestAIProcess,
  timeoutMs = DEFAULT_TIMEOUT_MS,
): Promise<string> {
  const line = await started.waitForLine(/BestAI is running at /, timeoutMs);
  const url = /BestAI is running at (\S+?)(?= \()/.exec(line)?.[1];
  if (!url) throw new Error(`No URL in: ${line}`);
  return url;
}
