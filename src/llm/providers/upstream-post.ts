/**
 * The one POST a streamed reply makes to a provider, behind a small interface so `EventStream` reads the
 * same way from either transport:
 *
 * - `postWithNodeHttp`, the default: `node:http`/`node:https` on keep-alive agents. The profile of the chat
 *   path put `fetch` (undici, WHATWG streams, the request-body tee) at ~18 % of the gateway's CPU; plain
 *   `http.request` with a UTF-8 body stream costs about a third of that per reply and per chunk.
 * - `postWithFetch`, when a caller passes its own `fetch` (unit tests answer with recorded fixtures).
 */
import http from 'node:http';
import https from 'node:https';

export interface UpstreamResponse {
  readonly status: number;
  /** Built only when asked (the failure path), so a good reply never allocates a `Headers`. */
  headers(): Headers;
  /** The whole body as text (error bodies). */
  text(): Promise<string>;
  /** The body as decoded text pieces, in order; rejects when the connection breaks mid-body. */
  chunks(): AsyncIterable<string>;
}

export interface UpstreamPostRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  signal: AbortSignal;
}

export type UpstreamPost = (request: UpstreamPostRequest) => Promise<UpstreamResponse>;

// One pool per scheme for the whole process: connections to a provider are reused across messages and
// workspaces (a key is a header, not part of the connection). LIFO keeps the warmest sockets busy.
const agents = {
  http: new http.Agent({ keepAlive: true, scheduling: 'lifo' }),
  https: new https.Agent({ keepAlive: true, scheduling: 'lifo' }),
};

export const postWithNodeHttp: UpstreamPost = ({ url, headers, body, signal }) =>
  new Promise((resolve, reject) => {
    const isHttps = url.startsWith('https:');
    const request = (isHttps ? https : http).request(
      url,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': Buffer.byteLength(body) },
        agent: isHttps ? agents.https : agents.http,
      },
      (response) => {
        response.setEncoding('utf8');
        resolve(nodeResponse(response));
      },
    );
    // Not http.request's `signal` option: that destroys the socket with an error even after the reply
    // has ended and the socket went back to the pool, where nobody listens for it. `destroy()` is a no-op
    // on a finished request, and on an unfinished one ends the upstream call (the body stream then fails).
    const abort = (): void => {
      request.destroy();
      reject(signal.reason);
    };
    signal.addEventListener('abort', abort, { once: true });
    request.once('close', () => signal.removeEventListener('abort', abort));
    // Before the response this rejects; after it, the body stream reports the failure itself.
    request.on('error', reject);
    request.end(body);
  });

function nodeResponse(response: http.IncomingMessage): UpstreamResponse {
  // While the body is read, its iterator reports errors; once the reader has stopped, the only error left is
  // the "aborted" of our own abort, which must not become an uncaught exception.
  response.on('error', ignore);
  return {
    status: response.statusCode ?? 0,
    headers: () => toHeaders(response.headers),
    text: async () => {
      let text = '';
      for await (const piece of response) text += piece as string;
      return text;
    },
    chunks: () => response as AsyncIterable<string>,
  };
}

function ignore(): void {}

function toHeaders(incoming: http.IncomingHttpHeaders): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(incoming)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
  }
  return headers;
}

export function postWithFetch(fetchImpl: typeof fetch): UpstreamPost {
  return async ({ url, headers, body, signal }) => {
    const response = await fetchImpl(url, { method: 'POST', headers, body, signal });
    return {
      status: response.status,
      headers: () => response.headers,
      text: () => response.text(),
      chunks: () => decodeBody(response.body),
    };
  };
}

async function* decodeBody(body: ReadableStream<Uint8Array> | null): AsyncGenerator<string, void, undefined> {
  if (!body) return;
  const reader = body.getReader();
  const decoder = new TextDecoder();
  for (;;) {
    const chunk = await reader.read();
    if (chunk.done) break;
    yield decoder.decode(chunk.value, { stream: true });
  }
  const tail = decoder.decode();
  if (tail) yield tail;
}
