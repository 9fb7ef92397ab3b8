/**
 * SIGTERM with a request in flight: the server stops accepting new connections, lets the request finish,
 * then exits 0 and frees the data folder. The request is held open by sending its body in two halves:
 * the server has read the headers (and logged "incoming request") before the signal, the rest after.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { generateSecret } from '../../src/vault/index.js';
import { killAllProcesses, startBestAI, waitUntilRunning } from '../support/process-runner.js';
import { isPostgresRun } from '../support/test-database.js';

const dataDir = mkdtempSync(path.join(tmpdir(), 'bestai-shutdown-'));
afterEach(killAllProcesses);
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

// Embedded database only: the behaviour under test does not depend on the database.
describe.runIf(!isPostgresRun)('graceful shutdown', () => {
  it('finishes a request in flight after SIGTERM, refuses new connections, then exits 0', async () => {
    const server = startBestAI({ env: { BESTAI_DATA_DIR: dataDir, BESTAI_SECRET: generateSecret(), PORT: '0' } });
    const url = new URL(await waitUntilRunning(server));

    const body = JSON.stringify({ email: 'nobody@example.com', password: 'correct horse battery staple' });
    const half = Math.floor(body.length / 2);
    const request = http.request({
      host: url.hostname,
      port: url.port,
      method: 'POST',
      path: '/api/auth/login',
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    });
    const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
      request.once('error', reject);
      request.once('response', (incoming) => {
        let text = '';
        incoming.setEncoding('utf8');
        incoming.on('data', (chunk: string) => (text += chunk));
        incoming.once('end', () => resolve({ status: incoming.statusCode!, body: text }));
      });
    });
    request.write(body.slice(0, half));
    await server.waitForLine(/"msg":"incoming request".*\/api\/auth\/login/);

    server.child.kill('SIGTERM');
    await server.waitForLine(/"msg":"Shutting down"/);
    // The listening socket is closed: a new connection is refused while the old request is still open.
    await expect(fetch(`${url.origin}/healthz`)).rejects.toThrow();
    expect(server.child.exitCode).toBeNull();

    request.end(body.slice(half));
    const answered = await response;
    expect(answered.status).toBe(401);
    expect(JSON.parse(answered.body)).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });

    expect(await server.waitForExit()).toEqual({ code: 0, signal: null });
    expect(existsSync(path.join(dataDir, 'bestai.lock'))).toBe(false);
  }, 120_000);
});
