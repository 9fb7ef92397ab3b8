import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isOriginAllowed, normalizeAllowedOrigin, originCandidates } from './origin-match.js';

describe('normalizeAllowedOrigin', () => {
  it.each([
    ['https://shop.example.com', 'https://shop.example.com'],
    ['https://Shop.EXAMPLE.com/', 'https://shop.example.com'],
    ['HTTPS://shop.example.com', 'https://shop.example.com'],
    ['  https://shop.example.com  ', 'https://shop.example.com'],
    ['http://localhost:5173', 'http://localhost:5173'],
    ['http://localhost', 'http://localhost'],
    ['https://shop.example.com:443', 'https://shop.example.com'],
    ['http://shop.example.com:80/', 'http://shop.example.com'],
    ['https://shop.example.com:80', 'https://shop.example.com:80'],
    ['https://shop.example.com:08443', 'https://shop.example.com:8443'],
    ['http://127.0.0.1:8080', 'http://127.0.0.1:8080'],
    ['http://[::1]:3000', 'http://[::1]:3000'],
    ['https://bücher.example', 'https://xn--bcher-kva.example'],
    ['https://*.example.com', 'https://*.example.com'],
    ['https://*.Example.COM/', 'https://*.example.com'],
    ['https://*.example.com:8443', 'https://*.example.com:8443'],
    ['https://*.shop.example.co.uk', 'https://*.shop.example.co.uk'],
    ['http://*.localhost:5173', 'http://*.localhost:5173'],
    ['https://my-shop.example.com', 'https://my-shop.example.com'],
  ])('%s → %s', (input, expected) => {
    expect(normalizeAllowedOrigin(input)).toBe(expected);
  });

  it.each([
    ['javascript:alert(1)'],
    ['data:text/html,hi'],
    ['file:///etc/passwd'],
    ['ftp://example.com'],
    ['ws://example.com'],
    ['https://a.com/path'],
    ['https://a.com//'],
    ['https://a.com/?'],
    ['https://a.com?x=1'],
    ['https://a.com#top'],
    ['https://user@a.com'],
    ['https://user:pass@a.com'],
    ['https://a.com@evil.com'],
    ['https://a.com\\@evil.com'],
    ['https:\\\\a.com'],
    ['https:a.com'],
    ['//a.com'],
    ['a.com'],
    ['*.com'],
    ['*.example.com'],
    ['https://*.com'],
    ['https://*.co.uk'],
    ['https://*.github.io'],
    ['https://*.blogspot.com'],
    ['https://*.com.au'],
    ['https://*'],
    ['https://*.'],
    ['https://*.*.example.com'],
    ['https://a.*.example.com'],
    ['https://*example.com'],
    ['https://a*.example.com'],
    ['https://*.1.2.3'],
    ['https://*.127.0.0.1'],
    ['https://'],
    ['https://a.com:'],
    ['https://a.com:0'],
    ['https://a.com:65536'],
    ['https://a.com:123456'],
    ['https://a.com:-1'],
    ['https://a .com'],
    ['https://a.com\nx'],
    ['https://a.com\t.evil.com'],
    ['https://a.com%2F'],
    ['https://-a.com'],
    ['https://a-.com'],
    ['https://a..com'],
    ['https://.a.com'],
    ['https://a.com.'],
    ['https://' + 'a'.repeat(64) + '.com'],
    ['https://' + 'a.'.repeat(140) + 'com'],
    ['https://a_b.com'],
    ['https://[::1'],
    ['null'],
    [''],
  ])('refuses %j', (input) => {
    expect(normalizeAllowedOrigin(input)).toBeNull();
  });
});

