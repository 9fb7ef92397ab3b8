/**
 * One visitor message → one assistant reply: the gateway's hot path.
 *   prepare: in one statement, authenticate the visitor and admit the Origin, then store the visitor's
 *            message (before any provider is called, so nothing is lost) with its reply row as `streaming`,
 *            and read the bounded history and the key scope's rows and settings; plan who answers from
 *            those (no further round trip);
 *   stream:  call the first candidate (at most one retry, only before the first token), pass text on as it
 *            arrives (its partial text saved periodically by `OpenReplies`), then fill in the reply row with
 *            its status, tokens, timings and who answered, and the key's health. That final write is
 *            retried in the background when the database is away: a reply the visitor read whole is never
 *            turned into an error afterwards.
 * Only when the owner turned fallback on, and only for the failure codes they chose, does a candidate that
 * failed before any byte reached the visitor hand over to the next one. Never to the platform key.
 */
import type { Config } from '../config.js';
import type { Database } from '../db/connect.js';
import { isDatabaseUnavailable } from '../db/database-errors.js';
import type { GatewayMetrics } from '../llm/gateway-metrics.js';
import { raiseAlert } from '../alerts/raise-alert.js';
import { describeProviderFailure, recordKeyFailure } from '../llm/keys/key-health.js';
import { planAnswer, type AnswerPlan } from '../llm/keys/key-resolution.js';
import type { LlmSettings } from '../llm/keys/llm-settings.js';
import { providerNameOf, type ProviderId } from '../llm/provider-table.js';
import { ProviderError } from '../llm/providers/provider-error.js';
import type { ChatMessage, TokenUsage } from '../llm/providers/provider-types.js';
import { retrieveKnowledge, type RetrievedKnowledge } from '../knowledge/passage-retrieval.js';
import { withReferenceMaterial } from '../knowledge/reference-prompt.js';
import type { Keyring } from '../vault/index.js';
import { streamAttempt, type Attempt, type AttemptResult } from './answer-attempt.js';
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
  plan: AnswerPlan;
  fallback: LlmSettings['fallback'];
  /** Passages of the chatbot's sources for this question; none when it has no sources. */
  knowledge: RetrievedKnowledge;
}

export interface TurnOutcome {
  messageId: string;
  status: 'complete' | 'interrupted' | 'failed';
  /** The sentence for the visitor when the reply did not complete. */
  visitorError?: string;
  /** Why the reply did not complete (`budget_exhausted`, a provider's code, `no_provider`, …). */
  failureCode?: string;
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
  const plan = planAnswer({
    rows: context.keyRows,
    settings: context.settings,
    source: conversation.keySource,
    hasPlatformKey: Boolean(deps.config.PLATFORM_ANTHROPIC_API_KEY),
  });
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
      plan,
      fallback: context.settings.fallback,
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

function attemptsOf(plan: AnswerPlan): Attempt[] {
  if (plan.kind === 'none') return [];
  if (plan.kind === 'keys') return plan.candidates;
  const { provider, model } = plan;
  return [{ source: 'platform', provider, model, maskedKey: null, ciphertext: null, isPaused: false }];
}

/** A failure the owner chose to move on from, before any byte reached the visitor, with someone left to try. */
function canFallBack(
  turn: PreparedTurn,
  result: AttemptResult,
  hasNext: boolean,
): result is AttemptResult & { failure: ProviderError } {
  return (
    hasNext &&
    turn.fallback.enabled &&
    result.text === '' &&
    result.failure instanceof ProviderError &&
    (turn.fallback.on as readonly string[]).includes(result.failure.code)
  );
}

export async function streamChatTurn(
  deps: ChatTurnDependencies,
  turn: PreparedTurn,
  options: { signal: AbortSignal; onText(text: string): void },
): Promise<TurnOutcome> {
  const { conversation, plan } = turn;
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
    return { ...pausedOutcome, failureCode: 'chatbot_paused' };
  }
  const attempts = attemptsOf(plan);
  if (attempts.length === 0) {
    deps.log.warn(
      {
        workspaceId: conversation.workspaceId,
        chatbotId: conversation.chatbotId,
        reason: plan.kind === 'none' ? plan.reason : undefined,
      },
      'No key can answer',
    );
    await saveReply(deps, turn, { status: 'failed', text: '', errorCode: 'no_provider' });
    deps.metrics.messages.inc({ provider: 'none', outcome: 'failed' });
    return { messageId: turn.replyId, status: 'failed', visitorError, failureCode: 'no_provider' };
  }

