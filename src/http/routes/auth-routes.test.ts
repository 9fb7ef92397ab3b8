import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashSecretToken } from '../../accounts/secret-token.js';
import { sessions } from '../../db/schema.js';
import { eq } from 'drizzle-orm';
import {
  signUpOwner,
  startTestApp,
  strongPassword,
  TestClient,
  uniqueEmail,
  type TestApp,
} from '../../../test/support/test-app.js';

let testApp: TestApp;
beforeAll(async () => {
  testApp = await startTestApp();
});
afterAll(() => testApp.close());

describe('sign-up', () => {
  it('creates a user who owns a new workspace and is signed in', async () => {
    const client = new TestClient(testApp);
    const email = uniqueEmail();
    const response = await client.post('/api/auth/signup', {
      email: email.toUpperCase(),
      password: strongPassword,
      workspaceName: 'Acme',
    });
    expect(response.statusCode).toBe(201);
    const body = response.json();
    expect(body.user.email).toBe(email);
    expect(body.workspace.name).toBe('Acme');
    const cookie = response.cookies.find((item) => item.name === 'bestai_session')!;
    expect(cookie.httpOnly).toBe(true);
    expect(cookie.sameSite).toBe('Lax');
    expect(cookie.secure).toBeFalsy();
    const me = await client.get('/api/me');
    expect(me.statusCode).toBe(200);
    expect(me.json().workspaces).toEqual([
      expect.objectContaining({
        id: body.workspace.id,
        name: 'Acme',
        role: 'owner',
        permissions: expect.arrayContaining(['llm_keys.write']),
      }),
    ]);
  });

  it('refuses a duplicate email with 409, whatever its case', async () => {
    const { email } = await signUpOwner(testApp);
    const response = await new TestClient(testApp).post('/api/auth/signup', {
      email: ` ${email.toUpperCase()} `,
      password: strongPassword,
      workspaceName: 'Again',
    });
    expect(response.statusCode).toBe(409);
    expect(response.json().error.code).toBe('conflict');
  });

  it.each([
    [{ email: 'not-an-email', password: strongPassword, workspaceName: 'A' }, 'email'],
    [{ email: uniqueEmail(), password: 'short', workspaceName: 'A' }, 'password'],
    [{ email: uniqueEmail(), password: 'x'.repeat(1025), workspaceName: 'A' }, 'password'],
    [{ email: uniqueEmail(), password: strongPassword, workspaceName: '' }, 'workspaceName'],
    [{ email: uniqueEmail(), password: strongPassword, workspaceName: 'x'.repeat(101) }, 'workspaceName'],
    [{ email: uniqueEmail(), password: strongPassword }, 'workspaceName'],
    [{ email: 42, password: strongPassword, workspaceName: 'A' }, 'email'],
  ])('rejects bad input %# naming the field', async (body, field) => {
    const response = await new TestClient(testApp).post('/api/auth/signup', body);
    expect(response.statusCode).toBe(400);
    const error = response.json().error;
    expect(error.code).toBe('invalid_request');
    expect(error.details.map((detail: { field: string }) => detail.field)).toContain(field);
    expect(response.body).not.toContain('x'.repeat(50));
  });

  it('counts password length in bytes: 600 two-byte characters are over the 1024-byte limit', async () => {
    const response = await new TestClient(testApp).post('/api/auth/signup', {
      email: uniqueEmail(),
      password: 'é'.repeat(600),
      workspaceName: 'A',
    });
    expect(response.statusCode).toBe(400);
    const accepted = await new TestClient(testApp).post('/api/auth/signup', {
      email: uniqueEmail(),
      // 7 characters, 14 bytes: long enough in bytes, and not one repeated character.
      password: 'ñéøåßüç',
      workspaceName: 'A',
    });
    expect(accepted.statusCode).toBe(201);
  });

  it('answers malformed JSON, a wrong content type and a 2 MB body in the error shape', async () => {
    const malformed = await testApp.app.inject({
      method: 'POST',
      url: '/api/auth/signup',
      headers: { 'content-type': 'application/json' },
      payload: '{"email": ',
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().error.code).toBe('invalid_request');

    const form = await testApp.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'email=a&password=b',
    });
    expect(form.statusCode).toBe(415);

    const huge = await testApp.app.inject({
      method: 'POST',
      url: '/api/auth/signup',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ email: 'a@b.co', password: 'x'.repeat(2 * 1024 * 1024), workspaceName: 'A' }),
    });
    expect(huge.statusCode).toBe(413);
    expect(huge.json().error.code).toBe('payload_too_large');
  });
});

