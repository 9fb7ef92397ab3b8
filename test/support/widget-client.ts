/** A visitor's side of the widget API, for tests: starts conversations and reads streamed replies. */
import type { FastifyInstance } from 'fastify';

export interface SseEvent {
  event: string;
  data: Record<string, unknown>;
}

/** Parses a complete `text/event-stream` body into its events (comments such as heartbeats dropped). */
export function parseSse(body: string): SseEvent[] {
  return body
    .split('\n\n')
    .map((block) => block.split('\n').filter((line) => line && !line.startsWith(':')))
    .filter((lines) => lines.length > 0)
    .map((lines) => ({
      event: lines.find((line) => line.startsWith('event: '))?.slice(7) ?? 'message',
      data: JSON.parse(
        lines
          .filter((line) => line.startsWith('data: '))
          .map((line) => line.slice(6))
          .join('\n'),
      ) as Record<string, unknown>,
    }));
}

export interface Visitor {
  publicId: string;
  conversationId: string;
  visitorToken: string;
  headers: Record<string, string>;
}

export async function startVisitor(
  app: FastifyInstance,
  publicId: string,
  origin?: string,
): Promise<Visitor> {
  const headers: Record<string, string> = origin ? { origin } : {};
  const response = await app.inject({
    method: 'POST',
    url: `/api/widget/${publicId}/conversations`,
    headers,
  });
  if (response.statusCode !== 201)
    throw new Error(`conversation not started: ${response.statusCode} ${response.body}`);
  return { publicId, ...(response.json() as { conversationId: string; visitorToken: string }), headers };
}

export async function sendVisitorMessage(app: FastifyInstance, visitor: Visitor, content: string) {
  const response = await app.inject({
    method: 'POST',
    url: `/api/widget/${visitor.publicId}/conversations/${visitor.conversationId}/messages`,
    headers: {
      ...visitor.headers,
      authorization: `Bearer ${visitor.visitorToken}`,
      'content-type': 'application/json',
    },
    payload: JSON.stringify({ content }),
  });
  const events = String(response.headers['content-type'] ?? '').startsWith('text/event-stream')
    ? parseSse(response.body)
    : [];
  const text = events
    .filter((event) => event.event === 'delta')
    .map((event) => event.data.text)
    .join('');
  return { response, events, text, final: events.at(-1) };
}
