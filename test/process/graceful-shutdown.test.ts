/**
 * SIGTERM with a request in flight: the server stops accepting new connections, lets the request finish,
 * then exits 0 and frees the data folder. The request is held open by sending its body in two halves:
 * the server has read the headers (and logged "incoming request") before the signal, the rest after.
 * The client keeps its connection alive, as browsers do: once answered, that connection is idle and must
 * not hold the shutdown until its grace deadline.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { generateSecret } from '../../src/vault/index.js';
import { killAllProcesses, startBestAI, waitUntilRunning } from '../support/process-runner.js';

const dataDir = mkdtempSync(path.join(tmpdir(), 'bestai-shutdown-'));
afterEach(killAllProcesses);
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

// Embedded database only: the behaviour under test does not depend on the database.
describe('graceful shutdown', () => {
  it('finishes a request in flight after SIGTERM, refuses new connections, then exits 0', async () => {
    const server = startBestAI({
      // Request lines are written at debug level only.
      env: { BESTAI_DATA_DIR: dataDir, BESTAI_SECRET: generateSecret(), PORT: '0', LOG_LEVEL: 'debug' },
    });
    const url = new URL(await waitUntilRunning(server));

    const body = JSON.stringify({ email: 'nobody@example.com', password: 'correct horse battery staple' });
    const half = Math.floor(body.length / 2);
    // A client that keeps its connection alive (like a browser), longer than the shutdown grace period.
    const agent = new http.Agent({ keepAlive: true, timeout: 60_000 });
    const request = http.request({
      agent,
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
    // Awaited below; this only keeps a failed test from also reporting the hang-up as unhandled.
    response.catch(() => {});
    request.write(body.slice(0, half));
    await server.waitForLine(/"url":"\/api\/auth\/login".*"msg":"incoming request"/);

    server.child.kill('SIGTERM');
    await server.waitForLine(/"msg":"Shutting down"/);
    // The listening socket is closed: a new connection is refused while the old request is still open.
    await expect(fetch(`${url.origin}/healthz`)).rejects.toThrow();
    expect(server.child.exitCode).toBeNull();

    request.end(body.slice(half));
    const answered = await response;
    expect(answered.status).toBe(401);
    expect(JSON.parse(answered.body)).toMatchObject({
      error: { code: expect.any(String), message: expect.any(String) },
    });

    expect(await server.waitForExit()).toEqual({ code: 0, signal: null });
    // It ended when the work did: the kept-alive connection was closed once idle, not cut at the grace deadline.
    expect(server.lines.some((line) => line.includes('Streams still open'))).toBe(false);
    expect(existsSync(path.join(dataDir, 'bestai.lock'))).toBe(false);
    agent.destroy();
  }, 300_000);
});
