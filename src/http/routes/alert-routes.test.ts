import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { raiseAlert, type NewAlert } from '../../alerts/raise-alert.js';
import { jobs } from '../../db/schema.js';
import {
  signUpOwner,
  startTestApp,
  workspaceWithEveryRole,
  type TestApp,
} from '../../../test/support/test-app.js';

let testApp: TestApp;
beforeAll(async () => {
  testApp = await startTestApp();
});
afterAll(async () => {
  await testApp.close();
});

const failingKey = (workspaceId: string, incident: string): NewAlert => ({
  workspaceId,
  kind: 'key.failing',
  severity: 'critical',
  title: 'Your OpenAI key is failing',
  body: 'The last 3 messages failed. Visitors see your error message.',
  link: '/integrations/llm',
  dedupeKey: `key.failing:workspace:openai:${incident}`,
});

describe('alerts', () => {
  it('are stored once per dedupe key, with one mail job, even when raised at the same moment', async () => {
    const { workspaceId } = await signUpOwner(testApp);
    const ids = await Promise.all(
      Array.from({ length: 5 }, () => raiseAlert(testApp.database.db, failingKey(workspaceId, 'one'))),
    );
    expect(ids.filter((id) => id !== null)).toHaveLength(1);
    const mailJobs = (await testApp.database.db.select().from(jobs)).filter(
      (job) => job.payload.alertId === ids.find((id) => id !== null),
    );
    expect(mailJobs).toHaveLength(1);
  });

  it('are listed newest first for owners and admins, each with their own unread count', async () => {
    const { owner, admin, viewer, support, workspaceId } = await workspaceWithEveryRole(testApp);
    const first = await raiseAlert(testApp.database.db, failingKey(workspaceId, 'a'));
    const second = await raiseAlert(testApp.database.db, failingKey(workspaceId, 'b'));
    const url = `/api/workspaces/${workspaceId}/alerts`;

    const listed = await owner.client.get(url);
    expect(listed.statusCode).toBe(200);
    expect(listed.json()).toMatchObject({
      unread: 2,
      alerts: [
        { id: second, kind: 'key.failing', severity: 'critical', link: '/integrations/llm', readAt: null },
        { id: first, title: 'Your OpenAI key is failing', readAt: null },
      ],
    });

    expect((await owner.client.post(`${url}/${first}/read`)).statusCode).toBe(204);
    const afterRead = (await owner.client.get(url)).json();
    expect(afterRead.unread).toBe(1);
    expect(afterRead.alerts[1].readAt).toEqual(expect.any(String));
    // The admin's own count is untouched by the owner's read.
    expect((await admin.client.get(url)).json().unread).toBe(2);

    for (const member of [viewer, support]) {
      expect((await member.client.get(url)).statusCode).toBe(403);
      expect((await member.client.post(`${url}/${first}/read`)).statusCode).toBe(403);
    }
  });

  it("never shows or marks another workspace's alert", async () => {
    const mine = await signUpOwner(testApp);
    const theirs = await signUpOwner(testApp);
    const theirAlert = await raiseAlert(testApp.database.db, failingKey(theirs.workspaceId, 'x'));
    expect((await mine.client.get(`/api/workspaces/${mine.workspaceId}/alerts`)).json()).toEqual({
      alerts: [],
      unread: 0,
    });
    const marked = await mine.client.post(`/api/workspaces/${mine.workspaceId}/alerts/${theirAlert}/read`);
    expect(marked.statusCode).toBe(404);
    expect((await mine.client.get(`/api/workspaces/${theirs.workspaceId}/alerts`)).statusCode).toBe(404);
    expect(
      (await mine.client.post(`/api/workspaces/${mine.workspaceId}/alerts/not-a-uuid/read`)).statusCode,
    ).toBe(404);
  });

  it('cut key-shaped text out of what is stored', async () => {
    const { workspaceId, client } = await signUpOwner(testApp);
    const secret = `sk-proj-${'a1B2c3D4'.repeat(6)}`;
    await raiseAlert(testApp.database.db, {
      ...failingKey(workspaceId, 'leak'),
      body: `The key ${secret} failed.`,
    });
    const [alert] = (await client.get(`/api/workspaces/${workspaceId}/alerts`)).json().alerts;
    expect(alert.body).not.toContain(secret);
    expect(alert.body).toContain('[redacted]');
  });
});
