/**
 * A small `text/event-stream` reader for `fetch` responses (EventSource cannot POST).
 * Follows the WHATWG parsing rules: CR, LF or CRLF line ends, `:` comment lines (heartbeats),
 * multi-line `data:` joined with "\n", one optional space after the colon, and an event
 * dispatched only at a blank line.
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation
 */

export interface SseEvent {
  event: string;
  data: string;
  id?: string;
}

export interface SseParser {
  /** Feeds decoded text; complete events are handed to the callback synchronously. */
  feed(chunk: string): void;
  /** Ends the stream: a last event without its blank line is dropped, as the spec says. */
  end(): void;
}

/** Creates a push parser that calls `onEvent` for each complete event. */
export function createSseParser(onEvent: (event: SseEvent) => void): SseParser {
  let buffer = '';
  let isFirstChunk = true;
  let eventType = '';
  let data = '';
  let hasData = false;
  let lastId: string | undefined;

  function dispatch(): void {
    if (hasData) {
      const event: SseEvent = { event: eventType || 'message', data: data.slice(0, -1) };
      if (lastId !== undefined) event.id = lastId;
      onEvent(event);
    }
    eventType = '';
    data = '';
    hasData = false;
  }

  function processLine(line: string): void {
    if (line === '') return dispatch();
    if (line.charCodeAt(0) === 58 /* : */) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32 /* space */) value = value.slice(1);
    if (field === 'event') eventType = value;
    else if (field === 'data') {
      data += value + '\n';
      hasData = true;
    } else if (field === 'id' && value.indexOf('\0') === -1) lastId = value;
  }

  return {
    feed(chunk) {
      if (isFirstChunk && chunk) {
        isFirstChunk = false;
        if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
      }
      buffer += chunk;
      let lineStart = 0;
      let index = 0;
      while (index < buffer.length) {
        const code = buffer.charCodeAt(index);
        if (code !== 10 && code !== 13) {
          index++;
          continue;
        }
        // A CR at the very end may be the first half of a CRLF split across chunks.
        if (code === 13 && index === buffer.length - 1) break;
        processLine(buffer.slice(lineStart, index));
        index += code === 13 && buffer.charCodeAt(index + 1) === 10 ? 2 : 1;
        lineStart = index;
      }
      buffer = buffer.slice(lineStart);
    },
    end() {
      if (buffer.endsWith('\r')) processLine(buffer.slice(0, -1));
      buffer = '';
    },
  };
}

/** Reads a response body to its end, decoding UTF-8 across chunk boundaries. */
export async function readEventStream(
  body: ReadableStream<Uint8Array>,
  onEvent: (event: SseEvent) => void,
): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const parser = createSseParser(onEvent);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parser.feed(decoder.decode(value, { stream: true }));
    }
    parser.feed(decoder.decode());
    parser.end();
  } finally {
    reader.releaseLock();
  }
}
