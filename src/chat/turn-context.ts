/**
 * Everything a reply needs before the provider is called, in one database round trip (the gateway's cost
 * is dominated by round trips): authenticate the visitor (conversation, token and chatbot must match),
 * admit the request's Origin against the chatbot's list, and only then store the visitor's message, read
 * the recent history, the key scope's rows and settings (the chatbot's own when its `llm_key_source` is
 * `own`, else the workspace's) and whether the chatbot has knowledge passages. All parts of one statement
 * see the same snapshot, so the
 * history never contains the message stored by the same statement.
 *
 * The Origin is decided in SQL by set overlap: the caller passes the canonical entries that would admit
 * the request's origin (`originCandidates`), and the chatbot's stored list is canonical.
 *
 * The same statement records the reply as `streaming` (no text yet), so every message that was stored has
 * its reply row from the start: a process that dies mid-reply leaves a row the stale-reply sweep closes as
 * `interrupted` — the admin can tell "cut" from "never answered". The reply is later updated in place.
 *
 * Sending the same text again after a reply that did not finish (a Retry after a failure, or a resend
 * after a cut or a crash) is recognised here — the conversation ends with that very question and an
 * unfinished reply — and the question is not stored twice, so the history (and the model) sees it once.
 */
import { hashSecretToken } from '../accounts/secret-token.js';
import type { Database } from '../db/connect.js';
import { namedStatement } from '../db/named-statement.js';
import type { ProviderId } from '../db/schema.js';
import type { KeySource, ScopeKeyRow } from '../llm/keys/key-resolution.js';
import { settingsFromRow, type LlmSettings } from '../llm/keys/llm-settings.js';
import type { ChatMessage } from '../llm/providers/provider-types.js';
import { HISTORY_MAX_MESSAGES } from './chat-history.js';
import { isWellFormedVisitor } from './visitor-conversations.js';

export interface VisitorMessageInput {
  publicId: string;
  conversationId: string;
  /** The bearer token the widget holds for this conversation. */
  visitorToken: string | undefined;
  /** True for a request without `Origin` or from BestAI's own origin (the preview page). */
  isOwnOrigin: boolean;
  /** `originCandidates(Origin)`: the stored entries that would admit the request. */
  originCandidates: string[];
  /** The new message's id. */
  id: string;
  content: string;
  createdAt: Date;
  /** The id of its reply, stored as `streaming` by the same statement. */
  replyId: string;
  /** Just after `createdAt`, so the reply sorts after its question. */
  replyCreatedAt: Date;
}

/** What a reply needs of its conversation and chatbot. */
export interface TurnConversation {
  conversationId: string;
  workspaceId: string;
  chatbotId: string;
  systemPrompt: string;
  errorMessage: string | null;
  /** The chatbot has passages to retrieve from: only then does a reply query them. */
  hasKnowledge: boolean;
  /** What visitors see while a budget is used up; null = the default sentence. */
  pausedMessage: string | null;
  /** The chatbot's monthly budget is used up: it answers nothing. */
  isPaused: boolean;
  /** Whose keys answer: the workspace's, or the chatbot's own (`llmKeySource: "own"`). */
  keySource: KeySource;
}

export type TurnContext =
  /** No such conversation for this chatbot and token: nothing was stored. */
  | { outcome: 'not_found' }
  /** The chatbot's list does not admit the request's Origin: nothing was stored. */
  | { outcome: 'origin_refused' }
  | {
      outcome: 'stored';
      conversation: TurnConversation;
      /** False when the message repeated the last, unanswered question and was not stored again. */
      isStored: boolean;
      /** Previous messages with text, oldest first (without the new one). */
      history: ChatMessage[];
      /** The key scope's rows and settings, as stored when the message started. */
      keyRows: ScopeKeyRow[];
      settings: LlmSettings;
    };

interface ContextRow {
  visitor: {
    workspace_id: string;
    chatbot_id: string;
    system_prompt: string;
    error_message: string | null;
    paused_message: string | null;
    is_paused: boolean;
    llm_key_source: 'workspace' | 'own';
    is_origin_allowed: boolean;
    has_knowledge: boolean;
  } | null;
  stored: number | string;
  history: Array<{ role: 'user' | 'assistant'; content: string }> | null;
  keys: Array<{
    provider: ProviderId;
    enabled: boolean;
    ciphertext: string;
    model: string | null;
    masked_key: string;
    is_paused: boolean;
  }> | null;
  settings: {
    provider_order: string[];
    use_platform_key: boolean;
    fallback_enabled: boolean;
    fallback_on: string[];
  } | null;
}

