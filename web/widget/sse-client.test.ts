import { describe, expect, test } from 'vitest';
import { createSseParser, readEventStream, type SseEvent } from './sse-client.js';

function parseChunks(chunks: string[]): SseEvent[] {
  const events: SseEvent[] = [];
  const parser = createSseParser((event) => events.push(event));
  for (const chunk of chunks) parser.feed(chunk);
  parser.end();
  return events;
}

const STREAM =
  ': connected\n\nevent: delta\ndata: {"text":"Hel"}\n\nevent: delta\ndata: {"text":"lo"}\n\n' +
  'event: done\ndata: {"messageId":"m1"}\n\n';
const EXPECTED: SseEvent[] = [
  { event: 'delta', data: '{"text":"Hel"}' },
  { event: 'delta', data: '{"text":"lo"}' },
  { event: 'done', data: '{"messageId":"m1"}' },
];

describe('sse client', () => {
  test('parses delta and done events', () => {
    expect(parseChunks([STREAM])).toEqual(EXPECTED);
  });

  test('gives the same events whatever the chunk boundaries', () => {
    for (let size = 1; size <= 7; size++) {
      const chunks = STREAM.match(new RegExp(`[\\s\\S]{1,${size}}`, 'g')) ?? [];
      expect(parseChunks(chunks)).toEqual(EXPECTED);
    }
  });

  test('CRLF and CR line ends, including a CRLF split across chunks', () => {
    expect(parseChunks(['event: delta\r\ndata: a\r', '\n\r', '\ndata: b\r\rdata: c\n\n'])).toEqual([
      { event: 'delta', data: 'a' },
      { event: 'message', data: 'b' },
      { event: 'message', data: 'c' },
    ]);
  });

  test('multi-line data is joined with newlines; one leading space is removed', () => {
    expect(parseChunks(['data: line one\ndata:line two\ndata:  indented\n\n'])).toEqual([
      { event: 'message', data: 'line one\nline two\n indented' },
    ]);
  });

  test('comments and heartbeats are ignored, empty events are not dispatched', () => {
    expect(parseChunks([': ping\n\n:\n\nevent: delta\n\n', 'retry: 100\nid: 7\ndata: x\n\n'])).toEqual([
      { event: 'message', data: 'x', id: '7' },
    ]);
  });

  test('an event without its closing blank line is dropped at the end', () => {
    expect(parseChunks(['data: complete\n\ndata: cut off'])).toEqual([
      { event: 'message', data: 'complete' },
    ]);
  });

  test('a byte order mark at the start is ignored', () => {
    expect(parseChunks(['\uFEFFdata: x\n\n'])).toEqual([{ event: 'message', data: 'x' }]);
  });

  test('readEventStream decodes UTF-8 split inside a character', async () => {
    const bytes = new TextEncoder().encode('event: delta\ndata: {"text":"héllo 👋"}\n\n');
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const byte of bytes) controller.enqueue(new Uint8Array([byte]));
        controller.close();
      },
    });
    const events: SseEvent[] = [];
    await readEventStream(body, (event) => events.push(event));
    expect(events).toEqual([{ event: 'delta', data: '{"text":"héllo 👋"}' }]);
  });
});
