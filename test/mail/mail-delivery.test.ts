/**
 * Mail end to end against a real SMTP server in the process: invitations, password resets, alert mail to
 * owners and admins, a mail server that is down for a while, and two instances sending from one queue.
 */
import { eq, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { raiseAlert } from '../../src/alerts/raise-alert.js';
import { openDatabase, type DatabaseHandle } from '../../src/db/connect.js';
import { jobs, passwordResets, users } from '../../src/db/schema.js';
import { buildApp } from '../../src/http/app.js';
import { startSmtpInbox, type ReceivedMail, type SmtpInbox } from '../support/smtp-inbox.js';
import {
  addMember,
  signUpOwner,
  startTestApp,
  strongPassword,
  TestClient,
  uniqueEmail,
  type TestApp,
} from '../support/test-app.js';

const waitLong = { timeout: 20_000, interval: 50 };
const fastJobs = { pollIntervalMs: 50, backoffMs: () => 200 };

let inbox: SmtpInbox;
let testApp: TestApp;

beforeAll(async () => {
  inbox = await startSmtpInbox();
  testApp = await startTestApp(
    { SMTP_URL: inbox.url, MAIL_FROM: 'BestAI <mail@bestai.test>' },
    { jobRunner: fastJobs },
  );
});
afterAll(async () => {
  await testApp.close();
  await inbox.close();
});

/** Mails to an address; with `subject`, only those whose subject contains it (members also get their invitation). */
const mailsTo = (address: string, subject = '') =>
  inbox.mails.filter((mail) => mail.to === address && mail.subject.includes(subject));

async function waitForMail(address: string, subject = ''): Promise<ReceivedMail> {
  await vi.waitFor(() => expect(mailsTo(address, subject)).toHaveLength(1), waitLong);
  return mailsTo(address, subject)[0]!;
}

function linkIn(mail: ReceivedMail, path: string): string {
  const match = new RegExp(`http://bestai\\.test/${path}/([A-Za-z0-9_-]+)`).exec(mail.text);
  expect(match, `a /${path}/ link in the mail`).not.toBeNull();
  expect(mail.html).toContain(match![0]);
  return match![1]!;
}

async function jobsOf(kind: string) {
  return testApp.database.db.select().from(jobs).where(eq(jobs.kind, kind));
}

describe('invitation mail', () => {
  it('reaches the invitee with who invited them to what, and its link accepts the invitation', async () => {
    const owner = await signUpOwner(testApp, 'Harbour Books');
    const email = uniqueEmail('invitee');
    const invited = await owner.client.post(`/api/workspaces/${owner.workspaceId}/invitations`, {
      email,
      role: 'admin',
    });
    expect(invited.statusCode).toBe(201);
    expect(invited.json()).toMatchObject({ emailSent: true });

    const mail = await waitForMail(email);
    expect(mail.from).toBe('mail@bestai.test');
    expect(mail.subject).toBe(`${owner.email} invited you to Harbour Books on BestAI`);
    expect(mail.text).toContain('as an admin');
    const token = linkIn(mail, 'invite');
    expect(token).toBe(invited.json().token);

    const invitee = new TestClient(testApp);
    const accepted = await invitee.post(`/api/invitations/${token}/accept`, { password: strongPassword });
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json().workspace).toEqual({ id: owner.workspaceId, role: 'admin' });
  });
});

