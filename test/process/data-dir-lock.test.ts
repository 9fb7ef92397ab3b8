/**
 * The data-folder lock between real processes: a second server on the same embedded data folder refuses to
 * start; SIGTERM stops the first cleanly and frees the folder; a lock left by a dead process is taken over.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { generateSecret } from '../../src/vault/index.js';
import { killAllProcesses, startBestAI, waitUntilRunning } from '../support/process-runner.js';

const dataDir = mkdtempSync(path.join(tmpdir(), 'bestai-lock-process-'));
const lockFile = path.join(dataDir, 'bestai.lock');
const env = { BESTAI_DATA_DIR: dataDir, BESTAI_SECRET: generateSecret(), PORT: '0' };
afterEach(killAllProcesses);
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

// Embedded database only: PostgreSQL has neither a data folder nor a generated secret.
describe('the data-folder lock', () => {
  it('refuses a second server on the same folder; SIGTERM stops the first with 0 and frees the folder', async () => {
    const first = startBestAI({ env });
    const url = await waitUntilRunning(first);
    expect(readFileSync(lockFile, 'utf8')).toBe(String(first.pid));

    const second = startBestAI({ env });
    expect(await second.waitForExit()).toEqual({ code: 1, signal: null });
    expect(second.stdoutLines.some((line) => line.includes('BestAI is running'))).toBe(false);
    expect(second.stderrLines).toEqual([
      `BestAI did not start: Another BestAI process (pid ${first.pid}) is using the data folder ${dataDir}; stop it, or set BESTAI_DATA_DIR to another folder.`,
    ]);
    // The refusal left the first server and its lock alone.
    expect(readFileSync(lockFile, 'utf8')).toBe(String(first.pid));
    expect((await fetch(`${url}/readyz`)).status).toBe(200);

    expect(await first.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(existsSync(lockFile)).toBe(false);

    const third = startBestAI({ env });
    await waitUntilRunning(third);
    expect(await third.stop('SIGINT')).toEqual({ code: 0, signal: null });
    expect(existsSync(lockFile)).toBe(false);
  }, 300_000);

  it('takes over a lock left by a process that died (SIGKILL leaves it behind)', async () => {
    const killed = startBestAI({ env });
    await waitUntilRunning(killed);
    expect(await killed.stop('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });
    expect(readFileSync(lockFile, 'utf8')).toBe(String(killed.pid));

    const next = startBestAI({ env });
    const url = await waitUntilRunning(next);
    expect(readFileSync(lockFile, 'utf8')).toBe(String(next.pid));
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    expect(await next.stop()).toEqual({ code: 0, signal: null });
  }, 300_000);

  it('takes over a stale lock file holding the pid of a process long gone', async () => {
    const gone = spawn(process.execPath, ['-e', '']);
    const stalePid = await new Promise<number>((resolve) => gone.once('exit', () => resolve(gone.pid!)));
    writeFileSync(lockFile, String(stalePid));

    const server = startBestAI({ env });
    await waitUntilRunning(server);
    expect(readFileSync(lockFile, 'utf8')).toBe(String(server.pid));
    expect(await server.stop()).toEqual({ code: 0, signal: null });
  }, 300_000);
});
