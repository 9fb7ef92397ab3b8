/**
 * CPU time and memory of another process, read from Linux's /proc: utime + stime from
 * `/proc/<pid>/stat`, VmRSS and VmHWM from `/proc/<pid>/status`.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

let clockTicksPerSecond: number | undefined;

function ticksPerSecond(): number {
  if (clockTicksPerSecond === undefined) {
    try {
      clockTicksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicksPerSecond = 100;
    }
  }
  return clockTicksPerSecond;
}

/** User + system CPU time the process has used so far, in milliseconds. */
export function readCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces and parentheses: count fields after its last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const userTicks = Number(fields[11]);
  const systemTicks = Number(fields[12]);
  return ((userTicks + systemTicks) * 1000) / ticksPerSecond();
}

export interface MemoryReading {
  /** Resident set size now, in MiB. */
  rssMb: number;
  /** The highest resident set size since the process started, in MiB. */
  peakRssMb: number;
}

export function readMemory(pid: number): MemoryReading {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kilobytes = (field: string): number => {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    return match ? Number(match[1]) : Number.NaN;
  };
  return { rssMb: kilobytes('VmRSS') / 1024, peakRssMb: kilobytes('VmHWM') / 1024 };
}

/** Samples a process's resident set every `intervalMs` and keeps the highest value seen. */
export class RssSampler {
  #peakMb = 0;
  readonly #timer: ReturnType<typeof setInterval>;
  readonly #pid: number;

  constructor(pid: number, intervalMs = 100) {
    this.#pid = pid;
    this.#sample();
    this.#timer = setInterval(() => this.#sample(), intervalMs);
  }

  /** Stops sampling and returns the peak in MiB (sampling once more first). */
  stop(): number {
    clearInterval(this.#timer);
    this.#sample();
    return this.#peakMb;
  }

  #sample(): void {
    try {
      this.#peakMb = Math.max(this.#peakMb, readMemory(this.#pid).rssMb);
    } catch {
      // The process has exited; keep the peak seen so far.
    }
  }
}

/** CPU used by a process between `start()` and `stop()`, in milliseconds. */
export function startCpuMeter(pid: number): { stop(): number } {
  const before = readCpuMs(pid);
  return { stop: () => readCpuMs(pid) - before };
}
