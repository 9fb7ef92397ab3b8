/**
 * `{url}/__control/*`: the fake's controls over HTTP, for processes that cannot hold the
 * `FakeProviders` object (benchmarks, multi-process tests).
 *
 * POST reply {text?, chunks?, chunkDelayMs?, echo?} · POST reject-key {key} · POST out-of-credit
 * {provider, key?} · POST fail-next {provider, status, body?, endpoint?} · POST drop-next {provider,
 * afterChunks} · POST reset · GET requests → {requests: [...]}
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ProviderId } from '../../src/llm/providers/provider-types.js';
import type { FakeEndpoint, FakeProviders } from './fake-provider-server.js';

const providers = new Set<string>(['anthropic', 'openai', 'groq', 'deepseek']);

function answer(response: ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(payload),
  });
  response.end(payload);
}

function providerOf(body: Record<string, unknown>): ProviderId {
  const provider = body.provider;
  if (typeof provider !== 'string' || !providers.has(provider))
    throw new Error('provider must be one of anthropic, openai, groq, deepseek');
  return provider as ProviderId;
}

function numberOf(body: Record<string, unknown>, field: string): number {
  const value = body[field];
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error(`${field} must be a number`);
  return value;
}

export async function handleControlRequest(
  fake: FakeProviders,
  request: IncomingMessage,
  response: ServerResponse,
  path: string,
  readBody: (request: IncomingMessage) => Promise<string>,
): Promise<void> {
  const action = path.slice('/__control/'.length);
  if (request.method === 'GET' && action === 'requests')
    return answer(response, 200, { requests: fake.requests });
  if (request.method !== 'POST') return answer(response, 405, { error: { message: 'Use POST.' } });
  const text = await readBody(request);
  let body: Record<string, unknown>;
  try {
    body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    return answer(response, 400, { error: { message: 'The body is not JSON.' } });
  }
  try {
    switch (action) {
      case 'reply':
        fake.setReply({
          ...(typeof body.text === 'string' ? { text: body.text } : {}),
          ...(typeof body.chunks === 'number' ? { chunks: body.chunks } : {}),
          ...(typeof body.chunkDelayMs === 'number' ? { chunkDelayMs: body.chunkDelayMs } : {}),
          ...(typeof body.echo === 'boolean' ? { echo: body.echo } : {}),
        });
        break;
      case 'reject-key':
        if (typeof body.key !== 'string') throw new Error('key must be a string');
        fake.rejectKey(body.key);
        break;
      case 'out-of-credit':
        fake.setOutOfCredit(providerOf(body), typeof body.key === 'string' ? body.key : undefined);
        break;
      case 'fail-next':
        fake.failNext(providerOf(body), {
          status: numberOf(body, 'status'),
          ...(body.body === undefined ? {} : { body: body.body }),
          ...(body.endpoint === 'chat' || body.endpoint === 'models'
            ? { endpoint: body.endpoint as FakeEndpoint }
            : {}),
        });
        break;
      case 'drop-next':
        fake.dropNext(providerOf(body), { afterChunks: numberOf(body, 'afterChunks') });
        break;
      case 'reset':
        fake.reset();
        break;
      default:
        return answer(response, 404, { error: { message: `Unknown control ${action}.` } });
    }
  } catch (error) {
    return answer(response, 400, { error: { message: (error as Error).message } });
  }
  answer(response, 200, { ok: true });
}
