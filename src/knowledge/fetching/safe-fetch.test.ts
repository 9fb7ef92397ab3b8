import dns from 'node:dns';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SourceError } from '../extraction/document-blocks.js';
import { addressPolicy, isPublicAddress } from './address-policy.js';
import { fetchSafely, type SafeFetchOptions } from './safe-fetch.js';
import { readUrlSource } from './site-crawl.js';

const pages: Record<string, { type?: string; body: string; status?: number; location?: string }> = {
  '/': {
    body: `<html><head><title>Home</title></head><body><article><h1>Welcome</h1>
      <p>${'Brightkettle makes kettles. '.repeat(10)}</p>
      <a href="/a">A</a> <a href="/private/secret">S</a> <a href="https://other.example/x">X</a>
      <a href="/broken">B</a> <a href="/b#part">B</a></article></body></html>`,
  },
  '/a': {
    body: `<html><body><article><p>${'Page A talks about toasters. '.repeat(10)}</p><a href="/b">B</a></article></body></html>`,
  },
  '/b': {
    body: `<html><body><article><p>${'Page B talks about teapots. '.repeat(10)}</p><a href="/">home</a></article></body></html>`,
  },
  '/private/secret': { body: '<p>must not be read</p>' },
  '/broken': { status: 500, body: 'oops' },
  '/robots.txt': { type: 'text/plain', body: 'User-agent: *\nDisallow: /private/\n' },
  '/notes.md': { type: 'text/markdown', body: '# Notes\n\nMarkdown at a URL.' },
  '/to-loopback': { status: 302, location: 'http://127.0.0.1:1/', body: '' },
  '/to-metadata': { status: 302, location: 'http://169.254.169.254/latest/meta-data/', body: '' },
  '/loop': { status: 302, location: '/loop', body: '' },
  '/ftp': { status: 302, location: 'ftp://example.com/file', body: '' },
};

let server: http.Server;
let base: string;
const requested: string[] = [];

