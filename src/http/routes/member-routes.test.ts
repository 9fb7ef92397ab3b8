import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashSecretToken } from '../../accounts/secret-token.js';
import { invitations } from '../../db/schema.js';
import {
  signUpOwner,
  startTestApp,
  strongPassword,
  TestClient,
  uniqueEmail,
  workspaceWithEveryRole,
  type TestApp,
} from '../../../test/support/test-app.js';

let testApp: TestApp;
beforeAll(async () => {
  testApp = await startTestApp();
});
afterAll(() => testApp.close());

type Role = 'owner' | 'admin' | 'viewer' | 'support';

describe('invitations', () => {
  it('lets an invited person join with the role, signed in, and shows them in the member list', async () => {
    const owner = await signUpOwner(testApp);
    const email = uniqueEmail('invitee');
    const invitation = await owner.client.post(`/api/workspaces/${owner.workspaceId}/invitations`, {
      email,
      role: 'admin',
    });
    expect(invitation.statusCode).toBe(201);
    const body = invitation.json();
    expect(body).toMatchObject({ email, role: 'admin' });
    expect(body.acceptUrl).toBe(`http://bestai.test/invite/${body.token}`);

    const invitee = new TestClient(testApp);
    const accepted = await invitee.post(`/api/invitations/${body.token}/accept`, {
      password: strongPassword,
    });
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json().workspace).toEqual({ id: owner.workspaceId, role: 'admin' });
    const members = await invitee.get(`/api/workspaces/${owner.workspaceId}/members`);
    expect(
      members.json().members.map((member: { email: string; role: Role }) => [member.email, member.role]),
    ).toEqual([
      [owner.email, 'owner'],
      [email, 'admin'],
    ]);
  });

  it('refuses a used token, an expired token and an unknown token alike', async () => {
    const owner = await signUpOwner(testApp);
    const create = () =>
      owner.client.post(`/api/workspaces/${owner.workspaceId}/invitations`, {
        email: uniqueEmail(),
        role: 'viewer',
      });
    const used = (await create()).json().token;
    expect(
      (await new TestClient(testApp).post(`/api/invitations/${used}/accept`, { password: strongPassword }))
        .statusCode,
    ).toBe(200);
    const again = await new TestClient(testApp).post(`/api/invitations/${used}/accept`, {
      password: strongPassword,
    });
    expect(again.statusCode).toBe(404);

    const expired = (await create()).json().token;
    await testApp.database.db
      .update(invitations)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(invitations.tokenHash, hashSecretToken(expired)));
    const late = await new TestClient(testApp).post(`/api/invitations/${expired}/accept`, {
      password: strongPassword,
    });
    expect(late.statusCode).toBe(404);
    const unknown = await new TestClient(testApp).post('/api/invitations/not-a-token/accept', {
      password: strongPassword,
    });
    expect(unknown.json()).toEqual(late.json());
  });

  it('links an existing account only with its password', async () => {
    const owner = await signUpOwner(testApp);
    const other = await signUpOwner(testApp, 'Other');
    const token = (
      await owner.client.post(`/api/workspaces/${owner.workspaceId}/invitations`, {
        email: other.email,
        role: 'support',
      })
    ).json().token;
    const wrong = await new TestClient(testApp).post(`/api/invitations/${token}/accept`, {
      password: 'not their password',
    });
    expect(wrong.statusCode).toBe(401);
    const right = await new TestClient(testApp).post(`/api/invitations/${token}/accept`, {
      password: strongPassword,
    });
    expect(right.statusCode).toBe(200);
    const me = await right.json();
    expect(me.user.id).toBe(other.userId);
  });

  it('never invites an owner', async () => {
    const owner = await signUpOwner(testApp);
    const response = await owner.client.post(`/api/workspaces/${owner.workspaceId}/invitations`, {
      email: uniqueEmail(),
      role: 'owner',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.details[0].field).toBe('role');
  });
});

describe('the role × action matrix', () => {
  const matrix: Array<[string, Record<Role, number>]> = [
    ['list members', { owner: 200, admin: 200, viewer: 200, support: 200 }],
    ['invite', { owner: 201, admin: 201, viewer: 403, support: 403 }],
    ['change a role', { owner: 200, admin: 403, viewer: 403, support: 403 }],
    ['remove a member', { owner: 204, admin: 403, viewer: 403, support: 403 }],
  ];

  it.each(matrix)('%s', async (action, expected) => {
    for (const role of ['owner', 'admin', 'viewer', 'support'] as const) {
      const team = await workspaceWithEveryRole(testApp);
      const actor = team[role].client;
      const target = team.support.userId;
      const url = `/api/workspaces/${team.workspaceId}`;
      const response =
        action === 'list members'
          ? await actor.get(`${url}/members`)
          : action === 'invite'
            ? await actor.post(`${url}/invitations`, { email: uniqueEmail(), role: 'viewer' })
            : action === 'change a role'
              ? await actor.patch(`${url}/members/${target}`, { role: 'viewer' })
              : await actor.delete(`${url}/members/${target}`);
      expect({ role, status: response.statusCode }).toEqual({ role, status: expected[role] });
      if (response.statusCode === 403) expect(response.json().error.code).toBe('forbidden');
    }
  });

  it('answers 401 when signed out and 404 for another workspace or a malformed id', async () => {
    const team = await workspaceWithEveryRole(testApp);
    const stranger = await signUpOwner(testApp, 'Stranger');
    const url = `/api/workspaces/${team.workspaceId}`;
    expect((await new TestClient(testApp).get(`${url}/members`)).statusCode).toBe(401);
    for (const response of [
      await stranger.client.get(`${url}/members`),
      await stranger.client.post(`${url}/invitations`, { email: uniqueEmail(), role: 'viewer' }),
      await stranger.client.patch(`${url}/members/${team.admin.userId}`, { role: 'viewer' }),
      await stranger.client.delete(`${url}/members/${team.admin.userId}`),
      await stranger.client.get('/api/workspaces/not-a-uuid/members'),
    ]) {
      expect(response.statusCode).toBe(404);
      expect(response.json().error.code).toBe('not_found');
    }
    // A member id from another workspace is not found either.
    const removeStranger = await team.owner.client.delete(`${url}/members/${stranger.userId}`);
    expect(removeStranger.statusCode).toBe(404);
  });
});

describe('owners', () => {
  it('keep at least one owner: the last owner cannot be demoted or removed', async () => {
    const team = await workspaceWithEveryRole(testApp);
    const url = `/api/workspaces/${team.workspaceId}/members`;
    expect((await team.owner.client.patch(`${url}/${team.owner.userId}`, { role: 'admin' })).statusCode).toBe(
      409,
    );
    expect((await team.owner.client.delete(`${url}/${team.owner.userId}`)).statusCode).toBe(409);
    expect((await team.owner.client.patch(`${url}/${team.admin.userId}`, { role: 'owner' })).statusCode).toBe(
      200,
    );
    expect(
      (await team.owner.client.patch(`${url}/${team.owner.userId}`, { role: 'viewer' })).statusCode,
    ).toBe(200);
    const roles = (await team.admin.client.get(url))
      .json()
      .members.map((member: { role: Role }) => member.role);
    expect(roles.filter((role: Role) => role === 'owner')).toHaveLength(1);
  });
});
