/**
 * One visitor message → one assistant reply: the gateway's hot path.
 *   prepare: in one statement, authenticate the visitor and admit the Origin, then store the visitor's
 *            message (before any provider is called, so nothing is lost) and read the bounded history and
 *            the key rows; resolve the key from those rows;
 *   stream:  call the resolved provider (at most one retry, only before the first token), pass text on as it
 *            arrives, then store the reply with its status, tokens and timings, and the key's health.
 * A failure never falls back to the platform key or another provider.
 */
import type { Config } from '../config.js';
import type { Database } from '../db/connect.js';
import type { GatewayMetrics } from '../llm/gateway-metrics.js';
import { describeProviderFailure, recordKeyFailure } from '../llm/keys/key-health.js';
import { createProviderClient } from '../llm/provider-clients.js';
import { ProviderError } from '../llm/providers/provider-error.js';
import type { ChatMessage } from '../llm/providers/provider-types.js';
import { streamWithRetry } from '../llm/providers/retry-policy.js';
import { resolveProvider, type ResolvedProvider } from '../llm/resolve.js';
import type { Keyring } from '../vault/index.js';
import { boundHistory } from './chat-history.js';
import { storeReply } from './reply-store.js';
import {
  storeMessageAndLoadContext,
  type TurnConversation,
  type VisitorMessageInput,
} from './turn-context.js';

export const DEFAULT_VISITOR_ERROR =
  'Sorry, the assistant cannot answer right now. Please try again in a moment.';

export interface ChatTurnDependencies {
  db: Database;
  keyring: Keyring;
  config: Readonly<Config>;
  metrics: GatewayMetrics;
  fetch?: typeof fetch;
  log: { warn(object: object, message: string): void; error(object: object, message: string): void };
}

/** Who is asking, as the widget request says it; checked by the database in `prepareChatTurn`. */
export type VisitorRequest = Pick<
  VisitorMessageInput,
  'publicId' | 'conversationId' | 'visitorToken' | 'isOwnOrigin' | 'originCandidates'
>;

export interface PreparedTurn {
  conversation: TurnConversation;
  history: ChatMessage[];
  receivedAt: number;
  /** Just after the visitor's message, so the reply sorts after it whenever it is stored. */
  replyCreatedAt: Date;
  target: ResolvedProvider | { failure: unknown };
}

export interface TurnOutcome {
  messageId: string;
  status: 'complete' | 'interrupted' | 'failed';
  /** The sentence for the visitor when the reply did not complete. */
  visitorError?: string;
}

export type PrepareOutcome =
  { outcome: 'not_found' } | { outcome: 'origin_refused' } | { outcome: 'ready'; turn: PreparedTurn };

/** Nothing is stored unless the visitor and the Origin are admitted. */
export async function prepareChatTurn(
  deps: ChatTurnDependencies,
  visitor: VisitorRequest,
  content: string,
): Promise<PrepareOutcome> {
  const receivedAt = performance.now();
  const createdAt = new Date();
  const context = await storeMessageAndLoadContext(deps.db, {
    ...visitor,
    id: crypto.randomUUID(),
    content,
    createdAt,
  });
  if (context.outcome === 'not_found' || context.outcome === 'origin_refused') return context;
  const { conversation } = context;
  let target: PreparedTurn['target'];
  try {
    target = resolveProvider(context.keyRows, deps.keyring, deps.config, conversation.workspaceId);
  } catch (failure) {
    target = { failure };
  }
  // A retry was not stored again: its question already ends the history.
  const previous = context.history;
  const earlier =
    !context.isStored && previous.at(-1)?.content === content ? previous.slice(0, -1) : previous;
  return {
    outcome: 'ready',
    turn: {
      conversation,
      history: boundHistory(earlier, { role: 'user', content }),
      receivedAt,
      replyCreatedAt: new Date(createdAt.getTime() + 1),
      target,
    },
  };
}

