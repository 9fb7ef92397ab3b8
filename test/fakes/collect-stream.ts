/** Reads a provider stream to its end and keeps what arrived before any failure. */
import type { StreamEvent } from '../../src/llm/providers/provider-types.js';

export interface CollectedStream {
  texts: string[];
  text: string;
  finish: Extract<StreamEvent, { type: 'finish' }> | undefined;
  error: unknown;
}

export async function collectStream(stream: AsyncIterable<StreamEvent>): Promise<CollectedStream> {
  const texts: string[] = [];
  let finish: CollectedStream['finish'];
  let error: unknown;
  try {
    for await (const event of stream) {
      if (event.type === 'text') texts.push(event.text);
      else finish = event;
    }
  } catch (caught) {
    error = caught;
  }
  return { texts, text: texts.join(''), finish, error };
}
