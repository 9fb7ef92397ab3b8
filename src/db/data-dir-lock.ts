/**
 * An exclusive lock on the embedded data folder. PGlite does not lock its folder, and two processes
 * writing one PGlite folder corrupt it, so the second process must refuse to start.
 */
import { linkSync, readFileSync, renameSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { createFileExclusively } from '../files/create-file-exclusively.js';

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

/** Lock files held by this process: a second open of the same folder in one process is refused too. */
const heldLockPaths = new Set<string>();

function readHolder(lockPath: string): number | undefined {
  try {
    const holder = Number.parseInt(readFileSync(lockPath, 'utf8'), 10);
    return Number.isInteger(holder) && holder > 0 ? holder : undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Removes a stale lock left by `stalePid`. Renaming is atomic, so of two processes taking over the same
 * stale lock only one moves it; a process that finds it moved a fresh lock instead (another process took
 * over first) puts it back.
 */
function removeStaleLock(lockPath: string, stalePid: number | undefined): void {
  const movedPath = `${lockPath}.stale.${process.pid}`;
  try {
    renameSync(lockPath, movedPath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  try {
    if (readHolder(movedPath) !== stalePid) linkSync(movedPath, lockPath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    unlinkSync(movedPath);
  }
}

/** Takes `bestai.lock` in `dataDir`, or throws `DataDirLockedError` naming the process that holds it. */
export function lockDataDir(dataDir: string): DataDirLock {
  const lockPath = path.join(path.resolve(dataDir), 'bestai.lock');
  const folder = path.resolve(dataDir);
  if (heldLockPaths.has(lockPath)) {
    throw new DataDirLockedError(`This BestAI process already uses the data folder ${folder}.`);
  }
  for (let attempt = 0; attempt < 3; attempt += 1) {
    if (createFileExclusively(lockPath, String(process.pid))) {
      heldLockPaths.add(lockPath);
      let isReleased = false;
      return {
        path: lockPath,
        release() {
          if (isReleased) return;
          isReleased = true;
          heldLockPaths.delete(lockPath);
          try {
            // Only our own lock: never one another process has taken over meanwhile.
            if (readHolder(lockPath) === process.pid) unlinkSync(lockPath);
          } catch {
            // Already gone or unreadable: nothing of ours to release.
          }
        },
      };
    }
    const holder = readHolder(lockPath);
    // A lock with our own pid is a previous life of this pid (a container restarted with the same pid).
    if (holder !== undefined && holder !== process.pid && isProcessAlive(holder)) {
      throw new DataDirLockedError(
        `Another BestAI process (pid ${holder}) is using the data folder ${folder}; stop it, or set BESTAI_DATA_DIR to another folder.`,
      );
    }
    // The holder died without cleaning up: the lock is stale, take it over.
    removeStaleLock(lockPath, holder);
  }
  throw new DataDirLockedError(`BestAI could not lock the data folder ${folder}.`);
}
