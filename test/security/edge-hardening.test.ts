/**
 * The edge of the server as an attacker meets it: secrets in logged URLs, client addresses behind a
 * proxy, encoded paths around the origin check, NUL characters, framework errors, caching, /metrics.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog } from '../../src/db/schema.js';
import { REDACTED, redactSecretPaths, redactUrl } from '../../src/http/log-redaction.js';
import {
  signUpOwner,
  startTestApp,
  strongPassword,
  TestClient,
  uniqueEmail,
  type TestApp,
} from '../support/test-app.js';
import { startVisitor } from '../support/widget-client.js';

let testApp: TestApp;
beforeAll(async () => {
  testApp = await startTestApp();
});
afterAll(() => testApp.close());

const securityHeaders = ['content-security-policy', 'x-content-type-options', 'x-frame-options'];

describe('single-use tokens never reach a log line', () => {
  it('redacts invitation tokens from every request line, however the path is spelled', async () => {
    // Request lines are debug lines: log everything.
    const verbose = await startTestApp({ LOG_LEVEL: 'debug' });
    try {
      const owner = await signUpOwner(verbose);
      const created = await owner.client.post(`/api/workspaces/${owner.workspaceId}/invitations`, {
        email: uniqueEmail('logged'),
        role: 'viewer',
      });
      const token = created.json().token as string;
      const visitor = new TestClient(verbose, { remoteAddress: '198.51.100.20' });
      await visitor.get(`/invite/${token}`);
      await visitor.get(`/api/invitations/${token}`);
      await visitor.get(`/%69nvite/${token}?from=mail`);
      await visitor.get(`/api/%69nvitations/${token}`);
      await visitor.get(`//invite/${token}`);
      await visitor.get(`/api/invitations/${token}/${'x'.repeat(150)}`);
      await visitor.post(`/api/invitations/${token}/accept`, { password: strongPassword });
      // Password-reset links follow the same rule.
      await visitor.get(`/reset-password/${token}`);
      await visitor.post(`/api/auth/password-reset/${token}`, { password: strongPassword });
      const logs = verbose.logLines.join('\n');
      expect(logs).toContain(`/invite/${REDACTED}`);
      expect(logs).not.toContain(token);
    } finally {
      await verbose.close();
    }
  });

  it('keeps the rest of the URL readable', () => {
    expect(redactUrl('/invite/abc?x=1')).toBe(`/invite/${REDACTED}?x=1`);
    expect(redactUrl('/api/invitations/abc/accept')).toBe(`/api/invitations/${REDACTED}/accept`);
    expect(redactUrl('/api/auth/password-reset/abc')).toBe(`/api/auth/password-reset/${REDACTED}`);
    expect(redactUrl('/api/auth/password-reset')).toBe('/api/auth/password-reset');
    expect(redactUrl('/api/workspaces/w/invitations/id')).toBe('/api/workspaces/w/invitations/id');
    expect(redactUrl('/API/%49nvitations/abc')).toBe(`/API/%49nvitations/${REDACTED}`);
    expect(redactSecretPaths('{"msg":"GET /reset-password/abc failed"}')).toBe(
      `{"msg":"GET /reset-password/${REDACTED} failed"}`,
    );
  });
});

describe('client addresses behind a proxy', () => {
  async function failSignIns(app: TestApp, forwardedFor: string, count: number) {
    let last = 0;
    for (let attempt = 0; attempt < count; attempt++) {
      const response = await app.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor },
        payload: JSON.stringify({ email: uniqueEmail('nobody'), password: 'wrong password here' }),
      });
      last = response.statusCode;
    }
    return last;
  }

  it('ignores X-Forwarded-For when TRUST_PROXY is unset', async () => {
    const app = await startTestApp();
    try {
      expect(await failSignIns(app, '203.0.113.1', 30)).toBe(401);
      // A forged header does not buy a fresh limit: the socket's address is the client's.
      expect(await failSignIns(app, '203.0.113.2', 1)).toBe(429);
    } finally {
      await app.close();
    }
  });

  it('gives each forwarded client its own limit when TRUST_PROXY is set', async () => {
    const app = await startTestApp({ TRUST_PROXY: '127.0.0.1' });
    try {
      expect(await failSignIns(app, '203.0.113.1', 31)).toBe(429);
      expect(await failSignIns(app, '203.0.113.2', 1)).toBe(401);
      const owner = await signUpOwner(app);
      await app.app.inject({
        method: 'POST',
        url: `/api/workspaces/${owner.workspaceId}/invitations`,
        headers: {
          cookie: owner.client.cookie!,
          'content-type': 'application/json',
          'x-forwarded-for': '192.0.2.77',
        },
        payload: JSON.stringify({ email: uniqueEmail(), role: 'viewer' }),
      });
      const entries = await app.database.db.select({ ip: auditLog.ip }).from(auditLog);
      expect(entries.map((entry) => entry.ip)).toContain('192.0.2.77');
    } finally {
      await app.close();
    }
  });
});

describe('the origin and JSON check', () => {
  it('checks the route the router matched, not the raw URL', async () => {
    const owner = await signUpOwner(testApp);
    const foreign = { origin: 'https://evil.example' };
    for (const url of [
      `/%61pi/workspaces/${owner.workspaceId}/chatbots`,
      `/%61%70%69/workspaces/${owner.workspaceId}/chatbots`,
      `/api/workspaces/${owner.workspaceId}/%63hatbots`,
    ]) {
      const response = await owner.client.request('POST', url, { name: 'Planted' }, foreign);
      expect({ url, status: response.statusCode }).toEqual({ url, status: 403 });
    }
    const plain = await owner.client.request('POST', '/%61pi/auth/logout', undefined, {
      'content-type': 'text/plain',
    });
    expect(plain.statusCode).toBe(415);
    const sneaky = await owner.client.request('POST', '/api/auth/logout', undefined, {
      'content-type': 'application/jsonx',
    });
    expect(sneaky.statusCode).toBe(415);
    const chatbots = (await owner.client.get(`/api/workspaces/${owner.workspaceId}/chatbots`)).json();
    expect(chatbots.chatbots).toEqual([]);
    expect((await owner.client.get('/api/me')).statusCode).toBe(200);
  });
});

describe('NUL characters', () => {
  it('are refused at the edge with 400 in the contract shape, wherever text goes', async () => {
    const owner = await signUpOwner(testApp);
    const ws = `/api/workspaces/${owner.workspaceId}`;
    const chatbot = (await owner.client.post(`${ws}/chatbots`, { name: 'Bot' })).json();
    const visitor = await startVisitor(testApp.app, chatbot.publicId);
    const attempts = [
      () => new TestClient(testApp).post('/api/auth/login', { email: 'a\u0000b@example.com', password: 'x' }),
      () =>
        new TestClient(testApp).post('/api/auth/signup', {
          email: uniqueEmail(),
          password: strongPassword,
          workspaceName: 'Nul\u0000Co',
        }),
      () => owner.client.post(`${ws}/chatbots`, { name: 'Bad\u0000name' }),
      () => owner.client.patch(`${ws}/chatbots/${chatbot.id}`, { systemPrompt: 'Be \u0000 nice' }),
      () =>
        testApp.app.inject({
          method: 'POST',
          url: `/api/widget/${chatbot.publicId}/conversations/${visitor.conversationId}/messages`,
          headers: { authorization: `Bearer ${visitor.visitorToken}`, 'content-type': 'application/json' },
          payload: JSON.stringify({ content: 'hello\u0000there' }),
        }),
      () => owner.client.get(`${ws}/conversations?chatbotId=%00`),
    ];
    for (const [index, attempt] of attempts.entries()) {
      const response = await attempt();
      expect({ index, status: response.statusCode }).toEqual({ index, status: 400 });
      expect(response.json().error.code).toBe('invalid_request');
    }
    expect(testApp.logLines.join('\n')).not.toMatch(/invalid byte sequence|0x00/);
  });
});

describe('framework errors', () => {
  it('answer in the contract shape with the security headers and a request id', async () => {
    for (const [url, status] of [
      [`/api/workspaces/${'a'.repeat(150)}/members`, 414],
      [`/preview/${'b'.repeat(150)}`, 414],
      ['/api/%zz', 400],
    ] as const) {
      const response = await testApp.app.inject({ url });
      expect({ url: url.slice(0, 20), status: response.statusCode }).toEqual({
        url: url.slice(0, 20),
        status,
      });
      expect(Object.keys(response.json())).toEqual(['error']);
      expect(response.json().error.code).toMatch(/^[a-z_]+$/);
      expect(response.body).not.toContain('FST_');
      for (const header of securityHeaders) expect(response.headers[header], header).toBeDefined();
      expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    }
  });
});

describe('caching', () => {
  it('marks API answers no-store, signed in or not, success or error', async () => {
    const owner = await signUpOwner(testApp);
    for (const response of [
      await owner.client.get('/api/me'),
      await owner.client.get(`/api/workspaces/${owner.workspaceId}/members`),
      await owner.client.get(`/api/workspaces/${owner.workspaceId}/llm-keys`),
      await new TestClient(testApp).get('/api/me'),
    ]) {
      expect(response.headers['cache-control']).toBe('no-store');
    }
  });
});

describe('METRICS_TOKEN', () => {
  it('protects /metrics when set, and leaves it open when unset', async () => {
    expect((await testApp.app.inject({ url: '/metrics' })).statusCode).toBe(200);
    const app = await startTestApp({ METRICS_TOKEN: 'scrape-secret-0123456789' });
    try {
      const none = await app.app.inject({ url: '/metrics' });
      expect(none.statusCode).toBe(401);
      expect(none.json().error.code).toBe('unauthenticated');
      const wrong = await app.app.inject({ url: '/metrics', headers: { authorization: 'Bearer nope' } });
      expect(wrong.statusCode).toBe(401);
      const right = await app.app.inject({
        url: '/metrics',
        headers: { authorization: 'Bearer scrape-secret-0123456789' },
      });
      expect(right.statusCode).toBe(200);
      expect(right.body).toContain('# HELP');
    } finally {
      await app.close();
    }
  });
});
