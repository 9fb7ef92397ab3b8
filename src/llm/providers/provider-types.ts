/**
 * The shapes every BestAI provider adapter shares: what goes in (a chat request), what comes out
 * (text events, then exactly one finish event) and how an adapter is configured.
 */
import type { ProviderId } from '../provider-table.js';

export type { ProviderId };

export interface ChatMessage {
  role: 'user' | 'assistant';
  content: string;
}

export interface ChatRequest {
  model: string;
  /**
   * The chatbot's instructions: the same for every message, so a provider may cache it (Anthropic does
   * when it is long). Material that changes per message belongs after it, not in it.
   */
  system?: string;
  messages: ChatMessage[];
  maxTokens?: number;
  /** Aborts the upstream request (the visitor went away). The stream then rejects with the signal's reason. */
  signal?: AbortSignal;
  /**
   * Absolute deadlines (`Date.now()` time) shared by every attempt at one reply, so a retry spends what is
   * left of the budget instead of starting a new one: the connect and first-token timeouts are totals.
   */
  deadlines?: ReplyDeadlines;
}

export interface ReplyDeadlines {
  /** Response headers must have arrived by then. */
  headersBy: number;
  /** The first piece of text must have arrived by then. */
  firstTokenBy: number;
}

export interface TokenUsage {
  /** Every input token, including those read from and written to the provider's prompt cache. */
  inputTokens: number;
  outputTokens: number;
  /** Input tokens read from the prompt cache (billed at the cache-read price). */
  cacheReadTokens: number;
  /** Input tokens written to the prompt cache (Anthropic bills them at the cache-write price). */
  cacheWriteTokens: number;
}

/**
 * A streamed reply: any number of `text` events, then one `finish`. `finishReason` is the provider's
 * own word (`end_turn`, `max_tokens`, `stop`, `length`, …), or null when it sent none.
 */
export type StreamEvent =
  { type: 'text'; text: string } | { type: 'finish'; finishReason: string | null; usage: TokenUsage };

export interface LlmProvider {
  readonly id: ProviderId;
  /** Streams one reply. Failures reject the iteration with a `ProviderError`; text already yielded stays valid. */
  streamChat(request: ChatRequest): AsyncIterable<StreamEvent>;
  /**
   * A live check of the key: `GET {root}/models`. Resolves with the model ids the provider offers for
   * the key, rejects with a `ProviderError` otherwise.
   */
  listModels(options?: { signal?: AbortSignal }): Promise<string[]>;
}

export interface ProviderTimeouts {
  /** From sending the request until the response headers arrive. */
  connectMs: number;
  /** From the response headers until the first piece of text. */
  firstTokenMs: number;
  /** Longest silence between two chunks once text is flowing. */
  idleMs: number;
  /** The whole key check (`GET {root}/models`). */
  keyCheckMs: number;
}

export const defaultProviderTimeouts: Readonly<ProviderTimeouts> = Object.freeze({
  connectMs: 10_000,
  firstTokenMs: 60_000,
  idleMs: 60_000,
  keyCheckMs: 5_000,
});

export interface ProviderOptions {
  /** The API root including its version segment, e.g. `https://api.openai.com/v1`. */
  baseURL: string;
  apiKey: string;
  /** Replaces the transport (node:http for streamed replies, the global `fetch` for key checks); tests pass recorded fixtures here. */
  fetch?: typeof fetch;
  timeouts?: Partial<ProviderTimeouts>;
}
