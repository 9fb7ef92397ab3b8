/**
 * One adapter for the OpenAI Chat Completions family: `POST {root}/chat/completions` with
 * `stream: true`. OpenAI, Groq and DeepSeek are configs of it (see `*-config.ts`), not copies.
 *
 * Each `data:` line is a `chat.completion.chunk`; text is in `choices[0].delta.content`, the stop
 * reason in `choices[0].finish_reason`, the usage in a last chunk (OpenAI, DeepSeek: `usage` when
 * `stream_options.include_usage` is set; Groq: `x_groq.usage`), then `data: [DONE]`.
 * @see https://platform.openai.com/docs/api-reference/chat/create
 * @see https://platform.openai.com/docs/api-reference/chat/streaming
 */
import { z } from 'zod';
import {
  openAICompatibleHttpError,
  openAICompatibleStreamError,
  type ErrorQuirk,
  type OpenAICompatibleErrorContext,
} from './openai-compatible-error.js';
import { ProviderError, transportMessages } from './provider-error.js';
import {
  listModelsWithKey,
  EventStream,
  resolveTimeouts,
  trimBaseURL,
  upstreamPostFor,
  type FailedResponse,
} from './provider-http.js';
import type {
  ChatRequest,
  LlmProvider,
  ProviderId,
  ProviderOptions,
  StreamEvent,
  TokenUsage,
} from './provider-types.js';

/** Only the fields read on the hot path; chunks are not validated beyond this shape. */
export interface OpenAICompatibleChunk {
  choices?: { delta?: { content?: string | null } | null; finish_reason?: string | null }[] | null;
  usage?: unknown;
  x_groq?: { usage?: unknown } | null;
  error?: unknown;
}

export interface OpenAICompatibleConfig {
  id: ProviderId;
  /** Send `stream_options: { include_usage: true }` to get the final usage chunk. */
  sendsIncludeUsage: boolean;
  /** Where this provider reports streamed usage; called on every chunk, so keep it a property read. */
  readUsage(chunk: OpenAICompatibleChunk): unknown;
  /** The provider's own error readings, tried before the shared table. */
  classifyError?: ErrorQuirk;
}

const tokenCount = z.number().int().nonnegative();
const usageSchema = z.object({
  prompt_tokens: tokenCount,
  completion_tokens: tokenCount,
  /** OpenAI and Groq: the prompt tokens read from the prompt cache (included in `prompt_tokens`). */
  prompt_tokens_details: z.object({ cached_tokens: tokenCount.nullish() }).nullish(),
  /** DeepSeek: the same, under its own name (included in `prompt_tokens`). */
  prompt_cache_hit_tokens: tokenCount.nullish(),
});

const doneMarker = '[DONE]';

/**
 * The family bills cache writes as ordinary input, so only reads are counted apart.
 * @see https://platform.openai.com/docs/guides/prompt-caching
 * @see https://console.groq.com/docs/prompt-caching
 * @see https://api-docs.deepseek.com/guides/kv_cache
 */
function toTokenUsage(reported: z.infer<typeof usageSchema>): TokenUsage {
  const cacheReadTokens =
    reported.prompt_cache_hit_tokens ?? reported.prompt_tokens_details?.cached_tokens ?? 0;
  return {
    inputTokens: reported.prompt_tokens,
    outputTokens: reported.completion_tokens,
    cacheReadTokens: Math.min(cacheReadTokens, reported.prompt_tokens),
    cacheWriteTokens: 0,
  };
}

export function createOpenAICompatibleProvider(
  config: OpenAICompatibleConfig,
  options: ProviderOptions,
): LlmProvider {
  const provider = config.id;
  const root = trimBaseURL(options.baseURL);
  const timeouts = resolveTimeouts(options.timeouts);
  const { apiKey } = options;
  const headers = {
    authorization: `Bearer ${apiKey}`,
    'content-type': 'application/json',
    accept: 'text/event-stream',
  };
  const post = upstreamPostFor(options.fetch);
  const errorContext: OpenAICompatibleErrorContext = { provider, apiKey, quirk: config.classifyError };
  const toError = (response: FailedResponse): ProviderError =>
    openAICompatibleHttpError(errorContext, response);
  const fail = (message: string, code: 'provider_unavailable' | 'unknown'): ProviderError =>
    new ProviderError({ provider, code, message });

  async function* streamChat(request: ChatRequest): AsyncGenerator<StreamEvent, void, undefined> {
    const messages: { role: string; content: string }[] = request.system
      ? [{ role: 'system', content: request.system }]
      : [];
    for (const { role, content } of request.messages) messages.push({ role, content });
    const body = JSON.stringify({
      model: request.model,
      messages,
      stream: true,
      ...(config.sendsIncludeUsage ? { stream_options: { include_usage: true } } : {}),
      ...(request.maxTokens === undefined ? {} : { max_tokens: request.maxTokens }),
    });
    const stream = new EventStream({
      provider,
      post,
      url: `${root}/chat/completions`,
      headers,
      body,
      signal: request.signal,
      timeouts,
      deadlines: request.deadlines,
      toError,
    });
    let usage: TokenUsage = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 };
    let finishReason: string | null = null;
    let hasText = false;
    let isFinished = false;
    try {
      for await (const message of stream) {
        if (isFinished) continue; // drain to the end of the body so the connection can be reused
        if (message.data === doneMarker) {
          isFinished = true;
          yield { type: 'finish', finishReason, usage };
          continue;
        }
        let chunk: OpenAICompatibleChunk;
        try {
          chunk = JSON.parse(message.data) as OpenAICompatibleChunk;
        } catch {
          throw fail(transportMessages.unreadable, 'unknown');
        }
        if (chunk.error) throw openAICompatibleStreamError(errorContext, chunk);
        const choice = chunk.choices?.[0];
        if (choice) {
          const text = choice.delta?.content;
          if (text) {
            if (!hasText) {
              hasText = true;
              stream.sawText();
            }
            yield { type: 'text', text };
          }
          if (choice.finish_reason) finishReason = choice.finish_reason;
        }
        const reported = config.readUsage(chunk);
        if (reported != null) {
          const parsed = usageSchema.safeParse(reported);
          if (parsed.success) usage = toTokenUsage(parsed.data);
        }
      }
    } catch (error) {
      if (isFinished) return; // the reply was complete; a failure while draining does not matter
      throw error;
    }
    if (!isFinished) throw fail(transportMessages.dropped, 'provider_unavailable');
  }

  return {
    id: provider,
    streamChat,
    listModels: (checkOptions) =>
      listModelsWithKey({
        provider,
        fetch: options.fetch ?? globalThis.fetch,
        url: `${root}/models`,
        headers: { authorization: `Bearer ${apiKey}` },
        timeoutMs: timeouts.keyCheckMs,
        signal: checkOptions?.signal,
        toError,
      }),
  };
}
