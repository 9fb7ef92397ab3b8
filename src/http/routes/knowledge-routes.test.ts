import { readFile } from 'node:fs/promises';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { jobs, knowledgePassages, knowledgeSources } from '../../db/schema.js';
import {
  signUpOwner,
  startTestApp,
  TestClient,
  workspaceWithEveryRole,
  type TestApp,
} from '../../../test/support/test-app.js';

let testApp: TestApp;
let guardedApp: TestApp;
let site: http.Server;
let siteUrl: string;

const sitePages: Record<string, string> = {
  '/': `<html><head><title>Brightkettle help</title></head><body><article><h1>Help</h1>
    <p>${'Brightkettle answers questions about kettles. '.repeat(8)}</p><a href="/care">Care</a></article></body></html>`,
  '/care': `<html><head><title>Care</title></head><body><article><h1>Descaling</h1>
    <p>${'Descale your kettle monthly with citric acid to keep it quiet. '.repeat(6)}</p></article></body></html>`,
};

beforeAll(async () => {
  site = http.createServer((request, response) => {
    const page = sitePages[request.url ?? ''];
    response.writeHead(page ? 200 : 404, { 'content-type': 'text/html' }).end(page ?? '');
  });
  site.listen(0, '127.0.0.1');
  await once(site, 'listening');
  siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
  testApp = await startTestApp({ KNOWLEDGE_ALLOW_PRIVATE_URLS: '1' });
  guardedApp = await startTestApp();
});
afterAll(async () => {
  await testApp.close();
  await guardedApp.close();
  site.closeAllConnections();
  site.close();
});

const fixture = (name: string) => readFile(new URL(`../../knowledge/fixtures/${name}`, import.meta.url));

async function createChatbot(client: TestClient, workspaceId: string) {
  const response = await client.post(`/api/workspaces/${workspaceId}/chatbots`, { name: 'Help bot' });
  if (response.statusCode !== 201) throw new Error(`create failed: ${response.body}`);
  return response.json().id as string;
}

/** Sends a file as multipart/form-data, the way a browser's FormData does. */
async function upload(app: TestApp, client: TestClient, url: string, name: string, bytes: Uint8Array) {
  const form = new FormData();
  form.append('file', new Blob([bytes]), name);
  const encoded = new Request('http://upload.test', { method: 'POST', body: form });
  return app.app.inject({
    method: 'POST',
    url,
    headers: { 'content-type': encoded.headers.get('content-type')!, cookie: client.cookie! },
    payload: Buffer.from(await encoded.arrayBuffer()),
  });
}

async function waitForSource(client: TestClient, url: string, sourceId: string, status = 'ready') {
  return vi.waitFor(
    async () => {
      const listed = (await client.get(url))
        .json()
        .sources.find((source: { id: string }) => source.id === sourceId);
      expect(listed?.status).toBe(status);
      return listed;
    },
    { timeout: 30_000, interval: 50 },
  );
}

