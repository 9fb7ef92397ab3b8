/**
 * Fetches a URL for a knowledge source without letting it reach inside BestAI's network (SSRF): only
 * http and https; the host is resolved once and every resolved address must be public, and the socket
 * connects to exactly the address that was checked (the check runs in the connection's own DNS lookup,
 * so a name cannot resolve differently between check and connect); redirects are followed by hand, at
 * most five, each hop checked the same way; the body is capped in bytes (after decompression) and the
 * whole fetch in time. The address policy is `isPublicAddress` unless the server allows private
 * addresses (`KNOWLEDGE_ALLOW_PRIVATE_URLS=1`, for tests and intranets).
 */
import dns, { type LookupAddress } from 'node:dns';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import zlib from 'node:zlib';
import { SourceError } from '../extraction/document-blocks.js';

export interface SafeFetchOptions {
  /** Which resolved addresses may be reached; see `addressPolicy`. */
  isAllowedAddress: (address: string) => boolean;
  maxBytes: number;
  timeoutMs: number;
  maxRedirects?: number;
  /** The DNS lookup; Node's resolver by default. */
  lookup?: typeof dns.lookup;
  signal?: AbortSignal;
}

export interface FetchedResource {
  /** The URL after redirects. */
  url: string;
  status: number;
  contentType: string | undefined;
  body: Buffer;
}

export const USER_AGENT = 'BestAIBot/1.0 (+knowledge sources)';
const redirectStatuses = new Set([301, 302, 303, 307, 308]);

/** Fetches with GET; resolves for any status (the caller decides what a 404 means). */
export async function fetchSafely(address: string, options: SafeFetchOptions): Promise<FetchedResource> {
  const signal = AbortSignal.any([
    AbortSignal.timeout(options.timeoutMs),
    ...(options.signal ? [options.signal] : []),
  ]);
  let url = parseHttpUrl(address);
  for (let redirects = 0; ; redirects += 1) {
    const response = await openResponse(url, options, signal);
    const location = response.headers.location;
    if (!redirectStatuses.has(response.statusCode ?? 0) || !location) {
      return {
        url: url.href,
        status: response.statusCode ?? 0,
        contentType: response.headers['content-type'],
        body: await readCappedBody(response, options.maxBytes, url),
      };
    }
    response.resume();
    if (redirects >= (options.maxRedirects ?? 5)) {
      throw new SourceError(`${address} redirects more than ${options.maxRedirects ?? 5} times.`);
    }
    url = parseHttpUrl(new URL(location, url).href);
  }
}

function parseHttpUrl(address: string): URL {
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    throw new SourceError(`${address} is not a URL.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new SourceError(`${url.href} is not an http or https address.`);
  }
  if (url.username || url.password) throw new SourceError(`${url.origin} must not carry a user name.`);
  return url;
}

function refusal(url: URL): SourceError {
  return new SourceError(
    `${url.hostname} is a private or local network address, which BestAI does not fetch.`,
  );
}

/** A lookup that answers only with addresses the policy allows: the socket can reach nothing else. */
function guardedLookup(url: URL, options: SafeFetchOptions): LookupFunction {
  const lookup = options.lookup ?? dns.lookup;
  return (hostname, lookupOptions, callback) => {
    lookup(hostname, { ...lookupOptions, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      const list = addresses as unknown as LookupAddress[];
      if (list.length === 0) return callback(new SourceError(`${hostname} has no address.`), '', 0);
      if (list.some(({ address }) => !options.isAllowedAddress(address))) {
        return callback(refusal(url), '', 0);
      }
      if (lookupOptions.all) return (callback as (e: null, a: LookupAddress[]) => void)(null, list);
      callback(null, list[0]!.address, list[0]!.family);
    });
  };
}

function openResponse(url: URL, options: SafeFetchOptions, signal: AbortSignal): Promise<IncomingMessage> {
  const literal = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(literal) && !options.isAllowedAddress(literal)) {
    return Promise.reject(refusal(url));
  }
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.get(url, {
      lookup: guardedLookup(url, options),
      // A fresh connection per request: a pooled socket could have been opened for another address.
      agent: false,
      signal,
      headers: { 'user-agent': USER_AGENT, accept: '*/*', 'accept-encoding': 'gzip, deflate, br' },
    });
    request.once('response', resolve);
    request.once('error', (error) => reject(describeFailure(error, url, signal)));
  });
}

function describeFailure(error: Error, url: URL, signal: AbortSignal): Error {
  if (error instanceof SourceError) return error;
  if (signal.aborted) return new SourceError(`${url.origin} did not answer in time.`, { cause: error });
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOTFOUND') return new SourceError(`${url.hostname} was not found.`, { cause: error });
  return new SourceError(`${url.origin} could not be reached.`, { cause: error });
}

async function readCappedBody(response: IncomingMessage, maxBytes: number, url: URL): Promise<Buffer> {
  const declared = Number(response.headers['content-length']);
  const tooLarge = () =>
    new SourceError(`${url.href} is larger than ${Math.round(maxBytes / 1_000_000)} MB.`);
  if (Number.isFinite(declared) && declared > maxBytes) {
    response.destroy();
    throw tooLarge();
  }
  const encoding = String(response.headers['content-encoding'] ?? '').toLowerCase();
  const decoder =
    encoding === 'gzip'
      ? zlib.createGunzip()
      : encoding === 'deflate'
        ? zlib.createInflate()
        : encoding === 'br'
          ? zlib.createBrotliDecompress()
          : undefined;
  const stream = decoder ? response.pipe(decoder) : response;
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      total += chunk.length;
      // Counted after decompression, so a small compressed body cannot expand past the cap.
      if (total > maxBytes) throw tooLarge();
      chunks.push(chunk);
    }
  } catch (error) {
    response.destroy();
    throw error instanceof SourceError
      ? error
      : new SourceError(`${url.href} could not be read.`, { cause: error });
  }
  return Buffer.concat(chunks);
}
