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

  it("never checks an existing account's password on the anonymous accept: no takeover by guessing", async () => {
    const victim = await signUpOwner(testApp, 'Victim Co');
    const attacker = await signUpOwner(testApp, 'Attacker Co');
    const token = (
      await attacker.client.post(`/api/workspaces/${attacker.workspaceId}/invitations`, {
        email: victim.email,
        role: 'support',
      })
    ).json().token;
    const guesser = new TestClient(testApp, { remoteAddress: '203.0.113.40' });
    const statuses = new Set<number>();
    for (let guess = 0; guess < 40; guess++) {
      const response = await guesser.post(`/api/invitations/${token}/accept`, {
        password: `guess number ${guess} for the victim`,
      });
      statuses.add(response.statusCode);
    }
    // The right password changes nothing: the endpoint does not look at it.
    const right = await guesser.post(`/api/invitations/${token}/accept`, { password: strongPassword });
    statuses.add(right.statusCode);
    expect(statuses.has(200)).toBe(false);
    expect(right.cookies.find((cookie) => cookie.name === 'bestai_session')).toBeUndefined();
    // The endpoint itself is throttled: failures from one address end in 429 with Retry-After.
    expect(right.statusCode).toBe(429);
    expect(Number(right.headers['retry-after'])).toBeGreaterThan(0);
    expect((await guesser.get('/api/me')).statusCode).toBe(401);
    const victimWorkspaces = (await victim.client.get('/api/me')).json().workspaces;
    expect(victimWorkspaces.map((workspace: { id: string }) => workspace.id)).toEqual([victim.workspaceId]);
  });

  it('lets an existing account accept only while signed in as itself', async () => {
    const owner = await signUpOwner(testApp);
    const invited = await signUpOwner(testApp, 'Invited Co');
    const someoneElse = await signUpOwner(testApp, 'Someone Else Co');
    const token = (
      await owner.client.post(`/api/workspaces/${owner.workspaceId}/invitations`, {
        email: invited.email,
        role: 'viewer',
      })
    ).json().token;

    const anonymous = await new TestClient(testApp).post(`/api/invitations/${token}/accept`, {});
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json().error.message).toContain(invited.email);
    const wrongAccount = await someoneElse.client.post(`/api/invitations/${token}/accept`, {});
    expect(wrongAccount.statusCode).toBe(403);

    const accepted = await invited.client.post(`/api/invitations/${token}/accept`, {});
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json()).toEqual({
      user: { id: invited.userId, email: invited.email },
      workspace: { id: owner.workspaceId, role: 'viewer' },
    });
    const workspaces = (await invited.client.get('/api/me')).json().workspaces;
    expect(workspaces.map((workspace: { id: string; role: Role }) => [workspace.id, workspace.role])).toEqual(
      [
        [invited.workspaceId, 'owner'],
        [owner.workspaceId, 'viewer'],
      ],
    );
  });

  it('describes a pending invitation to its accept page, and nothing for an unknown token', async () => {
    const owner = await signUpOwner(testApp, 'Northwind Traders');
    const email = uniqueEmail('preview');
    const token = (
      await owner.client.post(`/api/workspaces/${owner.workspaceId}/invitations`, { email, role: 'admin' })
    ).json().token;
    const preview = await new TestClient(testApp).get(`/api/invitations/${token}`);
    expect(preview.statusCode).toBe(200);
    expect(preview.json()).toMatchObject({
      workspaceName: 'Northwind Traders',
      invitedBy: owner.email,
      email,
      role: 'admin',
      hasAccount: false,
    });
    const unknown = await new TestClient(testApp).get('/api/invitations/not-a-token');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('not_found');
  });

  it('refuses a new account whose password is one repeated character or a common password', async () => {
    const owner = await signUpOwner(testApp);
    for (const password of ['aaaaaaaaaaaa', 'password1234', '123456789012', 'qwertyuiopas']) {
      const token = (
        await owner.client.post(`/api/workspaces/${owner.workspaceId}/invitations`, {
          email: uniqueEmail('weak'),
          role: 'viewer',
        })
      ).json().token;
      const accepted = await new TestClient(testApp).post(`/api/invitations/${token}/accept`, { password });
      expect({ password, status: accepted.statusCode }).toEqual({ password, status: 400 });
      expect(accepted.json().error.details[0].field).toBe('password');
      const signUp = await new TestClient(testApp).post('/api/auth/signup', {
        email: uniqueEmail('weak'),
        password,
        workspaceName: 'Weak',
      });
      expect({ password, status: signUp.statusCode }).toEqual({ password, status: 400 });
    }
  });

  it("never changes an existing member's role: inviting or accepting as a member is refused", async () => {
    const team = await workspaceWithEveryRole(testApp);
    const url = `/api/workspaces/${team.workspaceId}`;
    const invite = await team.owner.client.post(`${url}/invitations`, {
      email: team.viewer.email.toUpperCase(),
      role: 'admin',
    });
    expect(invite.statusCode).toBe(409);
    expect(invite.json().error.code).toBe('conflict');

    // An invitation that predates the membership: accepting it changes nothing either.
    const email = uniqueEmail('twice');
    const first = (await team.owner.client.post(`${url}/invitations`, { email, role: 'viewer' })).json();
    const second = (await team.owner.client.post(`${url}/invitations`, { email, role: 'admin' })).json();
    const member = new TestClient(testApp);
    expect(
      (await member.post(`/api/invitations/${first.token}/accept`, { password: strongPassword })).statusCode,
    ).toBe(200);
    const again = await member.post(`/api/invitations/${second.token}/accept`, {});
    expect(again.statusCode).toBe(409);
    const members = (await team.owner.client.get(`${url}/members`)).json().members;
    expect(members.find((row: { email: string }) => row.email === email).role).toBe('viewer');
    const audit = (await team.owner.client.get(`${url}/audit-log`)).json().entries;
    const joins = audit.filter(
      (entry: { action: string; details?: { member?: string } }) =>
        entry.action === 'member.joined' && JSON.stringify(entry).includes(email),
    );
    expect(joins).toHaveLength(1);
    expect(JSON.stringify(joins[0])).toContain('viewer');
  });

  it('lists pending invitations, renews a link and revokes, for owners and admins', async () => {
    const team = await workspaceWithEveryRole(testApp);
    const url = `/api/workspaces/${team.workspaceId}/invitations`;
    const email = uniqueEmail('pending');
    const created = (await team.admin.client.post(url, { email, role: 'support' })).json();
    const listed = await team.owner.client.get(url);
    expect(listed.statusCode).toBe(200);
    expect(listed.json().invitations).toEqual([
      expect.objectContaining({ id: created.id, email, role: 'support', invitedBy: team.admin.email }),
    ]);
    expect(JSON.stringify(listed.json())).not.toContain(created.token);
    for (const member of [team.viewer, team.support]) {
      expect((await member.client.get(url)).statusCode).toBe(403);
      expect((await member.client.delete(`${url}/${created.id}`)).statusCode).toBe(403);
    }

    const renewed = await team.admin.client.post(`${url}/${created.id}/link`, {});
    expect(renewed.statusCode).toBe(200);
    expect(renewed.json().token).not.toBe(created.token);
    expect(renewed.json().acceptUrl).toBe(`http://bestai.test/invite/${renewed.json().token}`);
    expect((await new TestClient(testApp).get(`/api/invitations/${created.token}`)).statusCode).toBe(404);
    expect((await new TestClient(testApp).get(`/api/invitations/${renewed.json().token}`)).statusCode).toBe(
      200,
    );

    expect((await team.owner.client.delete(`${url}/${created.id}`)).statusCode).toBe(204);
    expect((await team.owner.client.get(url)).json().invitations).toEqual([]);
    const late = await new TestClient(testApp).post(`/api/invitations/${renewed.json().token}/accept`, {
      password: strongPassword,
    });
    expect(late.statusCode).toBe(404);
    expect((await team.owner.client.delete(`${url}/${created.id}`)).statusCode).toBe(404);
    const stranger = await signUpOwner(testApp, 'Stranger');
    const other = (await team.owner.client.post(url, { email: uniqueEmail(), role: 'viewer' })).json();
    expect((await stranger.client.delete(`${url}/${other.id}`)).statusCode).toBe(404);
    expect(
      (await stranger.client.delete(`/api/workspaces/${stranger.workspaceId}/invitations/${other.id}`))
        .statusCode,
    ).toBe(404);
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

describe('owners under concurrency', () => {
  it('never lose their last owner to two demotions at the same moment', async () => {
    for (let round = 0; round < 8; round++) {
      const team = await workspaceWithEveryRole(testApp);
      const url = `/api/workspaces/${team.workspaceId}/members`;
      expect(
        (await team.owner.client.patch(`${url}/${team.admin.userId}`, { role: 'owner' })).statusCode,
      ).toBe(200);
      // Two owners, each demoting the other at once: one of them must be refused.
      const [first, second] = await Promise.all([
        team.owner.client.patch(`${url}/${team.admin.userId}`, { role: 'viewer' }),
        team.admin.client.patch(`${url}/${team.owner.userId}`, { role: 'viewer' }),
      ]);
      // The loser is refused: 409 when both passed the role check, 403 when it came after the other's demotion.
      const statuses = [first.statusCode, second.statusCode].sort();
      expect(statuses[0]).toBe(200);
      expect([403, 409]).toContain(statuses[1]);
      const roles = (await team.viewer.client.get(url))
        .json()
        .members.map((member: { role: Role }) => member.role);
      expect(roles.filter((role: Role) => role === 'owner')).toHaveLength(1);
    }
  });
});