describe('knowledge sources', () => {
  it('indexes pasted text in the background, and Try it finds its passage', async () => {
    const { client, workspaceId } = await signUpOwner(testApp);
    const chatbotId = await createChatbot(client, workspaceId);
    const base = `/api/workspaces/${workspaceId}/chatbots/${chatbotId}/knowledge`;
    const created = await client.post(base, {
      kind: 'text',
      title: 'Opening hours',
      content: '# Hours\n\nThe Leeds showroom opens at 9 am from Monday to Saturday.',
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({
      kind: 'text',
      title: 'Opening hours',
      status: 'indexing',
      chunks: 0,
    });
    const ready = await waitForSource(client, base, created.json().id);
    expect(ready).toMatchObject({ chunks: 1, indexedAt: expect.any(String) });
    expect(ready).not.toHaveProperty('error');

    const tried = await client.post(`${base}/search`, { question: 'When does the showroom open?' });
    expect(tried.statusCode).toBe(200);
    expect(tried.json().passages[0]).toMatchObject({ sourceId: created.json().id, title: 'Opening hours' });
    expect(tried.json().passages[0].content).toContain('9 am');
    expect((await client.get(base)).json().settings).toEqual({ language: 'english', showSourceLinks: false });
  });

  it('uploads PDF and DOCX files, and refuses other types, empty and oversized files', async () => {
    const { client, workspaceId } = await signUpOwner(testApp);
    const chatbotId = await createChatbot(client, workspaceId);
    const base = `/api/workspaces/${workspaceId}/chatbots/${chatbotId}/knowledge`;
    const pdf = await upload(
      testApp,
      client,
      base,
      'returns-policy.pdf',
      await fixture('returns-policy.pdf'),
    );
    expect(pdf.statusCode, pdf.body).toBe(201);
    expect(pdf.json()).toMatchObject({ kind: 'file', fileName: 'returns-policy.pdf', status: 'indexing' });
    expect((await waitForSource(client, base, pdf.json().id)).chunks).toBe(3);
    const docx = await upload(testApp, client, base, 'warranty.docx', await fixture('warranty.docx'));
    expect((await waitForSource(client, base, docx.json().id)).chunks).toBeGreaterThan(0);

    const exe = await upload(testApp, client, base, 'tool.exe', new Uint8Array([1, 2, 3]));
    expect(exe.statusCode).toBe(400);
    expect(exe.json().error.message).toMatch(/\.pdf/);
    expect((await upload(testApp, client, base, 'empty.txt', new Uint8Array())).statusCode).toBe(400);
    const huge = await upload(testApp, client, base, 'huge.txt', new Uint8Array(10 * 1024 * 1024 + 1));
    expect(huge.statusCode).toBe(413);
    expect(huge.json().error.code).toBe('payload_too_large');
    const broken = await upload(testApp, client, base, 'broken.pdf', Buffer.from('not a pdf'));
    const failed = await waitForSource(client, base, broken.json().id, 'error');
    expect(failed.error).toBe('broken.pdf could not be read as a PDF.');
  });

  it('crawls a site from a URL, names the source after the page, and refreshes it', async () => {
    const { client, workspaceId } = await signUpOwner(testApp);
    const chatbotId = await createChatbot(client, workspaceId);
    const base = `/api/workspaces/${workspaceId}/chatbots/${chatbotId}/knowledge`;
    const created = await client.post(base, { kind: 'url', url: `${siteUrl}/`, crawl: true });
    expect(created.statusCode).toBe(201);
    const ready = await waitForSource(client, base, created.json().id);
    expect(ready).toMatchObject({ title: 'Brightkettle help', chunks: 2, url: `${siteUrl}/`, crawl: true });
    const tried = await client.post(`${base}/search`, { question: 'how do I descale it' });
    expect(tried.json().passages[0]).toMatchObject({ url: `${siteUrl}/care`, location: `${siteUrl}/care` });

    sitePages['/care'] = sitePages['/care']!.replace('citric acid', 'white vinegar');
    const refreshed = await client.post(`${base}/${created.json().id}/refresh`);
    expect(refreshed.statusCode).toBe(200);
    expect(refreshed.json().status).toBe('indexing');
    await waitForSource(client, base, created.json().id);
    const after = await client.post(`${base}/search`, { question: 'descale with vinegar' });
    expect(after.json().passages[0].content).toContain('white vinegar');
  });

  it('deletes a source and its passages at once', async () => {
    const { client, workspaceId } = await signUpOwner(testApp);
    const chatbotId = await createChatbot(client, workspaceId);
    const base = `/api/workspaces/${workspaceId}/chatbots/${chatbotId}/knowledge`;
    const created = await client.post(base, {
      kind: 'text',
      title: 'Secret menu',
      content: 'The pistachio kettle exists.',
    });
    await waitForSource(client, base, created.json().id);
    expect((await client.delete(`${base}/${created.json().id}`)).statusCode).toBe(204);
    const left = await testApp.database.db
      .select()
      .from(knowledgePassages)
      .where(eq(knowledgePassages.sourceId, created.json().id));
    expect(left).toEqual([]);
    expect((await client.post(`${base}/search`, { question: 'pistachio kettle' })).json().passages).toEqual(
      [],
    );
    expect((await client.delete(`${base}/${created.json().id}`)).statusCode).toBe(404);
  });

  it('finishes a source whose instance died mid-indexing, once its job lease lapses', async () => {
    const { client, workspaceId } = await signUpOwner(testApp);
    const chatbotId = await createChatbot(client, workspaceId);
    const base = `/api/workspaces/${workspaceId}/chatbots/${chatbotId}/knowledge`;
    const created = await client.post(base, { kind: 'text', title: 'Hours', content: 'Open at nine.' });
    const sourceId = created.json().id as string;
    await waitForSource(client, base, sourceId);
    // What a process killed while indexing generation 2 leaves behind: the source still `indexing`, its
    // job `running` under a lease held by an instance that no longer renews it.
    const { db } = testApp.database;
    await db
      .update(knowledgeSources)
      .set({ status: 'indexing', generation: 2, content: 'Open at ten since March.' })
      .where(eq(knowledgeSources.id, sourceId));
    await db.insert(jobs).values({
      id: crypto.randomUUID(),
      kind: 'knowledge.index',
      payload: { sourceId, generation: 2 },
      dedupeKey: `knowledge.index:${sourceId}:2`,
      status: 'running',
      attempts: 1,
      maxAttempts: 3,
      lockedBy: 'instance-that-died',
      lockedUntil: sql`now() - interval '1 second'`,
    });
    testApp.app.jobRunner.wake();
    await waitForSource(client, base, sourceId);
    const tried = await client.post(`${base}/search`, { question: 'when do you open' });
    expect(tried.json().passages[0].content).toContain('Open at ten since March.');
  });

  it('refuses a private address without the flag, with a readable reason', async () => {
    const { client, workspaceId } = await signUpOwner(guardedApp);
    const chatbotId = await createChatbot(client, workspaceId);
    const base = `/api/workspaces/${workspaceId}/chatbots/${chatbotId}/knowledge`;
    const created = await client.post(base, { kind: 'url', url: `${siteUrl}/` });
    const failed = await waitForSource(client, base, created.json().id, 'error');
    expect(failed.error).toBe(
      '127.0.0.1 is a private or local network address, which BestAI does not fetch.',
    );
    const metadata = await client.post(base, {
      kind: 'url',
      url: 'http://169.254.169.254/latest/meta-data/',
    });
    expect((await waitForSource(client, base, metadata.json().id, 'error')).error).toMatch(
      /private or local/,
    );
  });

  it('validates bodies and settings', async () => {
    const { client, workspaceId } = await signUpOwner(testApp);
    const chatbotId = await createChatbot(client, workspaceId);
    const base = `/api/workspaces/${workspaceId}/chatbots/${chatbotId}/knowledge`;
    expect((await client.post(base, { kind: 'url', url: 'ftp://example.com/' })).statusCode).toBe(400);
    expect((await client.post(base, { kind: 'text', title: '', content: 'x' })).statusCode).toBe(400);
    expect((await client.post(base, { kind: 'video' })).statusCode).toBe(400);
    expect((await client.patch(base, { language: 'klingon' })).statusCode).toBe(400);
    const changed = await client.patch(base, { language: 'german', showSourceLinks: true });
    expect(changed.json()).toEqual({ settings: { language: 'german', showSourceLinks: true } });
  });

  it('lets every role read, only owner and admin write, and hides other workspaces', async () => {
    const roles = await workspaceWithEveryRole(testApp);
    const chatbotId = await createChatbot(roles.owner.client, roles.workspaceId);
    const base = `/api/workspaces/${roles.workspaceId}/chatbots/${chatbotId}/knowledge`;
    const text = { kind: 'text', title: 'T', content: 'Some text.' };
    expect((await roles.admin.client.post(base, text)).statusCode).toBe(201);
    for (const member of [roles.viewer, roles.support]) {
      expect((await member.client.get(base)).statusCode).toBe(200);
      expect((await member.client.post(`${base}/search`, { question: 'text' })).statusCode).toBe(200);
      expect((await member.client.post(base, text)).statusCode).toBe(403);
      expect((await member.client.patch(base, { showSourceLinks: true })).statusCode).toBe(403);
    }
    const stranger = await signUpOwner(testApp);
    const strangersView = `/api/workspaces/${stranger.workspaceId}/chatbots/${chatbotId}/knowledge`;
    expect((await stranger.client.get(strangersView)).statusCode).toBe(404);
    expect((await stranger.client.post(strangersView, text)).statusCode).toBe(404);
    expect((await new TestClient(testApp).get(base)).statusCode).toBe(401);
  });

  it('refuses a cross-site upload, and multipart anywhere but the upload', async () => {
    const { client, workspaceId } = await signUpOwner(testApp);
    const chatbotId = await createChatbot(client, workspaceId);
    const send = async (url: string, headers: Record<string, string> = {}) => {
      const form = new FormData();
      form.append('file', new Blob(['hello']), 'a.txt');
      const encoded = new Request('http://upload.test', { method: 'POST', body: form });
      return testApp.app.inject({
        method: 'POST',
        url,
        headers: { 'content-type': encoded.headers.get('content-type')!, cookie: client.cookie!, ...headers },
        payload: Buffer.from(await encoded.arrayBuffer()),
      });
    };
    const upload = `/api/workspaces/${workspaceId}/chatbots/${chatbotId}/knowledge`;
    expect((await send(upload, { origin: 'https://evil.example' })).statusCode).toBe(403);
    expect((await send(`/api/workspaces/${workspaceId}/chatbots`)).statusCode).toBe(415);
    expect((await send(upload, { origin: testApp.config.publicOrigin })).statusCode).toBe(201);
  });
});
