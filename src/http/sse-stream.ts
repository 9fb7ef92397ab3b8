/**
 * A `text/event-stream` response: event framing, a heartbeat comment so proxies keep the connection open,
 * and coalesced writes — events produced in the same tick (a provider often sends several in one TCP
 * read) leave in one syscall instead of one each, which profiling showed to be the gateway's main cost.
 */
import type { ServerResponse } from 'node:http';

export interface SseStream {
  send(event: string, data: unknown): void;
  /** Ends the response; safe to call twice. */
  close(): void;
}

export function openSseStream(
  response: ServerResponse,
  headers: Record<string, string>,
  options: { heartbeatMs: number },
): SseStream {
  response.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    'x-accel-buffering': 'no',
    connection: 'keep-alive',
    ...headers,
  });
  const uncork = () => response.uncork();
  const write = (frame: string) => {
    if (response.writableEnded) return;
    if (!response.writableCorked) {
      response.cork();
      process.nextTick(uncork);
    }
    response.write(frame);
  };
  const heartbeat = setInterval(() => write(': heartbeat\n\n'), options.heartbeatMs);
  return {
    send: (event, data) => write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`),
    close() {
      clearInterval(heartbeat);
      if (!response.writableEnded) response.end();
    },
  };
}