describe('sign-in', () => {
  it('signs in with a fresh session token each time and lists workspaces', async () => {
    const { email, client: first } = await signUpOwner(testApp, 'Blue');
    const login = await first.post('/api/auth/login', { email, password: strongPassword });
    expect(login.statusCode).toBe(200);
    expect(login.json().workspaces).toEqual([expect.objectContaining({ name: 'Blue', role: 'owner' })]);
    const firstCookie = first.cookie;
    await first.post('/api/auth/login', { email, password: strongPassword });
    expect(first.cookie).not.toBe(firstCookie);
    // The replaced token no longer works.
    const stale = new TestClient(testApp);
    stale.cookie = firstCookie;
    expect((await stale.get('/api/me')).statusCode).toBe(401);
  });

  it('gives the same answer for a wrong password and an unknown email', async () => {
    const { email } = await signUpOwner(testApp);
    const wrongPassword = await new TestClient(testApp).post('/api/auth/login', {
      email,
      password: 'wrong password here',
    });
    const unknownEmail = await new TestClient(testApp).post('/api/auth/login', {
      email: uniqueEmail('nobody'),
      password: 'wrong password here',
    });
    expect(wrongPassword.statusCode).toBe(401);
    expect(unknownEmail.statusCode).toBe(401);
    expect(wrongPassword.json()).toEqual(unknownEmail.json());
  });

  it('throttles repeated failures per email with 429 and Retry-After', async () => {
    const { email } = await signUpOwner(testApp);
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 12; attempt += 1) {
      const response = await new TestClient(testApp).post('/api/auth/login', {
        email,
        password: `wrong-${attempt}-password`,
      });
      statuses.push(response.statusCode);
      if (response.statusCode === 429) {
        expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
        expect(response.json().error.code).toBe('rate_limited');
      }
    }
    expect(statuses.slice(0, 10).every((status) => status === 401)).toBe(true);
    expect(statuses.slice(10)).toEqual([429, 429]);
    // Even the right password waits until the window passes.
    const right = await new TestClient(testApp).post('/api/auth/login', { email, password: strongPassword });
    expect(right.statusCode).toBe(429);
  });

  it('signs out and forgets the session', async () => {
    const { client } = await signUpOwner(testApp);
    const cookie = client.cookie;
    expect((await client.post('/api/auth/logout')).statusCode).toBe(204);
    const reused = new TestClient(testApp);
    reused.cookie = cookie;
    expect((await reused.get('/api/me')).statusCode).toBe(401);
  });

  it('rejects an expired session', async () => {
    const { client } = await signUpOwner(testApp);
    const token = client.cookie!.split('=')[1]!;
    await testApp.database.db
      .update(sessions)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(sessions.tokenHash, hashSecretToken(token)));
    const response = await client.get('/api/me');
    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe('unauthenticated');
  });

  it('refuses a state-changing request from a foreign Origin', async () => {
    const { email } = await signUpOwner(testApp);
    const response = await new TestClient(testApp).request(
      'POST',
      '/api/auth/login',
      { email, password: strongPassword },
      { origin: 'https://evil.example' },
    );
    expect(response.statusCode).toBe(403);
    const same = await new TestClient(testApp).request(
      'POST',
      '/api/auth/login',
      { email, password: strongPassword },
      { origin: 'http://bestai.test' },
    );
    expect(same.statusCode).toBe(200);
  });
});

describe('operations', () => {
  it('answers health, readiness and the OpenAPI document', async () => {
    expect((await testApp.app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await testApp.app.inject({ url: '/readyz' })).statusCode).toBe(200);
    const openapi = (await testApp.app.inject({ url: '/api/openapi.json' })).json();
    expect(openapi.openapi).toBe('3.1.0');
    expect(Object.keys(openapi.paths)).toEqual(
      expect.arrayContaining([
        '/api/auth/signup',
        '/api/auth/login',
        '/api/workspaces/{ws}/members',
        '/api/invitations/{token}/accept',
      ]),
    );
  });

  it('gives every response a request id and unknown API paths the error shape', async () => {
    const response = await testApp.app.inject({ url: '/api/nothing-here' });
    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe('not_found');
    expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('never logs passwords or session cookies', async () => {
    const { client } = await signUpOwner(testApp);
    await client.get('/api/me');
    const logs = testApp.logLines.join('\n');
    expect(logs).not.toContain(strongPassword);
    expect(logs).not.toContain(client.cookie!.split('=')[1]!);
  });
});
