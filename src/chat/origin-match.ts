/**
 * Which web pages may embed a chatbot: each chatbot keeps a list of allowed origins, exact
 * (`https://shop.example.com`, `http://localhost:5173`) or a wildcard subdomain pattern
 * (`https://*.example.com`). Pure functions; the admin API normalises entries with
 * `normalizeAllowedOrigin`, the widget gateway checks a request's `Origin` header with `isOriginAllowed`.
 * @see https://html.spec.whatwg.org/multipage/browsers.html#ascii-serialisation-of-an-origin
 */
import { domainToASCII } from 'node:url';
import { getPublicSuffix } from 'tldts';

export const MAX_ALLOWED_ORIGINS = 50;
/** Longer than any real origin (a host is at most 253 characters). */
export const MAX_ALLOWED_ORIGIN_LENGTH = 300;

interface ParsedOrigin {
  scheme: 'http' | 'https';
  /** Lower-case ASCII (punycode) host; for a wildcard pattern, the domain after `*.`. */
  host: string;
  /** Empty for the scheme's default port. */
  port: string;
  isWildcard: boolean;
}

const defaultPorts = { http: '80', https: '443' } as const;

/** scheme://[*.]host[:port][/] and nothing else: no user info, path, query, fragment or whitespace. */
const originShape = /^(https?):\/\/(\*\.)?([^/:?#@\s\\[\]*%]+|\[[0-9a-f:.]+\])(?::(\d{1,5}))?\/?$/i;
const dnsLabel = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
const ipv4Like = /^[0-9.]+$/;

function isDnsName(host: string): boolean {
  return host.length <= 253 && host.split('.').every((label) => dnsLabel.test(label));
}

/** The host as a browser serialises it in `Origin` (lower-case, punycode, canonical IP), or null. */
function canonicalHost(scheme: string, host: string): string | null {
  if (host.startsWith('[') || ipv4Like.test(host)) {
    try {
      return new URL(`${scheme}://${host}`).hostname;
    } catch {
      return null;
    }
  }
  const ascii = domainToASCII(host.toLowerCase());
  return ascii && isDnsName(ascii) ? ascii : null;
}

function parseOrigin(value: string, { allowWildcard }: { allowWildcard: boolean }): ParsedOrigin | null {
  if (value.length > MAX_ALLOWED_ORIGIN_LENGTH) return null;
  const match = originShape.exec(value);
  if (!match) return null;
  const scheme = match[1]!.toLowerCase() as ParsedOrigin['scheme'];
  const isWildcard = match[2] !== undefined;
  const rawPort = match[4];
  if (isWildcard && !allowWildcard) return null;
  if (rawPort !== undefined && (Number(rawPort) < 1 || Number(rawPort) > 65_535)) return null;
  const host = canonicalHost(scheme, match[3]!);
  if (!host) return null;
  if (isWildcard) {
    // A pattern covers the subdomains of one registrable domain: never an IP address, never a public
    // suffix — a TLD (`*.com`), a registry's suffix (`*.co.uk`) or a hosting suffix where every subdomain
    // belongs to someone else (`*.github.io`) — by the Public Suffix List, ICANN and private sections.
    if (!isDnsName(host) || ipv4Like.test(host)) return null;
    if (!host.includes('.') && host !== 'localhost') return null;
    if (host !== 'localhost' && getPublicSuffix(host, { allowPrivateDomains: true }) === host) return null;
  }
  const port = rawPort === undefined ? '' : String(Number(rawPort));
  return { scheme, host, port: port === defaultPorts[scheme] ? '' : port, isWildcard };
}

function serializeOrigin(origin: ParsedOrigin): string {
  return `${origin.scheme}://${origin.isWildcard ? '*.' : ''}${origin.host}${origin.port ? `:${origin.port}` : ''}`;
}

/**
 * The canonical form of an allowed-origin entry (lower-case host, punycode, no default port, no
 * trailing slash), or null when it is neither an exact origin nor an `https://*.domain` pattern.
 */
export function normalizeAllowedOrigin(value: string): string | null {
  const parsed = parseOrigin(value.trim(), { allowWildcard: true });
  return parsed ? serializeOrigin(parsed) : null;
}

/**
 * True when a request's `Origin` may use the chatbot. An empty list allows every origin (and a request
 * without one). Otherwise the origin must equal an entry, or be a subdomain — at any depth — of a
 * wildcard entry's domain, with the same scheme and port: `https://*.example.com` allows
 * `https://a.example.com` and `https://a.b.example.com`, not `https://example.com`,
 * `https://evilexample.com`, `http://a.example.com` or `https://a.example.com:8443`.
 * A missing, `null` or malformed origin is refused when the list is not empty.
 */
export function isOriginAllowed(allowedOrigins: readonly string[], origin: string | undefined): boolean {
  if (allowedOrigins.length === 0) return true;
  if (origin === undefined) return false;
  const admitting = new Set(originCandidates(origin));
  return allowedOrigins.some((entry) => {
    const canonical = normalizeAllowedOrigin(entry);
    return canonical !== null && admitting.has(canonical);
  });
}

/**
 * The allowed-origin entries, in canonical form, that admit a request's `Origin`: the origin itself and a
 * wildcard pattern for each of its parent domains (`https://a.b.example.com` → itself,
 * `https://*.b.example.com`, `https://*.example.com`, `https://*.com`). A chatbot's stored list (always
 * canonical, from `normalizeAllowedOrigin`) admits the origin exactly when the two share an entry, so the
 * database can decide it in the same statement that stores the message. Empty for a malformed origin.
 */
export function originCandidates(origin: string): string[] {
  const requested = parseOrigin(origin, { allowWildcard: false });
  if (!requested) return [];
  const candidates = [serializeOrigin(requested)];
  // An IP address has no parent domains; a pattern never covers one.
  if (ipv4Like.test(requested.host) || requested.host.startsWith('[')) return candidates;
  const labels = requested.host.split('.');
  for (let index = 1; index < labels.length; index++) {
    candidates.push(serializeOrigin({ ...requested, host: labels.slice(index).join('.'), isWildcard: true }));
  }
  return candidates;
}