describe('password reset', () => {
  it('mails a link that sets the password once, ends every session, and then no longer works', async () => {
    const owner = await signUpOwner(testApp);
    const otherDevice = new TestClient(testApp);
    expect(
      (await otherDevice.post('/api/auth/login', { email: owner.email, password: strongPassword }))
        .statusCode,
    ).toBe(200);

    const asked = await new TestClient(testApp).post('/api/auth/password-reset', {
      email: owner.email.toUpperCase(),
    });
    expect(asked.statusCode).toBe(202);
    expect(asked.json()).toEqual({ emailConfigured: true });
    const mail = await waitForMail(owner.email);
    expect(mail.subject).toBe('Reset your BestAI password');
    const token = linkIn(mail, 'reset-password');

    // Stored only as its hash.
    const stored = await testApp.database.db.select().from(passwordResets);
    expect(JSON.stringify(stored)).not.toContain(token);

    const anonymous = new TestClient(testApp);
    expect((await anonymous.get(`/api/auth/password-reset/${token}`)).statusCode).toBe(200);
    const newPassword = 'a brand new passphrase';
    const reset = await anonymous.post(`/api/auth/password-reset/${token}`, { password: newPassword });
    expect(reset.statusCode).toBe(200);

    expect((await owner.client.get('/api/me')).statusCode).toBe(401);
    expect((await otherDevice.get('/api/me')).statusCode).toBe(401);
    const oldLogin = await anonymous.post('/api/auth/login', {
      email: owner.email,
      password: strongPassword,
    });
    expect(oldLogin.statusCode).toBe(401);
    expect(
      (await anonymous.post('/api/auth/login', { email: owner.email, password: newPassword })).statusCode,
    ).toBe(200);

    const again = await new TestClient(testApp).post(`/api/auth/password-reset/${token}`, {
      password: 'someone else again',
    });
    expect(again.statusCode).toBe(404);
    expect((await new TestClient(testApp).get(`/api/auth/password-reset/${token}`)).statusCode).toBe(404);
  });

  it('refuses a link after its hour', async () => {
    const owner = await signUpOwner(testApp);
    await new TestClient(testApp).post('/api/auth/password-reset', { email: owner.email });
    const token = linkIn(await waitForMail(owner.email), 'reset-password');
    await testApp.database.db
      .update(passwordResets)
      .set({ expiresAt: sql`now() - interval '1 second'` })
      .where(eq(passwordResets.userId, owner.userId));
    const late = await new TestClient(testApp).post(`/api/auth/password-reset/${token}`, {
      password: 'too late for this one',
    });
    expect(late.statusCode).toBe(404);
    expect(late.json().error.message).toMatch(/expired/);
  });

  it('answers an unknown email exactly like a known one, and mails nobody', async () => {
    const unknown = uniqueEmail('nobody');
    const asked = await new TestClient(testApp).post('/api/auth/password-reset', { email: unknown });
    expect(asked.statusCode).toBe(202);
    expect(asked.json()).toEqual({ emailConfigured: true });
    await vi.waitFor(async () => {
      const requests = (await jobsOf('password_reset.mail')).filter((job) => job.payload.email === unknown);
      expect(requests.map((job) => job.status)).toEqual(['done']);
    }, waitLong);
    expect(mailsTo(unknown)).toEqual([]);
  });
});

describe('alert mail', () => {
  it('goes once to each owner and admin who wants it, saying what happened and where to fix it', async () => {
    const owner = await signUpOwner(testApp, 'Alert Co');
    const admin = await addMember(testApp, owner, 'admin');
    const quietAdmin = await addMember(testApp, owner, 'admin');
    const viewer = await addMember(testApp, owner, 'viewer');
    const support = await addMember(testApp, owner, 'support');
    expect((await quietAdmin.client.patch('/api/account', { alertEmails: false })).json()).toMatchObject({
      alertEmails: false,
      emailConfigured: true,
    });

    const alert = {
      workspaceId: owner.workspaceId,
      kind: 'key.failing' as const,
      severity: 'critical' as const,
      title: 'Your OpenAI key is failing',
      body: 'The last 3 messages failed.\n\nVisitors see your error message until it works again.',
      link: '/integrations/llm',
      dedupeKey: 'key.failing:workspace:openai:incident-1',
    };
    await Promise.all([raiseAlert(testApp.database.db, alert), raiseAlert(testApp.database.db, alert)]);

    const ownerMail = await waitForMail(owner.email, 'failing');
    await waitForMail(admin.email, 'failing');
    expect(ownerMail.subject).toBe('Your OpenAI key is failing — Alert Co');
    expect(ownerMail.text).toContain('Visitors see your error message until it works again.');
    expect(ownerMail.text).toContain('http://bestai.test/integrations/llm');
    expect(ownerMail.html).toContain('href="http://bestai.test/integrations/llm"');
    await vi.waitFor(async () => {
      expect((await jobsOf('alert.mail')).every((job) => job.status === 'done')).toBe(true);
      expect((await jobsOf('mail.send')).every((job) => job.status === 'done')).toBe(true);
    }, waitLong);
    for (const member of [quietAdmin, viewer, support]) expect(mailsTo(member.email, 'failing')).toEqual([]);
    expect(mailsTo(owner.email, 'failing')).toHaveLength(1);
    expect(mailsTo(admin.email, 'failing')).toHaveLength(1);
  });
});

