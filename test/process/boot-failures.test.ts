/**
 * Start-up failures that are not configuration errors — the database does not answer, the port is taken —
 * stop the process with exit code 1 and one sentence naming the variable to fix, never a stack.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { generateSecret } from '../../src/vault/index.js';
import { killAllProcesses, startBestAI, type BestAIProcess } from '../support/process-runner.js';

const dataDir = mkdtempSync(path.join(tmpdir(), 'bestai-boot-'));
afterEach(killAllProcesses);
afterAll(() => rmSync(dataDir, { recursive: true, force: true, maxRetries: 5 }));

async function listeningServer(): Promise<net.Server> {
  const server = net.createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

/** The one line on stderr of a process that refused to start. */
async function refusalOf(started: BestAIProcess): Promise<string> {
  expect(await started.waitForExit()).toEqual({ code: 1, signal: null });
  const lines = started.stderrLines.filter((line) => line !== '');
  expect(lines).toHaveLength(1);
  expect(lines[0]).not.toMatch(/\n|\s+at /);
  return lines[0]!;
}

describe('boot failures in one sentence', () => {
  it('names DATABASE_URL when PostgreSQL does not answer', async () => {
    // A port that accepts and hangs up at once: no PostgreSQL there.
    const notPostgres = await listeningServer();
    try {
      const port = (notPostgres.address() as net.AddressInfo).port;
      const started = startBestAI({
        env: {
          DATABASE_URL: `postgres://bestai@127.0.0.1:${port}/bestai`,
          DATABASE_CONNECT_TIMEOUT_MS: '2000',
          BESTAI_SECRET: generateSecret(),
          PORT: '0',
        },
      });
      expect(await refusalOf(started)).toMatch(/^BestAI did not start: DATABASE_URL is not usable: .+\.$/);
    } finally {
      notPostgres.close();
    }
  }, 60_000);

  it('names PORT when the port is taken', async () => {
    const taken = await listeningServer();
    try {
      const port = (taken.address() as net.AddressInfo).port;
      const started = startBestAI({
        env: { BESTAI_DATA_DIR: dataDir, BESTAI_SECRET: generateSecret(), PORT: String(port) },
      });
      expect(await refusalOf(started)).toBe(
        `BestAI did not start: PORT is not usable: 127.0.0.1:${port} is already in use by another process; set PORT to a free port or stop that process.`,
      );
    } finally {
      taken.close();
    }
    // The embedded database is created and migrated first: slow on a busy machine.
  }, 180_000);
});
