/**
 * One try at answering a message: a candidate key of the scope, or the platform key. A key paused by its
 * budget fails at once with `budget_exhausted` (no provider call); otherwise its key is opened only now,
 * so a later candidate is never decrypted unless it is needed.
 */
import type { Config } from '../config.js';
import type { GatewayMetrics } from '../llm/gateway-metrics.js';
import type { KeyCandidate } from '../llm/keys/key-resolution.js';
import { createProviderClient } from '../llm/provider-clients.js';
import type { ProviderId } from '../llm/provider-table.js';
import { ProviderError } from '../llm/providers/provider-error.js';
import type { ChatMessage, TokenUsage } from '../llm/providers/provider-types.js';
import { streamWithRetry } from '../llm/providers/retry-policy.js';
import { openProviderKey, type Keyring } from '../vault/index.js';

export interface Attempt {
  source: 'platform' | KeyCandidate['source'];
  provider: ProviderId;
  model: string;
  /** Null for the platform key. */
  maskedKey: string | null;
  /** Null for the platform key. */
  ciphertext: string | null;
  isPaused: boolean;
}

export interface AttemptResult {
  text: string;
  usage?: TokenUsage;
  firstTextAt?: number;
  failure?: unknown;
  /** The key used, to cut it out of the provider's words before they are stored; '' when none was opened. */
  apiKey: string;
}

export interface AttemptInput {
  config: Readonly<Config>;
  keyring: Keyring;
  metrics: GatewayMetrics;
  fetch?: typeof fetch;
  /** Whose key it is: the vault binds a chatbot's key to that chatbot. */
  workspaceId: string;
  chatbotId: string;
  systemPrompt: string;
  history: ChatMessage[];
  signal: AbortSignal;
  /** Called with each piece of text as it arrives. */
  onText(text: string): void;
}

export async function streamAttempt(attempt: Attempt, input: AttemptInput): Promise<AttemptResult> {
  const result: AttemptResult = { text: '', apiKey: '' };
  if (attempt.isPaused) {
    result.failure = new ProviderError({ provider: attempt.provider, code: 'budget_exhausted' });
    return result;
  }
  try {
    result.apiKey =
      attempt.ciphertext === null
        ? input.config.PLATFORM_ANTHROPIC_API_KEY!
        : openProviderKey(input.keyring, attempt.ciphertext, {
            workspaceId: input.workspaceId,
            provider: attempt.provider,
            chatbotId: attempt.source === 'chatbot' ? input.chatbotId : null,
          });
  } catch (failure) {
    result.failure = failure;
    return result;
  }
  const client = createProviderClient({
    config: input.config,
    provider: attempt.provider,
    apiKey: result.apiKey,
    fetch: input.fetch,
  });
  // The provider timeouts are totals for the visitor: a retry spends what is left of them. A fallback
  // candidate is another provider and gets its own budget.
  const startedAt = Date.now();
  const deadlines = {
    headersBy: startedAt + input.config.PROVIDER_CONNECT_TIMEOUT_MS,
    firstTokenBy:
      startedAt + input.config.PROVIDER_CONNECT_TIMEOUT_MS + input.config.PROVIDER_FIRST_TOKEN_TIMEOUT_MS,
  };
  const request = {
    model: attempt.model,
    system: input.systemPrompt || undefined,
    messages: input.history,
    signal: input.signal,
    deadlines,
  };
  input.metrics.openStreams.inc();
  try {
    const tries = streamWithRetry(() => client.streamChat(request), {
      // The wait before a retry ends when the visitor leaves (or the server stops).
      signal: input.signal,
      retryBy: deadlines.headersBy,
    });
    for await (const event of tries) {
      if (event.type === 'text') {
        result.firstTextAt ??= performance.now();
        result.text += event.text;
        input.onText(event.text);
      } else {
        result.usage = event.usage;
      }
    }
  } catch (error) {
    result.failure = error;
  } finally {
    input.metrics.openStreams.dec();
  }
  return result;
}