// JSON columns arrive parsed, from `pg` and from PGlite alike.
const storeMessageAndReadContext = namedStatement<ContextRow>(
  'bestai_turn_context',
  `with visitor as (
      select conversation.workspace_id, conversation.chatbot_id, chatbot.system_prompt, chatbot.error_message,
        chatbot.paused_message,
        (chatbot.monthly_budget_usd is not null and coalesce((
          select spend.spent_usd from spend_months spend
          where spend.workspace_id = conversation.workspace_id
            and spend.month = date_trunc('month', $11::timestamptz at time zone 'UTC')::date
            and spend.subject = 'chatbot:' || chatbot.id::text), 0) >= chatbot.monthly_budget_usd) as is_paused,
        chatbot.llm_key_source,
        ($7::boolean or jsonb_array_length(chatbot.allowed_origins) = 0
          or chatbot.allowed_origins ?| $8::text[]) as is_origin_allowed,
        exists (select 1 from knowledge_passages passage where passage.chatbot_id = chatbot.id) as has_knowledge
      from conversations conversation
      join chatbots chatbot on chatbot.id = conversation.chatbot_id
      where conversation.id = $2::uuid and conversation.visitor_token_hash = $5::text
        and chatbot.public_id = $6::text
    ),
    admitted as (
      select workspace_id,
        -- the key scope: the chatbot's own keys and settings, or the workspace's (chatbot_id null)
        case when llm_key_source = 'own' then chatbot_id end as key_chatbot_id
      from visitor where is_origin_allowed
    ),
    retried_reply as (
      select reply.id
      from messages reply
      join messages question
        on question.conversation_id = reply.conversation_id
       and question.role = 'user'
       and question.content = $1::text
       and question.created_at < reply.created_at
      where reply.conversation_id = $2::uuid
        and reply.role = 'assistant'
        and (reply.status in ('streaming', 'interrupted') or (reply.status = 'failed' and reply.content = ''))
        and not exists (
          select 1 from messages later
          where later.conversation_id = reply.conversation_id and later.created_at > reply.created_at
        )
        and not exists (
          select 1 from messages between_them
          where between_them.conversation_id = reply.conversation_id
            and between_them.created_at > question.created_at and between_them.created_at < reply.created_at
        )
    ),
    stored as (
      insert into messages (id, conversation_id, workspace_id, role, content, status, created_at)
      select $3::uuid, $2::uuid, admitted.workspace_id, 'user', $1::text, 'complete', $4::timestamptz
      from admitted
      where not exists (select 1 from retried_reply)
      returning id
    ),
    started_reply as (
      insert into messages (id, conversation_id, workspace_id, role, content, status, created_at)
      select $10::uuid, $2::uuid, admitted.workspace_id, 'assistant', '', 'streaming', $11::timestamptz
      from admitted
    ),
    recent as (
      select role, content, created_at
      from messages
      where conversation_id = $2::uuid and exists (select 1 from admitted)
        and status not in ('failed', 'streaming') and content <> ''
        and id not in (select id from retried_reply)
      order by created_at desc
      limit $9::int
    )
    select
      (select row_to_json(visitor) from visitor) as visitor,
      (select count(*) from stored) as stored,
      (select json_agg(json_build_object('role', role, 'content', content) order by created_at) from recent) as history,
      (select json_agg(json_build_object(
          'provider', k.provider, 'enabled', k.enabled, 'ciphertext', k.ciphertext, 'model', k.model,
          'masked_key', k.masked_key,
          'is_paused', k.monthly_budget_usd is not null and coalesce((
            select spend.spent_usd from spend_months spend
            where spend.workspace_id = k.workspace_id
              and spend.month = date_trunc('month', $11::timestamptz at time zone 'UTC')::date
              and spend.subject = 'key:' || coalesce('chatbot:' || k.chatbot_id::text, 'workspace') || ':' || k.provider
            ), 0) >= k.monthly_budget_usd))
        from llm_keys k join admitted a
          on k.workspace_id = a.workspace_id and k.chatbot_id is not distinct from a.key_chatbot_id) as keys,
      (select json_build_object(
          'provider_order', s.provider_order, 'use_platform_key', s.use_platform_key,
          'fallback_enabled', s.fallback_enabled, 'fallback_on', s.fallback_on)
        from llm_settings s join admitted a
          on s.workspace_id = a.workspace_id and s.chatbot_id is not distinct from a.key_chatbot_id) as settings`,
);

export async function storeMessageAndLoadContext(
  db: Database,
  message: VisitorMessageInput,
): Promise<TurnContext> {
  const { visitorToken, conversationId } = message;
  if (!isWellFormedVisitor(conversationId, visitorToken)) return { outcome: 'not_found' };
  const [row] = await storeMessageAndReadContext(db, [
    message.content,
    conversationId,
    message.id,
    message.createdAt.toISOString(),
    hashSecretToken(visitorToken),
    message.publicId,
    message.isOwnOrigin,
    message.originCandidates,
    HISTORY_MAX_MESSAGES,
    message.replyId,
    message.replyCreatedAt.toISOString(),
  ]);
  const visitor = row!.visitor;
  if (!visitor) return { outcome: 'not_found' };
  if (!visitor.is_origin_allowed) return { outcome: 'origin_refused' };
  return {
    outcome: 'stored',
    conversation: {
      conversationId,
      workspaceId: visitor.workspace_id,
      chatbotId: visitor.chatbot_id,
      systemPrompt: visitor.system_prompt,
      errorMessage: visitor.error_message,
      hasKnowledge: visitor.has_knowledge,
      pausedMessage: visitor.paused_message,
      isPaused: visitor.is_paused,
      keySource: visitor.llm_key_source === 'own' ? 'chatbot' : 'workspace',
    },
    isStored: Number(row!.stored) === 1,
    history: row!.history ?? [],
    keyRows: (row!.keys ?? []).map((key) => ({
      provider: key.provider,
      enabled: key.enabled,
      ciphertext: key.ciphertext,
      model: key.model,
      maskedKey: key.masked_key,
      isPaused: key.is_paused,
    })),
    settings: settingsFromRow(
      row!.settings && {
        providerOrder: row!.settings.provider_order,
        usePlatformKey: row!.settings.use_platform_key,
        fallbackEnabled: row!.settings.fallback_enabled,
        fallbackOn: row!.settings.fallback_on,
      },
    ),
  };
}
