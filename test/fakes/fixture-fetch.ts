/**
 * A stub `fetch` that answers with a recorded-style SSE fixture (`src/llm/providers/__fixtures__`),
 * cut into small byte slices so adapters meet split lines and split UTF-8 characters, as on a real
 * socket. It records what was sent and whether the body was cancelled.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface RecordedCall {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: unknown;
}

export interface FixtureFetch {
  fetch: typeof fetch;
  calls: RecordedCall[];
  /** True once the adapter cancelled the response body or aborted the request. */
  readonly isCancelled: boolean;
}

const fixturesFolder = new URL('../../src/llm/providers/__fixtures__/', import.meta.url);

export function readFixture(name: string): string {
  return readFileSync(fileURLToPath(new URL(name, fixturesFolder)), 'utf8');
}

export interface FixtureFetchOptions {
  sliceBytes?: number;
  status?: number;
  headers?: Record<string, string>;
  /** Never send the body (for first-token deadlines): the stream stays open until cancelled. */
  isSilent?: boolean;
}

/** Answers every call with `text` (an SSE fixture, or an error body with `status`). */
export function fixtureFetch(text: string, options: FixtureFetchOptions = {}): FixtureFetch {
  const calls: RecordedCall[] = [];
  let isCancelled = false;
  const bytes = new TextEncoder().encode(text);
  const sliceBytes = options.sliceBytes ?? 7;
  const stub = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const headers = Object.fromEntries(new Headers(init?.headers).entries());
    const rawBody = typeof init?.body === 'string' ? init.body : undefined;
    calls.push({
      url: String(input),
      method: init?.method ?? 'GET',
      headers,
      body: rawBody === undefined ? undefined : (JSON.parse(rawBody) as unknown),
    });
    const signal = init?.signal ?? undefined;
    signal?.throwIfAborted();
    let offset = 0;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        signal?.addEventListener('abort', () => {
          isCancelled = true;
          controller.error(signal.reason);
        });
      },
      pull(controller) {
        if (options.isSilent) return new Promise<void>(() => undefined);
        if (offset >= bytes.length) {
          controller.close();
          return;
        }
        controller.enqueue(bytes.slice(offset, offset + sliceBytes));
        offset += sliceBytes;
      },
      cancel() {
        isCancelled = true;
      },
    });
    return new Response(body, {
      status: options.status ?? 200,
      headers: {
        'content-type': options.status ? 'application/json' : 'text/event-stream',
        ...options.headers,
      },
    });
  };
  return {
    fetch: stub as typeof fetch,
    calls,
    get isCancelled() {
      return isCancelled;
    },
  };
}
