/**
 * An exclusive lock on the embedded data folder. PGlite does not lock its folder, and two processes
 * writing one PGlite folder corrupt it, so the second process must refuse to start.
 */
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';

export interface DataDirLock {
  readonly path: string;
  release(): void;
}

export class DataDirLockedError extends Error {
  override name = 'DataDirLockedError';
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes `bestai.lock` in `dataDir`, or throws `DataDirLockedError` naming the process that holds it. */
export function lockDataDir(dataDir: string): DataDirLock {
  const lockPath = path.join(dataDir, 'bestai.lock');
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      const descriptor = openSync(lockPath, 'wx', 0o600);
      writeSync(descriptor, String(process.pid));
      closeSync(descriptor);
      let isReleased = false;
      return {
        path: lockPath,
        release() {
          if (isReleased) return;
          isReleased = true;
          try {
            unlinkSync(lockPath);
          } catch {
            // Already gone: nothing to release.
          }
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number.parseInt(readFileSync(lockPath, 'utf8'), 10);
      if (Number.isInteger(holder) && holder !== process.pid && isProcessAlive(holder)) {
        throw new DataDirLockedError(
          `Another BestAI process (pid ${holder}) is using the data folder ${path.resolve(dataDir)}; stop it, or set BESTAI_DATA_DIR to another folder.`,
        );
      }
      // The holder died without cleaning up: the lock is stale, take it over.
      unlinkSync(lockPath);
    }
  }
  throw new DataDirLockedError(`BestAI could not lock the data folder ${path.resolve(dataDir)}.`);
}