  // Aborted when the visitor leaves, or by `stop()` when the server stops.
  const controller = new AbortController();
  const forwardVisitorAbort = (): void => controller.abort(options.signal.reason);
  if (options.signal.aborted) forwardVisitorAbort();
  else options.signal.addEventListener('abort', forwardVisitorAbort, { once: true });
  let attempt = attempts[0]!;
  let text = '';
  const open: OpenReply = {
    id: turn.replyId,
    progress: () => ({ text, provider: attempt.provider, model: attempt.model }),
    stop: () => controller.abort(serverStopping),
  };
  deps.replies.add(open);
  let result: AttemptResult;
  let fallbackFrom: { provider: ProviderId; code: string } | undefined;
  try {
    for (let index = 0; ; index += 1) {
      attempt = attempts[index]!;
      result = await streamAttempt(attempt, {
        ...deps,
        workspaceId: conversation.workspaceId,
        chatbotId: conversation.chatbotId,
        systemPrompt: withReferenceMaterial(conversation.systemPrompt, turn.knowledge.passages),
        history: turn.history,
        signal: controller.signal,
        onText: (piece) => {
          text += piece;
          options.onText(piece);
        },
      });
      const next = attempts[index + 1];
      if (controller.signal.aborted || !canFallBack(turn, result, next !== undefined)) break;
      await recordProviderFailure(deps, turn, attempt, result);
      fallbackFrom ??= { provider: attempt.provider, code: result.failure.code };
      reportFallbackUsed(deps, turn, {
        from: attempt.provider,
        code: result.failure.code,
        to: next!.provider,
      });
    }
  } finally {
    options.signal.removeEventListener('abort', forwardVisitorAbort);
  }

  const { usage, firstTextAt, failure } = result;
  const isServerStopping = controller.signal.aborted && controller.signal.reason === serverStopping;
  const isVisitorGone = controller.signal.aborted && !isServerStopping;
  const isCut = isVisitorGone || isServerStopping;
  const status = !failure && !isCut ? 'complete' : text ? 'interrupted' : 'failed';
  const providerError = failure instanceof ProviderError && !isCut ? failure : undefined;
  if (failure && !isCut && !providerError) {
    deps.log.error(
      { err: failure, provider: attempt.provider },
      'Unexpected failure while streaming a reply',
    );
  }
  const errorCode =
    status === 'complete'
      ? undefined
      : isServerStopping
        ? 'server_stopped'
        : isVisitorGone
          ? 'visitor_left'
          : (providerError?.code ?? 'unknown');
  try {
    await saveReply(deps, turn, {
      status,
      text,
      attempt,
      usage,
      fallbackFrom,
      timeToFirstTokenMs: firstTextAt === undefined ? undefined : firstTextAt - turn.receivedAt,
      errorCode,
    });
  } finally {
    deps.replies.remove(open);
  }
  if (providerError) await recordProviderFailure(deps, turn, attempt, result);

