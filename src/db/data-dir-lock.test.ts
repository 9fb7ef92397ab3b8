import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { packageRoot } from '../paths.js';
import { openDatabase } from './connect.js';
import { DataDirLockedError, lockDataDir, type DataDirLock } from './data-dir-lock.js';

const temporaryDirs: string[] = [];
const locks: DataDirLock[] = [];
const children: ChildProcess[] = [];

function temporaryDataDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'bestai-lock-'));
  temporaryDirs.push(dir);
  return dir;
}

function lock(dataDir: string): DataDirLock {
  const taken = lockDataDir(dataDir);
  locks.push(taken);
  return taken;
}

/** A process that stays alive until killed: a live lock holder that is not us. */
function startSleeper(): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000); console.log("up")']);
  children.push(child);
  return new Promise((resolve) => child.stdout!.once('data', () => resolve(child)));
}

/** The pid of a process that has already exited. */
function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  return new Promise((resolve) => child.once('exit', () => resolve(child.pid!)));
}

afterEach(() => {
  for (const taken of locks.splice(0)) taken.release();
  for (const child of children.splice(0)) child.kill('SIGKILL');
  for (const dir of temporaryDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const lockFileOf = (dataDir: string) => path.join(dataDir, 'bestai.lock');

describe('lockDataDir', () => {
  it('writes bestai.lock (0600) with our pid, and release removes it', () => {
    const dataDir = temporaryDataDir();
    const taken = lock(dataDir);
    expect(taken.path).toBe(lockFileOf(dataDir));
    expect(readFileSync(taken.path, 'utf8')).toBe(String(process.pid));
    expect(statSync(taken.path).mode & 0o777).toBe(0o600);
    expect(readdirSync(dataDir)).toEqual(['bestai.lock']);
    taken.release();
    taken.release();
    expect(existsSync(taken.path)).toBe(false);
    lock(dataDir);
  });

  it('refuses a second lock of the same folder in the same process', () => {
    const dataDir = temporaryDataDir();
    lock(dataDir);
    expect(() => lockDataDir(path.join(dataDir, '.'))).toThrow(
      new DataDirLockedError(`This BestAI process already uses the data folder ${dataDir}.`),
    );
    expect(readFileSync(lockFileOf(dataDir), 'utf8')).toBe(String(process.pid));
  });

  it('refuses a folder locked by a live process, naming the pid and the folder', async () => {
    const dataDir = temporaryDataDir();
    const holder = await startSleeper();
    writeFileSync(lockFileOf(dataDir), String(holder.pid));
    expect(() => lockDataDir(dataDir)).toThrow(
      new DataDirLockedError(
        `Another BestAI process (pid ${holder.pid}) is using the data folder ${dataDir}; stop it, or set BESTAI_DATA_DIR to another folder.`,
      ),
    );
    expect(readFileSync(lockFileOf(dataDir), 'utf8')).toBe(String(holder.pid));
  });

  it.each([
    ['a dead pid', async () => String(await deadPid())],
    ['no pid (an empty file)', async () => ''],
    ['garbage', async () => 'not a pid'],
    ['our own pid from a previous life (a restarted container)', async () => String(process.pid)],
  ])('takes over a stale lock holding %s', async (_, content) => {
    const dataDir = temporaryDataDir();
    writeFileSync(lockFileOf(dataDir), await content());
    const taken = lock(dataDir);
    expect(readFileSync(taken.path, 'utf8')).toBe(String(process.pid));
    expect(readdirSync(dataDir)).toEqual(['bestai.lock']);
  });

  it('does not remove a lock another process has taken over', () => {
    const dataDir = temporaryDataDir();
    const taken = lock(dataDir);
    writeFileSync(taken.path, '999999');
    taken.release();
    expect(readFileSync(taken.path, 'utf8')).toBe('999999');
  });

  it('lets exactly one of several processes take over the same stale lock', async () => {
    const dataDir = temporaryDataDir();
    writeFileSync(lockFileOf(dataDir), String(await deadPid()));
    // Each contender loads, says it is ready, and on "go" locks, reports, and keeps the lock until killed:
    // all of them reach the stale lock in the same moment.
    const script = `
      import { lockDataDir } from ${JSON.stringify(path.join(packageRoot, 'src/db/data-dir-lock.ts'))};
      process.stdin.once('data', () => {
        try { lockDataDir(${JSON.stringify(dataDir)}); console.log('locked'); }
        catch (error) { console.log(error.name); }
      });
      console.log('ready');
    `;
    const contenders = Array.from({ length: 4 }, () => {
      const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        cwd: packageRoot,
      });
      children.push(child);
      const lines: string[] = [];
      const nextLine = () =>
        new Promise<string>((resolve) => {
          const take = () =>
            lines.length > 0 ? resolve(lines.shift()!) : child.stdout!.once('data', onData);
          const onData = (chunk: Buffer) => {
            lines.push(...String(chunk).split('\n').filter(Boolean));
            take();
          };
          take();
        });
      return { child, nextLine };
    });
    expect(await Promise.all(contenders.map((contender) => contender.nextLine()))).toEqual(
      Array(4).fill('ready'),
    );
    for (const { child } of contenders) child.stdin!.write('go\n');
    const outcomes = await Promise.all(contenders.map((contender) => contender.nextLine()));
    expect(outcomes.filter((outcome) => outcome === 'locked')).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome === 'DataDirLockedError')).toHaveLength(3);
  }, 120_000);
});

describe('openDatabase on the embedded database', () => {
  it('holds the lock while open: a second open of the folder is refused; closing releases it', async () => {
    const dataDir = temporaryDataDir();
    const first = await openDatabase({ kind: 'pglite', dataDir });
    try {
      await expect(openDatabase({ kind: 'pglite', dataDir })).rejects.toThrow(DataDirLockedError);
      await first.ping();
      expect(readFileSync(lockFileOf(dataDir), 'utf8')).toBe(String(process.pid));
    } finally {
      await first.close();
    }
    expect(existsSync(lockFileOf(dataDir))).toBe(false);
  }, 120_000);
});
