/**
 * One visitor message → one assistant reply: the gateway's hot path.
 *   prepare: in one statement, authenticate the visitor and admit the Origin, then store the visitor's
 *            message (before any provider is called, so nothing is lost) with its reply row as `streaming`,
 *            and read the bounded history and the key rows; resolve the key from those rows;
 *   stream:  call the resolved provider (at most one retry, only before the first token), pass text on as it
 *            arrives (its partial text saved periodically by `OpenReplies`), then fill in the reply row with
 *            its status, tokens and timings, and the key's health. That final write is retried in the
 *            background when the database is away: a reply the visitor read whole is never turned into an
 *            error afterwards.
 * A failure never falls back to the platform key or another provider.
 */
import type { Config } from '../config.js';
import type { Database } from '../db/connect.js';
import { isDatabaseUnavailable } from '../db/database-errors.js';
import type { GatewayMetrics } from '../llm/gateway-metrics.js';
import { describeProviderFailure, recordKeyFailure } from '../llm/keys/key-health.js';
import { createProviderClient } from '../llm/provider-clients.js';
import { ProviderError } from '../llm/providers/provider-error.js';
import type { ChatMessage, TokenUsage } from '../llm/providers/provider-types.js';
import { streamWithRetry } from '../llm/providers/retry-policy.js';
import { resolveProvider, type ResolvedProvider } from '../llm/resolve.js';
import { retrieveKnowledge, type RetrievedKnowledge } from '../knowledge/passage-retrieval.js';
import { withReferenceMaterial } from '../knowledge/reference-prompt.js';
import type { Keyring } from '../vault/index.js';
import { boundHistory } from './chat-history.js';
import type { OpenReplies, OpenReply } from './open-replies.js';
import { raiseBudgetAlerts } from '../money/budgets.js';
import { storeReply, type ReplyRecord } from './reply-store.js';
import {
  storeMessageAndLoadContext,
  type TurnConversation,
  type VisitorMessageInput,
} from './turn-context.js';

export const DEFAULT_VISITOR_ERROR =
  'Sorry, the assistant cannot answer right now. Please try again in a moment.';
/** What visitors see while a budget is used up, unless the chatbot has its own paused message. */
export const DEFAULT_PAUSED_MESSAGE =
  'This assistant is taking a break for now. Please come back later, or contact us another way.';
/** For a reply cut because the server stops (a deploy or a restart): the next instance will answer. */
export const SERVER_STOPPING_VISITOR_ERROR =
  'Sorry, the assistant was restarted before it could finish. Please send your message again.';

/** The abort reason of a reply ended by `OpenReplies.stopAll()`. */
const serverStopping = Symbol('server stopping');

export interface ChatTurnDependencies {
  db: Database;
  keyring: Keyring;
  config: Readonly<Config>;
  metrics: GatewayMetrics;
  replies: OpenReplies;
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
  /** The reply's row, stored as `streaming` with the visitor's message. */
  replyId: string;
  target: ResolvedProvider | { failure: unknown };
  /** Passages of the chatbot's sources for this question; none when it has no sources. */
  knowledge: RetrievedKnowledge;
}

export interface TurnOutcome {
  messageId: string;
  status: 'complete' | 'interrupted' | 'failed';
  /** The sentence for the visitor when the reply did not complete. */
  visitorError?: string;
  /** The sources of a complete answer, for the widget, when the owner shows them as links. */
  sourceLinks?: Array<{ title: string; url: string | null }>;
  /** `paused`: a budget is used up and `visitorError` is the chatbot's paused message. */
  visitorErrorCode?: 'paused';
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
  const replyId = crypto.randomUUID();
  const context = await storeMessageAndLoadContext(deps.db, {
    ...visitor,
    id: crypto.randomUUID(),
    content,
    createdAt,
    replyId,
    // Just after the visitor's message, so the reply sorts after it.
    replyCreatedAt: new Date(createdAt.getTime() + 1),
  });
  if (context.outcome === 'not_found' || context.outcome === 'origin_refused') return context;
  const { conversation } = context;
  let target: PreparedTurn['target'];
  try {
    target = resolveProvider(context.keyRows, deps.keyring, deps.config, conversation.workspaceId);
  } catch (failure) {
    target = { failure };
  }
  // The one extra round trip of a chatbot with sources; none for a chatbot without.
  const knowledge = conversation.hasKnowledge
    ? await retrieveTurnKnowledge(deps, conversation.chatbotId, content)
    : noKnowledge;
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
      replyId,
      target,
      knowledge,
    },
  };
}

