/**
 * Every admin route × every principal, generated from the routes the server registers (its OpenAPI
 * document): owner, admin, viewer, support, another workspace's owner, and signed out. A route under
 * `/api/workspaces/{ws}` without a row below fails this test: whoever adds a route adds its rule here
 * (the roles that may call it, and a valid body when it takes one, so the answer is about access and not
 * about the body).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  signUpOwner,
  startTestApp,
  TestClient,
  workspaceWithEveryRole,
  type TestApp,
} from '../support/test-app.js';

type Role = 'owner' | 'admin' | 'viewer' | 'support';
const everyone: Role[] = ['owner', 'admin', 'viewer', 'support'];
const ownerAndAdmin: Role[] = ['owner', 'admin'];
const ownerOnly: Role[] = ['owner'];

interface Rule {
  allowed: Role[];
  body?: unknown;
  /** Appended to the path, e.g. `?provider=openai&model=x`. */
  query?: string;
}

const price = { provider: 'openai', model: 'matrix-model', inputPerMTok: '1', outputPerMTok: '2' };

/** `METHOD /path` as in the OpenAPI document → who may call it. */
export const workspaceRouteRules: Record<string, Rule> = {
  'GET /api/workspaces/{ws}/members': { allowed: everyone },
  'PATCH /api/workspaces/{ws}/members/{userId}': { allowed: ownerOnly, body: { role: 'viewer' } },
  'DELETE /api/workspaces/{ws}/members/{userId}': { allowed: ownerOnly },
  'POST /api/workspaces/{ws}/invitations': {
    allowed: ownerAndAdmin,
    body: { email: 'matrix-invitee@example.com', role: 'viewer' },
  },
  'GET /api/workspaces/{ws}/invitations': { allowed: ownerAndAdmin },
  'POST /api/workspaces/{ws}/invitations/{invitationId}/link': { allowed: ownerAndAdmin, body: {} },
  'DELETE /api/workspaces/{ws}/invitations/{invitationId}': { allowed: ownerAndAdmin },
  'GET /api/workspaces/{ws}/llm-keys': { allowed: everyone },
  'PUT /api/workspaces/{ws}/llm-keys/{provider}': {
    allowed: ownerOnly,
    body: { apiKey: 'sk-proj-matrix0000000000000000abcd' },
  },
  'PATCH /api/workspaces/{ws}/llm-keys/{provider}': { allowed: ownerOnly, body: { enabled: true } },
  'DELETE /api/workspaces/{ws}/llm-keys/{provider}': { allowed: ownerOnly },
  'POST /api/workspaces/{ws}/llm-keys/{provider}/test': { allowed: ownerOnly, body: {} },
  'GET /api/workspaces/{ws}/llm-keys/{provider}/models': { allowed: ownerOnly },
  'GET /api/workspaces/{ws}/llm-settings': { allowed: everyone },
  'PATCH /api/workspaces/{ws}/llm-settings': { allowed: ownerOnly, body: { usePlatformKey: true } },
  'GET /api/workspaces/{ws}/chatbots/{id}/llm-keys': { allowed: everyone },
  'PUT /api/workspaces/{ws}/chatbots/{id}/llm-keys/{provider}': {
    allowed: ownerOnly,
    body: { apiKey: 'sk-proj-matrix0000000000000000abcd' },
  },
  'PATCH /api/workspaces/{ws}/chatbots/{id}/llm-keys/{provider}': {
    allowed: ownerOnly,
    body: { enabled: true },
  },
  'DELETE /api/workspaces/{ws}/chatbots/{id}/llm-keys/{provider}': { allowed: ownerOnly },
  'POST /api/workspaces/{ws}/chatbots/{id}/llm-keys/{provider}/test': { allowed: ownerOnly, body: {} },
  'GET /api/workspaces/{ws}/chatbots/{id}/llm-keys/{provider}/models': { allowed: ownerOnly },
  'GET /api/workspaces/{ws}/chatbots/{id}/llm-settings': { allowed: everyone },
  'PATCH /api/workspaces/{ws}/chatbots/{id}/llm-settings': {
    allowed: ownerOnly,
    body: { usePlatformKey: true },
  },
  'GET /api/workspaces/{ws}/audit-log': { allowed: ownerAndAdmin },
  'GET /api/workspaces/{ws}/alerts': { allowed: ownerAndAdmin },
  'POST /api/workspaces/{ws}/alerts/{id}/read': { allowed: ownerAndAdmin, body: {} },
  'GET /api/workspaces/{ws}/chatbots': { allowed: everyone },
  'POST /api/workspaces/{ws}/chatbots': { allowed: ownerAndAdmin, body: { name: 'Matrix bot' } },
  'GET /api/workspaces/{ws}/chatbots/{id}': { allowed: everyone },
  'GET /api/workspaces/{ws}/chatbots/{id}/refused-origins': { allowed: everyone },
  'PATCH /api/workspaces/{ws}/chatbots/{id}': { allowed: ownerAndAdmin, body: { name: 'Renamed' } },
  'DELETE /api/workspaces/{ws}/chatbots/{id}': { allowed: ownerAndAdmin },
  'GET /api/workspaces/{ws}/conversations': { allowed: everyone },
  'GET /api/workspaces/{ws}/conversations.csv': { allowed: everyone },
  'GET /api/workspaces/{ws}/conversations/{id}': { allowed: everyone },
  'GET /api/workspaces/{ws}/chatbots/{id}/knowledge': { allowed: everyone },
  'POST /api/workspaces/{ws}/chatbots/{id}/knowledge': {
    allowed: ownerAndAdmin,
    body: { kind: 'text', title: 'Matrix', content: 'Matrix text.' },
  },
  'PATCH /api/workspaces/{ws}/chatbots/{id}/knowledge': { allowed: ownerAndAdmin, body: {} },
  'POST /api/workspaces/{ws}/chatbots/{id}/knowledge/{sourceId}/refresh': {
    allowed: ownerAndAdmin,
    body: {},
  },
  'DELETE /api/workspaces/{ws}/chatbots/{id}/knowledge/{sourceId}': { allowed: ownerAndAdmin },
  'POST /api/workspaces/{ws}/chatbots/{id}/knowledge/search': {
    allowed: everyone,
    body: { question: 'What is in the matrix?' },
  },
  'GET /api/workspaces/{ws}/usage': { allowed: everyone },
  'GET /api/workspaces/{ws}/usage.csv': { allowed: everyone },
  'GET /api/workspaces/{ws}/prices': { allowed: everyone },
  'POST /api/workspaces/{ws}/prices': { allowed: ownerOnly, body: price },
  'DELETE /api/workspaces/{ws}/prices': { allowed: ownerOnly, query: '?provider=openai&model=matrix-model' },
};