describe('a mail server that is down', () => {
  it('keeps the mail queued and retried, and sends it once when the server is back', async () => {
    const owner = await signUpOwner(testApp);
    const email = uniqueEmail('patient');
    await inbox.stop();
    try {
      const invited = await owner.client.post(`/api/workspaces/${owner.workspaceId}/invitations`, {
        email,
        role: 'viewer',
      });
      expect(invited.statusCode).toBe(201);
      await vi.waitFor(async () => {
        const [job] = (await jobsOf('mail.send')).filter((row) => row.payload.to === email);
        expect(job).toMatchObject({ status: 'pending' });
        expect(job!.attempts).toBeGreaterThanOrEqual(2);
        expect(job!.lastError).toMatch(/mail server/);
      }, waitLong);
    } finally {
      await inbox.start();
    }
    await waitForMail(email);
    await vi.waitFor(async () => {
      const [job] = (await jobsOf('mail.send')).filter((row) => row.payload.to === email);
      expect(job!.status).toBe('done');
    }, waitLong);
    expect(mailsTo(email)).toHaveLength(1);
  });
});

describe('two instances on one database', () => {
  let second: FastifyInstance;
  let secondDatabase: DatabaseHandle;

  beforeAll(async () => {
    const url = testApp.database.url;
    secondDatabase = url ? await openDatabase({ kind: 'postgres', url }) : testApp.database;
    second = await buildApp({
      context: { ...testApp.app.context, database: secondDatabase },
      logger: false,
      jobRunner: { ...fastJobs, owner: 'second-instance' },
    });
    await second.ready();
  });
  afterAll(async () => {
    await second.close();
    if (secondDatabase !== testApp.database) await secondDatabase.close();
  });

  it('send each mail once, even when both raise the same alerts at the same moment', async () => {
    const owner = await signUpOwner(testApp);
    const admin = await addMember(testApp, owner, 'admin');
    const alertNumber = (n: number) => ({
      workspaceId: owner.workspaceId,
      kind: 'budget.threshold' as const,
      severity: 'warning' as const,
      title: `Budget ${n}`,
      body: `Threshold ${n} reached.`,
      link: '/integrations/llm',
      dedupeKey: `budget.threshold:test:${n}`,
    });
    await Promise.all(
      [1, 2, 3, 4, 5].flatMap((n) => [
        raiseAlert(testApp.database.db, alertNumber(n)),
        raiseAlert(secondDatabase.db, alertNumber(n)),
      ]),
    );
    await vi.waitFor(() => {
      expect(mailsTo(owner.email, 'Budget')).toHaveLength(5);
      expect(mailsTo(admin.email, 'Budget')).toHaveLength(5);
    }, waitLong);
    await vi.waitFor(async () => {
      const pending = (await testApp.database.db.select().from(jobs)).filter((job) => job.status !== 'done');
      expect(pending.filter((job) => job.kind === 'mail.send' || job.kind === 'alert.mail')).toEqual([]);
    }, waitLong);
    expect(
      mailsTo(owner.email)
        .map((mail) => mail.subject)
        .sort(),
    ).toEqual([1, 2, 3, 4, 5].map((n) => `Budget ${n} — Acme`));
    expect(mailsTo(admin.email, 'Budget')).toHaveLength(5);
  });
});

describe('without SMTP_URL', () => {
  let unconfigured: TestApp;
  beforeAll(async () => {
    unconfigured = await startTestApp({}, { jobRunner: fastJobs });
  });
  afterAll(async () => {
    await unconfigured.close();
  });

  it('sends nothing and says so, leaving the link with the person who asked', async () => {
    const owner = await signUpOwner(unconfigured);
    const invited = await owner.client.post(`/api/workspaces/${owner.workspaceId}/invitations`, {
      email: uniqueEmail('offline'),
      role: 'viewer',
    });
    expect(invited.json()).toMatchObject({
      emailSent: false,
      acceptUrl: expect.stringContaining('/invite/'),
    });
    const reset = await new TestClient(unconfigured).post('/api/auth/password-reset', { email: owner.email });
    expect(reset.statusCode).toBe(202);
    expect(reset.json()).toEqual({ emailConfigured: false });
    expect((await owner.client.get('/api/account')).json()).toMatchObject({ emailConfigured: false });
    expect(await unconfigured.database.db.select().from(jobs)).toEqual([]);
    expect(
      await unconfigured.database.db.select().from(users).where(eq(users.email, owner.email)),
    ).toHaveLength(1);
  });
});
