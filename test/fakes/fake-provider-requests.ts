/**
 * Small HTTP and text helpers of the fake providers: reading a request, answering JSON, splitting a
 * reply into chunks, estimating tokens.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ErrorAnswer } from './fake-provider-formats.js';

const maxBodyBytes = 10 * 1024 * 1024;

/** Splits on word boundaries into at most `count` pieces that join back to `text`. */
export function splitReply(text: string, count: number): string[] {
  const words = text.match(/\S+\s*|\s+/g) ?? [];
  const pieces = Math.max(1, Math.min(Math.floor(count), words.length));
  const result: string[] = [];
  for (let index = 0; index < pieces; index++) {
    const from = Math.floor((index * words.length) / pieces);
    const to = Math.floor(((index + 1) * words.length) / pieces);
    result.push(words.slice(from, to).join(''));
  }
  return result.filter((piece) => piece.length > 0);
}

export function estimateTokens(characters: number): number {
  return Math.max(1, Math.ceil(characters / 4));
}

export function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((block: { type?: unknown; text?: unknown }) =>
      block?.type === 'text' && typeof block.text === 'string' ? block.text : '',
    )
    .join('');
}

export interface ChatBody {
  model: string;
  messages: { role?: unknown; content?: unknown }[];
  system?: unknown;
  stream?: unknown;
  stream_options?: { include_usage?: unknown } | null;
}

export function isChatBody(body: unknown): body is ChatBody {
  const candidate = body as ChatBody | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.model === 'string' &&
    Array.isArray(candidate.messages)
  );
}

export function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBodyBytes) request.destroy(new Error('body too large'));
      else chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

export function sendJson(response: ServerResponse, answer: ErrorAnswer): void {
  const payload = JSON.stringify(answer.body);
  response.writeHead(answer.status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(payload),
    ...answer.headers,
  });
  response.end(payload);
}

export function write(response: ServerResponse, chunk: string | Buffer): Promise<void> {
  return new Promise((resolve) => response.write(chunk, () => resolve()));
}