let testApp: TestApp;
let registered: string[];
beforeAll(async () => {
  // Provider calls (a key's Test) go to a closed local port: no network, a quick "unreachable".
  const closedPort = 'http://127.0.0.1:9/v1';
  testApp = await startTestApp({
    ANTHROPIC_BASE_URL: closedPort,
    OPENAI_BASE_URL: closedPort,
    GROQ_BASE_URL: closedPort,
    DEEPSEEK_BASE_URL: closedPort,
  });
  const document = testApp.app.swagger() as { paths: Record<string, Record<string, unknown>> };
  registered = Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
  );
});
afterAll(() => testApp.close());

const isWorkspaceRoute = (route: string) => route.split(' ')[1]!.startsWith('/api/workspaces/{ws}');

describe('the route × principal matrix', () => {
  it('has a rule for every workspace route the server registers, and no stale rule', () => {
    const workspaceRoutes = registered.filter(isWorkspaceRoute);
    expect(workspaceRoutes.length).toBeGreaterThan(10);
    expect(workspaceRoutes.filter((route) => !(route in workspaceRouteRules))).toEqual([]);
    expect(Object.keys(workspaceRouteRules).filter((route) => !registered.includes(route))).toEqual([]);
  });

  it('answers each principal as its rule says: 401 signed out, 404 another workspace, 403 a role not allowed', async () => {
    const team = await workspaceWithEveryRole(testApp);
    const stranger = await signUpOwner(testApp, 'Stranger');
    const chatbotId = (
      await team.owner.client.post(`/api/workspaces/${team.workspaceId}/chatbots`, { name: 'Subject' })
    ).json().id as string;
    const fill = (path: string) =>
      path
        .replace('{ws}', team.workspaceId)
        .replace('{provider}', 'openai')
        .replace('{id}', path.includes('/chatbots/{id}') ? chatbotId : crypto.randomUUID())
        .replace(/\{[A-Za-z]+\}/g, () => crypto.randomUUID());
    const principals: Array<[string, TestClient, Role | 'stranger' | 'signed out']> = [
      ['signed out', new TestClient(testApp), 'signed out'],
      ['stranger', stranger.client, 'stranger'],
      ['support', team.support.client, 'support'],
      ['viewer', team.viewer.client, 'viewer'],
      ['admin', team.admin.client, 'admin'],
      // Last: an owner's allowed writes (deletes) must not change what the others see.
      ['owner', team.owner.client, 'owner'],
    ];
    const mismatches: string[] = [];
    for (const route of registered.filter(isWorkspaceRoute)) {
      const rule = workspaceRouteRules[route]!;
      const [method, path] = route.split(' ') as [string, string];
      const url = fill(path) + (rule.query ?? '');
      for (const [name, client, principal] of principals) {
        const response = await client.request(
          method as 'GET',
          url,
          method === 'GET' || method === 'DELETE' ? undefined : (rule.body ?? {}),
        );
        const status = response.statusCode;
        const expected =
          principal === 'signed out'
            ? [401]
            : principal === 'stranger'
              ? [404]
              : rule.allowed.includes(principal)
                ? null
                : [403];
        const isRight =
          expected === null
            ? ![401, 403].includes(status) && !(status === 404 && /workspace/i.test(response.body))
            : expected.includes(status);
        if (!isRight) mismatches.push(`${route} as ${name}: ${status} ${response.body.slice(0, 120)}`);
      }
    }
    expect(mismatches).toEqual([]);
  });
});