beforeAll(async () => {
  server = http.createServer((request, response) => {
    requested.push(request.url ?? '');
    if (request.url === '/big') {
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.end('x'.repeat(50_000));
      return;
    }
    if (request.url === '/bomb') {
      response.writeHead(200, { 'content-type': 'text/plain', 'content-encoding': 'gzip' });
      response.end(zlib.gzipSync(Buffer.alloc(5_000_000)));
      return;
    }
    if (request.url === '/slow') return; // never answers
    const page = pages[request.url ?? ''];
    if (!page) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(page.status ?? 200, {
      'content-type': page.type ?? 'text/html; charset=utf-8',
      ...(page.location ? { location: page.location } : {}),
    });
    response.end(page.body);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

const allowing: SafeFetchOptions = {
  isAllowedAddress: addressPolicy(true),
  maxBytes: 1_000_000,
  timeoutMs: 5_000,
};
const guarded: SafeFetchOptions = { ...allowing, isAllowedAddress: addressPolicy(false) };

/** A resolver that answers every name with the given address, as a hostile DNS record would. */
const resolvingTo = (address: string): typeof dns.lookup =>
  ((_hostname: string, _options: unknown, callback: (...args: unknown[]) => void) =>
    callback(null, [{ address, family: address.includes(':') ? 6 : 4 }])) as unknown as typeof dns.lookup;

describe('fetchSafely without the private-address flag', () => {
  it.each([
    ['loopback', 'http://127.0.0.1:1/'],
    ['loopback in another notation', 'http://0x7f.1/'],
    ['IPv6 loopback', 'http://[::1]/'],
    ['IPv4-mapped IPv6 loopback', 'http://[::ffff:127.0.0.1]/'],
    ['the cloud metadata address', 'http://169.254.169.254/latest/meta-data/'],
    ['a private network', 'http://10.0.0.8/'],
    ['unspecified', 'http://0.0.0.0/'],
  ])('refuses %s before connecting', async (_label, url) => {
    await expect(fetchSafely(url, guarded)).rejects.toThrow(/private or local network address/);
  });

  it('refuses a DNS name that resolves to 127.0.0.1', async () => {
    const port = (server.address() as AddressInfo).port;
    const before = requested.length;
    await expect(
      fetchSafely(`http://kettles.example:${port}/`, { ...guarded, lookup: resolvingTo('127.0.0.1') }),
    ).rejects.toThrow(/kettles\.example is a private or local network address/);
    await expect(fetchSafely(`http://localhost:${port}/`, guarded)).rejects.toThrow(SourceError);
    expect(requested.length).toBe(before);
  });

  it('refuses a name that resolves to the metadata address over IPv6-mapped form', async () => {
    await expect(
      fetchSafely('http://meta.example/', { ...guarded, lookup: resolvingTo('::ffff:169.254.169.254') }),
    ).rejects.toThrow(/private or local/);
  });

  it('refuses a redirect to a private address, checked again on the new hop', async () => {
    // The test server stands in for a public site: only its address counts as public here.
    const port = (server.address() as AddressInfo).port;
    const testServerIsPublic = (address: string) => address === '127.0.0.1' || isPublicAddress(address);
    const resolved: string[] = [];
    const lookup = ((hostname: string, _options: unknown, callback: (...args: unknown[]) => void) => {
      resolved.push(hostname);
      const address = hostname === 'shop.example' ? '127.0.0.1' : '10.0.0.5';
      callback(null, [{ address, family: 4 }]);
    }) as unknown as typeof dns.lookup;
    const options = { ...guarded, isAllowedAddress: testServerIsPublic, lookup };
    const before = requested.length;
    await expect(fetchSafely(`http://shop.example:${port}/to-metadata`, options)).rejects.toThrow(
      /169\.254\.169\.254 is a private or local network address/,
    );
    pages['/to-intranet'] = { status: 301, location: `http://intranet.example:${port}/a`, body: '' };
    await expect(fetchSafely(`http://shop.example:${port}/to-intranet`, options)).rejects.toThrow(
      /intranet\.example is a private or local network address/,
    );
    expect(resolved).toEqual(['shop.example', 'shop.example', 'intranet.example']);
    expect(requested.slice(before)).toEqual(['/to-metadata', '/to-intranet']);
  });

  it('refuses other schemes and user names', async () => {
    await expect(fetchSafely('file:///etc/passwd', guarded)).rejects.toThrow(/not an http or https/);
    await expect(fetchSafely('https://user:pw@example.com/', guarded)).rejects.toThrow(/user name/);
  });

  it.each([
    'http://127.0.0.1/',
    '169.254.169.254',
    '10.1.2.3',
    '192.168.0.1',
    '100.64.0.1',
    'fd00::1',
    'fe80::1',
    '::',
    '2002:7f00:1::',
    'not an address',
  ])('does not call %s public', (address) => expect(isPublicAddress(address)).toBe(false));
  it.each(['93.184.215.14', '2606:4700::6810:84e5', '::ffff:8.8.8.8'])('calls %s public', (address) =>
    expect(isPublicAddress(address)).toBe(true),
  );
});

describe('fetchSafely with the private-address flag (local server)', () => {
  it('fetches a page and follows redirects, but at most five and only to http(s)', async () => {
    const page = await fetchSafely(`${base}/a`, allowing);
    expect(page.status).toBe(200);
    expect(page.body.toString()).toContain('Page A');
    await expect(fetchSafely(`${base}/loop`, allowing)).rejects.toThrow(/redirects more than 5 times/);
    await expect(fetchSafely(`${base}/ftp`, allowing)).rejects.toThrow(/not an http or https/);
  });

  it('caps the size, after decompression too, and the time', async () => {
    await expect(fetchSafely(`${base}/big`, { ...allowing, maxBytes: 10_000 })).rejects.toThrow(
      /larger than/,
    );
    await expect(fetchSafely(`${base}/bomb`, { ...allowing, maxBytes: 100_000 })).rejects.toThrow(
      /larger than/,
    );
    await expect(fetchSafely(`${base}/slow`, { ...allowing, timeoutMs: 200 })).rejects.toThrow(
      /did not answer in time/,
    );
  });
});

describe('readUrlSource', () => {
  it('reads one page without crawling', async () => {
    const result = await readUrlSource(`${base}/`, { crawl: false, maxPages: 50, fetch: allowing });
    expect(result.pages.map((page) => page.location)).toEqual([`${base}/`]);
    expect(result.title).toBe('Home');
  });

  it('crawls same-site pages, honours robots.txt, skips broken and off-site links, and stops at the bound', async () => {
    const result = await readUrlSource(`${base}/`, { crawl: true, maxPages: 50, fetch: allowing });
    expect(result.pages.map((page) => page.location).sort()).toEqual([`${base}/`, `${base}/a`, `${base}/b`]);
    expect(requested).not.toContain('/private/secret');
    const bounded = await readUrlSource(`${base}/`, { crawl: true, maxPages: 2, fetch: allowing });
    expect(bounded.pages).toHaveLength(2);
  });

  it('reads a Markdown resource by its content type, and says why a page failed', async () => {
    const notes = await readUrlSource(`${base}/notes.md`, { crawl: false, maxPages: 1, fetch: allowing });
    expect(notes.pages[0]!.blocks[0]).toEqual({ kind: 'heading', level: 1, text: 'Notes' });
    await expect(
      readUrlSource(`${base}/broken`, { crawl: false, maxPages: 1, fetch: allowing }),
    ).rejects.toThrow(/answered with HTTP 500/);
  });
});