const noKnowledge: RetrievedKnowledge = { passages: [], showSourceLinks: false };

/** A failed retrieval costs the answer its sources, not the answer itself. */
async function retrieveTurnKnowledge(
  deps: ChatTurnDependencies,
  chatbotId: string,
  question: string,
): Promise<RetrievedKnowledge> {
  try {
    return await retrieveKnowledge(deps.db, chatbotId, question);
  } catch (error) {
    deps.log.warn({ err: error, chatbotId }, 'Knowledge retrieval failed; answering without sources');
    return noKnowledge;
  }
}

/** Each source once, in the order of its best passage. */
function sourcesOf(knowledge: RetrievedKnowledge) {
  const seen = new Map<string, { sourceId: string; title: string; url: string | null }>();
  for (const passage of knowledge.passages) {
    if (!seen.has(passage.sourceId)) {
      seen.set(passage.sourceId, { sourceId: passage.sourceId, title: passage.title, url: passage.url });
    }
  }
  return [...seen.values()];
}

export async function streamChatTurn(
  deps: ChatTurnDependencies,
  turn: PreparedTurn,
  options: { signal: AbortSignal; onText(text: string): void },
): Promise<TurnOutcome> {
  const { conversation, target } = turn;
  const visitorError = conversation.errorMessage || DEFAULT_VISITOR_ERROR;
  // A budget that is used up answers at once, without calling any provider (contract: "Budgets").
  const pausedOutcome = {
    messageId: turn.replyId,
    status: 'failed',
    visitorError: conversation.pausedMessage || DEFAULT_PAUSED_MESSAGE,
    visitorErrorCode: 'paused',
  } as const;
  if (conversation.isPaused) {
    await saveReply(deps, turn, { status: 'failed', text: '', errorCode: 'chatbot_paused' });
    deps.metrics.messages.inc({ provider: 'none', outcome: 'failed' });
    return pausedOutcome;
  }
  if (!('failure' in target) && target.isPaused) {
    await saveReply(deps, turn, {
      status: 'failed',
      text: '',
      provider: target,
      errorCode: 'budget_exhausted',
    });
    deps.metrics.messages.inc({ provider: target.provider, outcome: 'failed' });
    return pausedOutcome;
  }
  if ('failure' in target) {
    deps.log.error(
      { err: target.failure, workspaceId: conversation.workspaceId },
      'No provider key could be resolved',
    );
    await saveReply(deps, turn, { status: 'failed', text: '', errorCode: 'no_provider' });
    deps.metrics.messages.inc({ provider: 'none', outcome: 'failed' });
    return { messageId: turn.replyId, status: 'failed', visitorError };
  }

  const client = createProviderClient({
    config: deps.config,
    provider: target.provider,
    apiKey: target.apiKey,
    fetch: deps.fetch,
  });
  // Aborted when the visitor leaves, or by `stop()` when the server stops.
  const controller = new AbortController();
  const forwardVisitorAbort = (): void => controller.abort(options.signal.reason);
  if (options.signal.aborted) forwardVisitorAbort();
  else options.signal.addEventListener('abort', forwardVisitorAbort, { once: true });
  // The provider timeouts are totals for the visitor: a retry spends what is left of them.
  const startedAt = Date.now();
  const deadlines = {
    headersBy: startedAt + deps.config.PROVIDER_CONNECT_TIMEOUT_MS,
    firstTokenBy:
      startedAt + deps.config.PROVIDER_CONNECT_TIMEOUT_MS + deps.config.PROVIDER_FIRST_TOKEN_TIMEOUT_MS,
  };
  const request = {
    model: target.model,
    system: withReferenceMaterial(conversation.systemPrompt, turn.knowledge.passages) || undefined,
    messages: turn.history,
    signal: controller.signal,
    deadlines,
  };
  let text = '';
  let firstTextAt: number | undefined;
  let usage: TokenUsage | undefined;
  let failure: unknown;
  const open: OpenReply = {
    id: turn.replyId,
    progress: () => ({ text, provider: target.provider, model: target.model }),
    stop: () => controller.abort(serverStopping),
  };
  deps.replies.add(open);
  deps.metrics.openStreams.inc();
  try {
    const attempts = streamWithRetry(() => client.streamChat(request), {
      // The wait before a retry ends when the visitor leaves (or the server stops).
      signal: controller.signal,
      retryBy: deadlines.headersBy,
    });
    for await (const event of attempts) {
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
    options.signal.removeEventListener('abort', forwardVisitorAbort);
  }

  const isServerStopping = controller.signal.aborted && controller.signal.reason === serverStopping;
  const isVisitorGone = controller.signal.aborted && !isServerStopping;
  const isCut = isVisitorGone || isServerStopping;
  const status = !failure && !isCut ? 'complete' : text ? 'interrupted' : 'failed';
  const providerError = failure instanceof ProviderError && !isCut ? failure : undefined;
  if (failure && !isCut && !providerError) {
    deps.log.error({ err: failure, provider: target.provider }, 'Unexpected failure while streaming a reply');
  }
  try {
    await saveReply(deps, turn, {
      status,
      text,
      provider: target,
      usage,
      timeToFirstTokenMs: firstTextAt === undefined ? undefined : firstTextAt - turn.receivedAt,
      errorCode:
        status === 'complete'
          ? undefined
          : isServerStopping
            ? 'server_stopped'
            : isVisitorGone
              ? 'visitor_left'
              : (providerError?.code ?? 'unknown'),
    });
  } finally {
    deps.replies.remove(open);
  }
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
  const messageId = turn.replyId;
  if (status === 'complete') {
    if (!turn.knowledge.showSourceLinks || turn.knowledge.passages.length === 0) return { messageId, status };
    return {
      messageId,
      status,
      sourceLinks: sourcesOf(turn.knowledge).map(({ title, url }) => ({ title, url })),
    };
  }
  return {
    messageId,
    status,
    visitorError: isServerStopping ? SERVER_STOPPING_VISITOR_ERROR : visitorError,
  };
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
  try {
    await recordKeyFailure(
      deps.db,
      { workspaceId, provider: target.provider },
      { code: providerError.code, message },
    );
  } catch (error) {
    // The key's health is advisory; while the database is away the next failure records it.
    if (!isDatabaseUnavailable(error)) throw error;
  }
}

/**
 * Fills in the reply row; a workspace key that answered in full has its "last used" moved in the same
 * statement. When the database does not take it, the write is retried in the background (`OpenReplies`):
 * the visitor's answer does not wait for, or fail with, the database.
 */
async function saveReply(
  deps: ChatTurnDependencies,
  turn: PreparedTurn,
  reply: {
    status: TurnOutcome['status'];
    text: string;
    provider?: ResolvedProvider;
    usage?: TokenUsage;
    timeToFirstTokenMs?: number;
    errorCode?: string;
  },
): Promise<void> {
  const isWorkspaceSuccess = reply.status === 'complete' && reply.provider?.source === 'workspace';
  const record: ReplyRecord = {
    id: turn.replyId,
    conversationId: turn.conversation.conversationId,
    workspaceId: turn.conversation.workspaceId,
    chatbotId: turn.conversation.chatbotId,
    status: reply.status,
    content: reply.text,
    provider: reply.provider?.provider ?? null,
    keySource: reply.provider?.source ?? null,
    maskedKey: reply.provider?.maskedKey ?? null,
    model: reply.provider?.model ?? null,
    inputTokens: reply.usage?.inputTokens ?? (reply.status === 'failed' ? 0 : null),
    outputTokens: reply.usage?.outputTokens ?? (reply.status === 'failed' ? 0 : null),
    cacheReadTokens: reply.usage?.cacheReadTokens ?? (reply.status === 'failed' ? 0 : null),
    cacheWriteTokens: reply.usage?.cacheWriteTokens ?? (reply.status === 'failed' ? 0 : null),
    timeToFirstTokenMs: reply.timeToFirstTokenMs === undefined ? null : Math.round(reply.timeToFirstTokenMs),
    durationMs: Math.round(performance.now() - turn.receivedAt),
    errorCode: reply.errorCode ?? null,
    // Recorded when the passages reached a provider.
    sources: reply.provider
      ? sourcesOf(turn.knowledge).map(({ sourceId, title }) => ({ sourceId, title }))
      : [],
  };
  const keyUsed = isWorkspaceSuccess ? { provider: reply.provider!.provider, at: new Date() } : undefined;
  const write = async () => {
    const { crossings } = await storeReply(deps.db, record, keyUsed);
    // Rare (three times a month per budget) and after the visitor's answer: not awaited by the reply.
    if (crossings.length > 0) {
      raiseBudgetAlerts(deps.db, record.workspaceId, crossings).catch((error: unknown) =>
        deps.log.error({ err: error }, 'A budget alert could not be raised'),
      );
    }
  };
  try {
    await write();
  } catch {
    deps.replies.retryInBackground(write, { messageId: turn.replyId });
  }
}
