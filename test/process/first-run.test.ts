/**
 * A first run as a new user does it: a fresh data folder, no BESTAI_SECRET. The process prints where it
 * runs and what to do next, warns loudly about the generated secret, answers health checks, and on the
 * next start reuses the same secret. Start-up times are printed for the record, not asserted.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { killAllProcesses, startBestAI, waitUntilRunning } from '../support/process-runner.js';

const dataDir = mkdtempSync(path.join(tmpdir(), 'bestai-first-run-'));
afterEach(killAllProcesses);
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** Starts the server on the folder and returns its URL, the process, and how long it took to print it. */
async function startAndTime() {
  const startedAt = performance.now();
  const server = startBestAI({ env: { BESTAI_DATA_DIR: dataDir, PORT: '0' } });
  const url = await waitUntilRunning(server);
  return { server, url, milliseconds: Math.round(performance.now() - startedAt) };
}

// Embedded database only: PostgreSQL has neither a data folder nor a generated secret.
describe('first run on a fresh data folder', () => {
  it('prints the URL, the sign-up step and a loud warning; answers /healthz and /readyz; reuses its secret', async () => {
    const first = await startAndTime();
    expect(first.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(first.url).not.toMatch(/:0$/);
    await first.server.waitForLine(/^Next step: open .+ and sign up/);
    expect(first.server.stdoutLines).toContain(
      `Next step: open ${first.url}/ and sign up — the first account owns its workspace.`,
    );
    const secretFile = path.join(dataDir, 'secret.key');
    const warning = await first.server.waitForLine(/BESTAI_SECRET is not set: generated a local secret/);
    expect(JSON.parse(warning)).toMatchObject({
      level: 40,
      msg: expect.stringContaining(`generated a local secret into ${secretFile}. Back it up`),
    });
    const secret = readFileSync(secretFile, 'utf8').trim();
    expect(statSync(secretFile).mode & 0o777).toBe(0o600);
    // The secret itself is never printed.
    expect(first.server.lines.join('\n')).not.toContain(secret);

    // Progress while the embedded database is made, and the plain truth about the missing platform key.
    expect(first.server.stdoutLines).toContain(
      `Creating the embedded database in ${dataDir} (first start only)…`,
    );
    expect(first.server.stdoutLines).toContain(
      'This server has no platform key: visitors get no answer yet. Add your own key to start chatting, or set PLATFORM_ANTHROPIC_API_KEY.',
    );

    const health = await fetch(`${first.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${first.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });

    expect(await first.server.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    // Request logs are quiet by default: no line per health check (the shutdown line proves logs flowed).
    expect(first.server.lines.some((line) => line.includes('"msg":"Shutting down"'))).toBe(true);
    expect(first.server.lines.filter((line) => /healthz|readyz/.test(line))).toEqual([]);

    const second = await startAndTime();
    await second.server.waitForLine(/BESTAI_SECRET is not set: using the local secret/);
    expect(second.server.lines.some((line) => line.includes('generated a local secret'))).toBe(false);
    expect(readFileSync(secretFile, 'utf8').trim()).toBe(secret);
    expect((await fetch(`${second.url}/readyz`)).status).toBe(200);
    expect(await second.server.stop('SIGTERM')).toEqual({ code: 0, signal: null });

    const reported = (run: typeof first) =>
      `${run.milliseconds} ms to the running line (server's own: ${/ready in (\d+) ms/.exec(run.server.stdoutLines.join('\n'))?.[1]} ms)`;
    process.stdout.write(`\nstart-up times: first ${reported(first)}; second ${reported(second)}\n`);
  }, 300_000);
});
