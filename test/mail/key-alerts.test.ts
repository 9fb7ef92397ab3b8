/**
 * A workspace key that fails visitors' messages: after 3 failures in a row, one `key.failing` alert and
 * one mail per owner and admin; the next success closes the incident with `key.recovered`.
 */
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { alerts, keyIncidents } from '../../src/db/schema.js';
import { startFakeProviders, type FakeProviders } from '../fakes/fake-provider-server.js';
import { startSmtpInbox, type SmtpInbox } from '../support/smtp-inbox.js';
import { addMember, signUpOwner, startTestApp, type TestApp } from '../support/test-app.js';
import { sendVisitorMessage, startVisitor } from '../support/widget-client.js';

const waitLong = { timeout: 20_000, interval: 50 };

let fake: FakeProviders;
let inbox: SmtpInbox;
let testApp: TestApp;

beforeAll(async () => {
  fake = await startFakeProviders();
  inbox = await startSmtpInbox();
  testApp = await startTestApp(
    { OPENAI_BASE_URL: fake.baseURL('openai'), SMTP_URL: inbox.url },
    { jobRunner: { pollIntervalMs: 50, backoffMs: () => 200 } },
  );
});
afterAll(async () => {
  await testApp.close();
  await inbox.close();
  await fake.close();
});

async function workspaceWithOpenAiKey() {
  const owner = await signUpOwner(testApp, 'Key Co');
  const admin = await addMember(testApp, owner, 'admin');
  const viewer = await addMember(testApp, owner, 'viewer');
  const apiKey = `sk-proj-${crypto.randomUUID().replaceAll('-', '')}`;
  const put = await owner.client.put(`/api/workspaces/${owner.workspaceId}/llm-keys/openai`, { apiKey });
  expect(put.statusCode).toBe(200);
  const chatbot = (
    await owner.client.post(`/api/workspaces/${owner.workspaceId}/chatbots`, { name: 'Help' })
  ).json();
  const visitor = await startVisitor(testApp.app, chatbot.publicId);
  const send = async () => (await sendVisitorMessage(testApp.app, visitor, 'hello')).final?.event;
  return { owner, admin, viewer, apiKey, send };
}

const alertsOf = (workspaceId: string) =>
  testApp.database.db
    .select()
    .from(alerts)
    .where(eq(alerts.workspaceId, workspaceId))
    .orderBy(alerts.createdAt);
const mailsTo = (address: string, subject: string) =>
  inbox.mails.filter((mail) => mail.to === address && mail.subject.includes(subject));

describe('key.failing and key.recovered', () => {
  it('alert once per incident after 3 failed messages, mail each owner and admin once, and close on success', async () => {
    const { owner, admin, viewer, send } = await workspaceWithOpenAiKey();
    expect(await send()).toBe('done');

    for (let failure = 1; failure <= 2; failure += 1) {
      fake.failNext('openai', { status: 401, endpoint: 'chat' });
      expect(await send()).toBe('error');
    }
    expect(await alertsOf(owner.workspaceId)).toEqual([]);

    // The third failure in a row opens the incident; more failures add nothing.
    for (let failure = 3; failure <= 5; failure += 1) {
      fake.failNext('openai', { status: 401, endpoint: 'chat' });
      expect(await send()).toBe('error');
    }
    await vi.waitFor(async () => expect(await alertsOf(owner.workspaceId)).toHaveLength(1), waitLong);
    const [failing] = await alertsOf(owner.workspaceId);
    expect(failing).toMatchObject({
      kind: 'key.failing',
      severity: 'critical',
      title: 'Your OpenAI key is failing',
      link: '/integrations/llm',
    });
    expect(failing!.body).toContain('error message');
    expect(failing!.body).toContain('replace it');

    await vi.waitFor(() => {
      expect(mailsTo(owner.email, 'failing')).toHaveLength(1);
      expect(mailsTo(admin.email, 'failing')).toHaveLength(1);
    }, waitLong);
    expect(mailsTo(viewer.email, 'failing')).toEqual([]);

    const listed = (await owner.client.get(`/api/workspaces/${owner.workspaceId}/alerts`)).json();
    expect(listed).toMatchObject({ unread: 1, alerts: [{ kind: 'key.failing' }] });

    expect(await send()).toBe('done');
    await vi.waitFor(async () => expect(await alertsOf(owner.workspaceId)).toHaveLength(2), waitLong);
    const recovered = (await alertsOf(owner.workspaceId))[1]!;
    expect(recovered).toMatchObject({ kind: 'key.recovered', title: 'Your OpenAI key works again' });
    await vi.waitFor(() => expect(mailsTo(owner.email, 'works again')).toHaveLength(1), waitLong);

    // A new run of failures is a new incident, with its own alert.
    for (let failure = 1; failure <= 3; failure += 1) {
      fake.failNext('openai', { status: 401, endpoint: 'chat' });
      expect(await send()).toBe('error');
    }
    await vi.waitFor(async () => expect(await alertsOf(owner.workspaceId)).toHaveLength(3), waitLong);
    expect((await alertsOf(owner.workspaceId))[2]!.kind).toBe('key.failing');
  });

  it('alerts on a key that has been failing for 2 minutes, even before the third failure', async () => {
    const { owner, send } = await workspaceWithOpenAiKey();
    fake.failNext('openai', { status: 401, endpoint: 'chat' });
    expect(await send()).toBe('error');
    await testApp.database.db
      .update(keyIncidents)
      .set({ failingSince: sql`now() - interval '121 seconds'` })
      .where(eq(keyIncidents.workspaceId, owner.workspaceId));
    fake.failNext('openai', { status: 401, endpoint: 'chat' });
    expect(await send()).toBe('error');
    await vi.waitFor(async () => expect(await alertsOf(owner.workspaceId)).toHaveLength(1), waitLong);
  });

  it('counts a success in between: failures that are not in a row raise nothing', async () => {
    const { owner, send } = await workspaceWithOpenAiKey();
    for (let round = 0; round < 3; round += 1) {
      fake.failNext('openai', { status: 401, endpoint: 'chat' });
      expect(await send()).toBe('error');
      fake.failNext('openai', { status: 401, endpoint: 'chat' });
      expect(await send()).toBe('error');
      expect(await send()).toBe('done');
    }
    const [incident] = await testApp.database.db
      .select()
      .from(keyIncidents)
      .where(eq(keyIncidents.workspaceId, owner.workspaceId));
    expect(incident).toBeUndefined();
    expect(await alertsOf(owner.workspaceId)).toEqual([]);
  });
});
