import { afterEach, describe, expect, it } from 'vitest';
import { signUpOwner, startTestApp, TestClient, type TestApp } from '../../../test/support/test-app.js';

let testApp: TestApp | undefined;
afterEach(async () => {
  await testApp?.close();
  testApp = undefined;
});

describe('GET /api/instance', () => {
  it('says a new instance has no accounts until the first sign-up, to anyone signed in or not', async () => {
    testApp = await startTestApp();
    const visitor = new TestClient(testApp);
    expect((await visitor.get('/api/instance')).json()).toEqual({
      hasAccounts: false,
      hasPlatformKey: false,
    });
    await signUpOwner(testApp);
    const answer = await visitor.get('/api/instance');
    expect(answer.statusCode).toBe(200);
    expect(answer.json()).toEqual({ hasAccounts: true, hasPlatformKey: false });
  });

  it('says whether the server has a platform key, never the key itself', async () => {
    const platformKey = 'sk-ant-platform-canary-0000000000000000';
    testApp = await startTestApp({ PLATFORM_ANTHROPIC_API_KEY: platformKey });
    const answer = await new TestClient(testApp).get('/api/instance');
    expect(answer.json()).toEqual({ hasAccounts: false, hasPlatformKey: true });
    expect(answer.body).not.toContain('canary');
  });
});