describe('isOriginAllowed', () => {
  it('allows every origin, and none at all, when the list is empty', () => {
    expect(isOriginAllowed([], 'https://anything.example')).toBe(true);
    expect(isOriginAllowed([], undefined)).toBe(true);
    expect(isOriginAllowed([], 'null')).toBe(true);
  });

  const list = ['https://shop.example.com', 'http://localhost:5173', 'https://*.example.org'];
  it.each([
    // exact entries
    ['https://shop.example.com', true],
    ['https://SHOP.example.com', true],
    ['https://shop.example.com:443', true],
    ['https://shop.example.com/', true],
    ['http://shop.example.com', false],
    ['https://shop.example.com:8443', false],
    ['https://shop.example.com.evil.com', false],
    ['https://evil-shop.example.com', false],
    ['https://a.shop.example.com', false],
    ['https://example.com', false],
    ['http://localhost:5173', true],
    ['http://localhost', false],
    ['http://localhost:5174', false],
    ['https://localhost:5173', false],
    // wildcard entry
    ['https://a.example.org', true],
    ['https://a.b.example.org', true],
    ['https://A.Example.ORG', true],
    ['https://example.org', false],
    ['https://evilexample.org', false],
    ['https://a.evilexample.org', false],
    ['https://example.org.evil.com', false],
    ['https://a.example.org.evil.com', false],
    ['http://a.example.org', false],
    ['https://a.example.org:8443', false],
    ['https://.example.org', false],
    ['https://a..example.org', false],
    // not origins at all
    [undefined, false],
    ['null', false],
    ['', false],
    ['*', false],
    ['https://*.example.org', false],
    ['https://shop.example.com/path', false],
    ['https://user@shop.example.com', false],
    ['javascript:alert(1)', false],
    ['file://', false],
  ])('%s → %s', (origin, expected) => {
    expect(isOriginAllowed(list, origin)).toBe(expected);
  });

  it('honours the port of a wildcard entry', () => {
    expect(isOriginAllowed(['https://*.example.com:8443'], 'https://a.example.com:8443')).toBe(true);
    expect(isOriginAllowed(['https://*.example.com:8443'], 'https://a.example.com')).toBe(false);
  });

  it('matches internationalised hosts by their punycode, as browsers send them', () => {
    expect(isOriginAllowed(['https://bücher.example'], 'https://xn--bcher-kva.example')).toBe(true);
    expect(isOriginAllowed(['https://*.bücher.example'], 'https://shop.xn--bcher-kva.example')).toBe(true);
  });

  it('ignores malformed stored entries instead of widening them', () => {
    expect(isOriginAllowed(['*', 'https://*.com', 'not an origin'], 'https://evil.com')).toBe(false);
  });

  it('never lets a wildcard match the bare domain or a look-alike, for any subdomain label', () => {
    const label = fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,20}[a-z0-9])?$/);
    fc.assert(
      fc.property(label, label, (sub, lookalike) => {
        const allowed = ['https://*.example.com'];
        expect(isOriginAllowed(allowed, `https://${sub}.example.com`)).toBe(true);
        expect(isOriginAllowed(allowed, `https://${lookalike}example.com`)).toBe(false);
        expect(isOriginAllowed(allowed, `https://${sub}.example.com.${lookalike}.net`)).toBe(false);
      }),
    );
  });

  it('never allows an origin that differs from the only exact entry', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (origin) => {
        if (isOriginAllowed(['https://shop.example.com'], origin)) {
          expect(normalizeAllowedOrigin(origin)).toBe('https://shop.example.com');
        }
      }),
    );
  });
});

describe('originCandidates', () => {
  it.each([
    [
      'https://a.b.example.com',
      ['https://a.b.example.com', 'https://*.b.example.com', 'https://*.example.com', 'https://*.com'],
    ],
    ['https://Shop.Example.com:443', ['https://shop.example.com', 'https://*.example.com', 'https://*.com']],
    ['http://a.localhost:5173', ['http://a.localhost:5173', 'http://*.localhost:5173']],
    ['http://localhost:5173', ['http://localhost:5173']],
    ['http://127.0.0.1:8080', ['http://127.0.0.1:8080']],
    ['http://[::1]:3000', ['http://[::1]:3000']],
    ['null', []],
    ['https://*.example.com', []],
    ['https://a.com/path', []],
  ])('%s → %j', (origin, expected) => {
    expect(originCandidates(origin)).toEqual(expected);
  });

  it('are all canonical entries, so a stored list can be matched against them by equality', () => {
    fc.assert(
      fc.property(fc.webUrl({ withFragments: false, withQueryParameters: false }), (url) => {
        const origin = new URL(url).origin;
        for (const candidate of originCandidates(origin)) {
          // A bare-TLD pattern such as https://*.com is never stored, so it may be refused.
          expect([candidate, null]).toContain(normalizeAllowedOrigin(candidate));
        }
        expect(originCandidates(origin)[0]).toBe(normalizeAllowedOrigin(origin) ?? undefined);
      }),
    );
  });
});
