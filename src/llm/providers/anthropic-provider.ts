/**
 * The Anthropic Messages API, streamed: `POST {root}/messages` with `stream: true`.
 *
 * Events: `message_start` (usage.input_tokens), `content_block_start`, `ping`, `content_block_delta`
 * (`text_delta`), `content_block_stop`, `message_delta` (stop_reason, usage.output_tokens),
 * `message_stop`, and `error` at any point.
 * @see https://docs.anthropic.com/en/docs/build-with-claude/streaming
 * @see https://docs.anthropic.com/en/api/messages
 */
import { z } from 'zod';
import { anthropicHttpError, anthropicStreamError } from './anthropic-error.js';
import { anthropicSystem } from './anthropic-prompt-cache.js';
import { ProviderError, transportMessages } from './provider-error.js';
import {
  listModelsWithKey,
  EventStream,
  resolveTimeouts,
  trimBaseURL,
  upstreamPostFor,
  type EventSourceMessage,
  type FailedResponse,
} from './provider-http.js';
import type { ChatRequest, LlmProvider, ProviderOptions, StreamEvent, TokenUsage } from './provider-types.js';

export const anthropicVersion = '2023-06-01';
export const defaultAnthropicMaxTokens = 1024;

const usageSchema = z.object({
  input_tokens: z.number().int().nonnegative().nullish(),
  cache_creation_input_tokens: z.number().int().nonnegative().nullish(),
  cache_read_input_tokens: z.number().int().nonnegative().nullish(),
  output_tokens: z.number().int().nonnegative().nullish(),
});
const messageStartSchema = z.object({ message: z.object({ usage: usageSchema.optional() }) });
const messageDeltaSchema = z.object({
  delta: z.object({ stop_reason: z.string().nullish() }).optional(),
  usage: usageSchema.optional(),
});

type AnthropicUsage = z.infer<typeof usageSchema>;

/** Only the fields read on the hot path; deltas are not validated beyond this shape. */
interface ContentBlockDelta {
  delta?: { type?: string; text?: string };
}

/**
 * Anthropic's `input_tokens` are the uncached ones only; BestAI's input count includes the tokens written
 * to (`cache_creation_input_tokens`) and read from (`cache_read_input_tokens`) the prompt cache, as the
 * OpenAI family reports it. A later event's counts replace an earlier one's.
 * @see https://docs.anthropic.com/en/docs/build-with-claude/prompt-caching#tracking-cache-performance
 */
function readUsage(reported: AnthropicUsage, usage: TokenUsage): void {
  if (reported.input_tokens != null) {
    usage.cacheReadTokens = reported.cache_read_input_tokens ?? 0;
    usage.cacheWriteTokens = reported.cache_creation_input_tokens ?? 0;
    usage.inputTokens = reported.input_tokens + usage.cacheReadTokens + usage.cacheWriteTokens;
  }
  if (reported.output_tokens != null) usage.outputTokens = reported.output_tokens;
}

function unreadable(): ProviderError {
  return new ProviderError({ provider: 'anthropic', code: 'unknown', message: transportMessages.unreadable });
}

function parseData(message: EventSourceMessage): unknown {
  try {
    return JSON.parse(message.data) as unknown;
  } catch {
    throw unreadable();
  }
}

export function createAnthropicProvider(options: ProviderOptions): LlmProvider {
  const root = trimBaseURL(options.baseURL);
  const timeouts = resolveTimeouts(options.timeouts);
  const { apiKey } = options;
  const headers = {
    'x-api-key': apiKey,
    'anthropic-version': anthropicVersion,
    'content-type': 'application/json',
    accept: 'text/event-stream',
  };
  const toError = (response: FailedResponse): ProviderError => anthropicHttpError(response, apiKey);
  const post = upstreamPostFor(options.fetch);

  async function* streamChat(request: ChatRequest): AsyncGenerator<StreamEvent, void, undefined> {
    const body = JSON.stringify({
      model: request.model,
      ...(request.system ? { system: anthropicSystem(request.model, request.system) } : {}),
      messages: request.messages.map(({ role, content }) => ({ role, content })),
      max_tokens: request.maxTokens ?? defaultAnthropicMaxTokens,
      stream: true,
    });
    const stream = new EventStream({
      provider: 'anthropic',
      post,
      url: `${root}/messages`,
      headers,
      body,
      signal: request.signal,
      timeouts,
      deadlines: request.deadlines,
      toError,
    });
    const usage: TokenUsage = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 };
    let finishReason: string | null = null;
    let hasText = false;
    let isFinished = false;
    try {
      for await (const message of stream) {
        if (isFinished) continue; // drain to the end of the body so the connection can be reused
        const name = message.event ?? (parseData(message) as { type?: string }).type;
        if (name === 'content_block_delta') {
          const delta = (parseData(message) as ContentBlockDelta).delta;
          if (delta?.type !== 'text_delta' || !delta.text) continue;
          if (!hasText) {
            hasText = true;
            stream.sawText();
          }
          yield { type: 'text', text: delta.text };
        } else if (name === 'message_start') {
          const reported = messageStartSchema.safeParse(parseData(message)).data?.message.usage;
          if (reported) readUsage(reported, usage);
        } else if (name === 'message_delta') {
          const parsed = messageDeltaSchema.safeParse(parseData(message)).data;
          finishReason = parsed?.delta?.stop_reason ?? finishReason;
          if (parsed?.usage) readUsage(parsed.usage, usage);
        } else if (name === 'message_stop') {
          isFinished = true;
          yield { type: 'finish', finishReason, usage };
        } else if (name === 'error') {
          throw anthropicStreamError(message.data, apiKey);
        }
        // ping, content_block_start, content_block_stop and future event types carry nothing we need.
      }
    } catch (error) {
      if (isFinished) return; // the reply was complete; a failure while draining does not matter
      throw error;
    }
    if (!isFinished) {
      throw new ProviderError({
        provider: 'anthropic',
        code: 'provider_unavailable',
        message: transportMessages.dropped,
      });
    }
  }

  return {
    id: 'anthropic',
    streamChat,
    listModels: (checkOptions) =>
      listModelsWithKey({
        provider: 'anthropic',
        fetch: options.fetch ?? globalThis.fetch,
        // One page holds up to 1,000 models (the default is 20).
        // @see https://docs.anthropic.com/en/api/models-list
        url: `${root}/models?limit=1000`,
        headers: { 'x-api-key': apiKey, 'anthropic-version': anthropicVersion },
        timeoutMs: timeouts.keyCheckMs,
        signal: checkOptions?.signal,
        toError,
      }),
  };
}