export async function streamChatTurn(
  deps: ChatTurnDependencies,
  turn: PreparedTurn,
  options: { signal: AbortSignal; onText(text: string): void },
): Promise<TurnOutcome> {
  const { conversation, target } = turn;
  const visitorError = conversation.errorMessage || DEFAULT_VISITOR_ERROR;
  if ('failure' in target) {
    deps.log.error(
      { err: target.failure, workspaceId: conversation.workspaceId },
      'No provider key could be resolved',
    );
    const messageId = await saveReply(deps, turn, { status: 'failed', text: '', errorCode: 'no_provider' });
    deps.metrics.messages.inc({ provider: 'none', outcome: 'failed' });
    return { messageId, status: 'failed', visitorError };
  }

  const client = createProviderClient({
    config: deps.config,
    provider: target.provider,
    apiKey: target.apiKey,
    fetch: deps.fetch,
  });
  const request = {
    model: target.model,
    system: conversation.systemPrompt || undefined,
    messages: turn.history,
    signal: options.signal,
  };
  let text = '';
  let firstTextAt: number | undefined;
  let usage: { inputTokens: number; outputTokens: number } | undefined;
  let failure: unknown;
  deps.metrics.openStreams.inc();
  try {
    for await (const event of streamWithRetry(() => client.streamChat(request))) {
      if (event.type === 'text') {
        firstTextAt ??= performance.now();
        text += event.text;
        options.onText(event.text);
      } else {
        usage = event.usage;
      }
    }
  } catch (error) {
    failure = error;
  } finally {
    deps.metrics.openStreams.dec();
  }

  const isVisitorGone = options.signal.aborted;
  const status = !failure && !isVisitorGone ? 'complete' : text ? 'interrupted' : 'failed';
  const providerError = failure instanceof ProviderError && !isVisitorGone ? failure : undefined;
  if (failure && !isVisitorGone && !providerError) {
    deps.log.error({ err: failure, provider: target.provider }, 'Unexpected failure while streaming a reply');
  }
  const messageId = await saveReply(deps, turn, {
    status,
    text,
    provider: target,
    usage,
    timeToFirstTokenMs: firstTextAt === undefined ? undefined : firstTextAt - turn.receivedAt,
    errorCode:
      status === 'complete' ? undefined : isVisitorGone ? 'visitor_left' : (providerError?.code ?? 'unknown'),
  });
  await recordProviderFailure(deps, conversation.workspaceId, target, providerError);

  deps.metrics.messages.inc({ provider: target.provider, outcome: status });
  if (firstTextAt !== undefined) {
    deps.metrics.timeToFirstToken.observe(
      { provider: target.provider },
      (firstTextAt - turn.receivedAt) / 1000,
    );
  }
  if (usage) {
    deps.metrics.tokens.inc({ provider: target.provider, direction: 'input' }, usage.inputTokens);
    deps.metrics.tokens.inc({ provider: target.provider, direction: 'output' }, usage.outputTokens);
  }
  return status === 'complete' ? { messageId, status } : { messageId, status, visitorError };
}

/** A workspace key that failed shows the error in the admin; the platform key's failures are logged. */
async function recordProviderFailure(
  deps: ChatTurnDependencies,
  workspaceId: string,
  target: ResolvedProvider,
  providerError: ProviderError | undefined,
): Promise<void> {
  if (!providerError) return;
  if (target.source === 'platform') {
    deps.log.warn({ code: providerError.code, status: providerError.status }, 'The platform key failed');
    return;
  }
  const message = describeProviderFailure(providerError, target.apiKey);
  await recordKeyFailure(
    deps.db,
    { workspaceId, provider: target.provider },
    { code: providerError.code, message },
  );
}

/** Stores the reply; a workspace key that answered in full has its "last used" moved in the same statement. */
async function saveReply(
  deps: ChatTurnDependencies,
  turn: PreparedTurn,
  reply: {
    status: TurnOutcome['status'];
    text: string;
    provider?: ResolvedProvider;
    usage?: { inputTokens: number; outputTokens: number };
    timeToFirstTokenMs?: number;
    errorCode?: string;
  },
): Promise<string> {
  const id = crypto.randomUUID();
  const isWorkspaceSuccess = reply.status === 'complete' && reply.provider?.source === 'workspace';
  await storeReply(
    deps.db,
    {
      id,
      conversationId: turn.conversation.conversationId,
      workspaceId: turn.conversation.workspaceId,
      status: reply.status,
      content: reply.text,
      provider: reply.provider?.provider ?? null,
      keySource: reply.provider?.source ?? null,
      maskedKey: reply.provider?.maskedKey ?? null,
      model: reply.provider?.model ?? null,
      inputTokens: reply.usage?.inputTokens ?? (reply.status === 'failed' ? 0 : null),
      outputTokens: reply.usage?.outputTokens ?? (reply.status === 'failed' ? 0 : null),
      timeToFirstTokenMs:
        reply.timeToFirstTokenMs === undefined ? null : Math.round(reply.timeToFirstTokenMs),
      durationMs: Math.round(performance.now() - turn.receivedAt),
      errorCode: reply.errorCode ?? null,
      createdAt: turn.replyCreatedAt,
    },
    isWorkspaceSuccess ? { provider: reply.provider!.provider, at: new Date() } : undefined,
  );
  return id;
}