  deps.metrics.messages.inc({ provider: attempt.provider, outcome: status });
  if (firstTextAt !== undefined) {
    deps.metrics.timeToFirstToken.observe(
      { provider: attempt.provider },
      (firstTextAt - turn.receivedAt) / 1000,
    );
  }
  if (usage) {
    deps.metrics.tokens.inc({ provider: attempt.provider, direction: 'input' }, usage.inputTokens);
    deps.metrics.tokens.inc({ provider: attempt.provider, direction: 'output' }, usage.outputTokens);
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
  // The last candidate was a key paused by its budget: visitors see the paused message.
  if (status === 'failed' && errorCode === 'budget_exhausted') {
    return { ...pausedOutcome, failureCode: errorCode };
  }
  return {
    messageId,
    status,
    visitorError: isServerStopping ? SERVER_STOPPING_VISITOR_ERROR : visitorError,
    ...(errorCode ? { failureCode: errorCode } : {}),
  };
}

/**
 * The owner's fallback moved a reply on: an alert for owners and admins, once per failing provider and
 * code in the hour (an incident), raised beside the reply so the visitor never waits for it.
 */
function reportFallbackUsed(
  deps: ChatTurnDependencies,
  turn: PreparedTurn,
  event: { from: ProviderId; code: string; to: ProviderId },
): void {
  const { workspaceId, chatbotId, keySource } = turn.conversation;
  const scope = keySource === 'chatbot' ? `chatbot:${chatbotId}` : 'workspace';
  const hour = new Date().toISOString().slice(0, 13);
  const from = providerNameOf(event.from);
  const to = providerNameOf(event.to);
  raiseAlert(deps.db, {
    workspaceId,
    kind: 'fallback.used',
    severity: 'warning',
    title: `${from} failed, so ${to} answered`,
    body:
      `Your ${from} key failed with ${event.code}, and your fallback setting moved visitors on to ${to}. ` +
      `Visitors were answered. Check the ${from} key in Integrations → LLM.`,
    link: keySource === 'chatbot' ? `/chatbots/${chatbotId}` : '/integrations/llm',
    dedupeKey: `fallback.used:${scope}:${event.from}:${event.code}:${hour}`,
  }).catch((error: unknown) => {
    deps.log.warn({ err: error, workspaceId }, 'The fallback alert could not be raised');
  });
}

/** A scope's key that failed shows the error in the admin; the platform key's failures are logged. */
async function recordProviderFailure(
  deps: ChatTurnDependencies,
  turn: PreparedTurn,
  attempt: Attempt,
  result: AttemptResult,
): Promise<void> {
  const providerError = result.failure instanceof ProviderError ? result.failure : undefined;
  // A paused key did not fail: its budget stopped it before any call.
  if (!providerError || providerError.code === 'budget_exhausted') return;
  if (attempt.source === 'platform') {
    deps.log.warn({ code: providerError.code, status: providerError.status }, 'The platform key failed');
    return;
  }
  const message = describeProviderFailure(providerError, result.apiKey);
  try {
    await recordKeyFailure(
      deps.db,
      { ...keyScopeOf(turn, attempt), provider: attempt.provider },
      { code: providerError.code, message },
    );
  } catch (error) {
    // The key's health is advisory; while the database is away the next failure records it.
    if (!isDatabaseUnavailable(error)) throw error;
  }
}

function keyScopeOf(turn: PreparedTurn, attempt: Pick<Attempt, 'source'>) {
  return {
    workspaceId: turn.conversation.workspaceId,
    chatbotId: attempt.source === 'chatbot' ? turn.conversation.chatbotId : null,
  };
}

/**
 * Fills in the reply row; a scope's key that answered in full has its "last used" moved in the same
 * statement. When the database does not take it, the write is retried in the background (`OpenReplies`):
 * the visitor's answer does not wait for, or fail with, the database.
 */
async function saveReply(
  deps: ChatTurnDependencies,
  turn: PreparedTurn,
  reply: {
    status: TurnOutcome['status'];
    text: string;
    attempt?: Attempt;
    usage?: TokenUsage;
    fallbackFrom?: { provider: ProviderId; code: string };
    timeToFirstTokenMs?: number;
    errorCode?: string;
  },
): Promise<void> {
  const { attempt } = reply;
  const record: ReplyRecord = {
    id: turn.replyId,
    conversationId: turn.conversation.conversationId,
    workspaceId: turn.conversation.workspaceId,
    chatbotId: turn.conversation.chatbotId,
    status: reply.status,
    content: reply.text,
    provider: attempt?.provider ?? null,
    keySource: attempt?.source ?? null,
    maskedKey: attempt?.maskedKey ?? null,
    model: attempt?.model ?? null,
    inputTokens: reply.usage?.inputTokens ?? (reply.status === 'failed' ? 0 : null),
    outputTokens: reply.usage?.outputTokens ?? (reply.status === 'failed' ? 0 : null),
    cacheReadTokens: reply.usage?.cacheReadTokens ?? (reply.status === 'failed' ? 0 : null),
    cacheWriteTokens: reply.usage?.cacheWriteTokens ?? (reply.status === 'failed' ? 0 : null),
    timeToFirstTokenMs: reply.timeToFirstTokenMs === undefined ? null : Math.round(reply.timeToFirstTokenMs),
    durationMs: Math.round(performance.now() - turn.receivedAt),
    errorCode: reply.errorCode ?? null,
    fallbackFrom: reply.fallbackFrom ?? null,
    // Recorded when the passages reached a provider.
    sources: attempt ? sourcesOf(turn.knowledge).map(({ sourceId, title }) => ({ sourceId, title })) : [],
  };
  const keyUsed =
    reply.status === 'complete' && attempt && attempt.source !== 'platform'
      ? { ...keyScopeOf(turn, attempt), provider: attempt.provider, at: new Date() }
      : undefined;
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
