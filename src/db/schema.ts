/**
 * The one database schema, shared by embedded PGlite and PostgreSQL.
 * Uses nothing newer than PostgreSQL 15. Ids are UUIDs generated in the application.
 * Every table that holds workspace data carries `workspace_id`, so every query can filter by it.
 */
import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  check,
  customType,
  date,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  unique,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { providerIds, type ProviderId } from '../llm/provider-table.js';

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
const updatedAt = () => timestamp('updated_at', { withTimezone: true }).notNull().defaultNow();

export const users = pgTable('users', {
  id: uuid('id').primaryKey(),
  /** Stored lower-cased and trimmed; unique. */
  email: text('email').notNull().unique(),
  passwordHash: text('password_hash').notNull(),
  /** Whether the user gets workspace alerts by mail (owners and admins only receive them). */
  alertEmails: boolean('alert_emails').notNull().default(true),
  createdAt: createdAt(),
});

export const workspaces = pgTable('workspaces', {
  id: uuid('id').primaryKey(),
  name: text('name').notNull(),
  createdAt: createdAt(),
});

export const memberships = pgTable(
  'memberships',
  {
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    role: text('role', { enum: ['owner', 'admin', 'viewer', 'support'] }).notNull(),
    createdAt: createdAt(),
  },
  (table) => [
    primaryKey({ columns: [table.workspaceId, table.userId] }),
    index('memberships_user_idx').on(table.userId),
    check('memberships_role_check', sql`${table.role} in ('owner','admin','viewer','support')`),
  ],
);

export const sessions = pgTable(
  'sessions',
  {
    /** SHA-256 (hex) of the session token; the token itself is never stored. */
    tokenHash: text('token_hash').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (table) => [index('sessions_user_idx').on(table.userId)],
);

export const invitations = pgTable(
  'invitations',
  {
    id: uuid('id').primaryKey(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    email: text('email').notNull(),
    role: text('role', { enum: ['admin', 'viewer', 'support'] }).notNull(),
    /** SHA-256 (hex) of the single-use token. */
    tokenHash: text('token_hash').notNull().unique(),
    invitedBy: uuid('invited_by').references(() => users.id, { onDelete: 'set null' }),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    acceptedAt: timestamp('accepted_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (table) => [index('invitations_workspace_idx').on(table.workspaceId)],
);

/**
 * One row per provider per key scope: the workspace (`chatbot_id` null) or a chatbot with its own keys.
 * `ciphertext` is a vault record bound to the scope; the key is never stored in clear.
 */
export const llmKeys = pgTable(
  'llm_keys',
  {
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    /** Null for the workspace's keys; the chatbot's id for a chatbot's own keys. */
    chatbotId: uuid('chatbot_id').references(() => chatbots.id, { onDelete: 'cascade' }),
    provider: text('provider', { enum: providerIds }).notNull(),
    ciphertext: text('ciphertext').notNull(),
    /** Id of the application secret that wrapped the data key: rotation re-wraps rows whose id is old. */
    secretId: text('secret_id').notNull(),
    maskedKey: text('masked_key').notNull(),
    /** The model override; null → the provider default. */
    model: text('model'),
    enabled: boolean('enabled').notNull().default(true),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    /** Last successful live check (Test), so a tested but unused key shows as working. */
    lastVerifiedAt: timestamp('last_verified_at', { withTimezone: true }),
    lastErrorCode: text('last_error_code'),
    lastErrorMessage: text('last_error_message'),
    lastErrorAt: timestamp('last_error_at', { withTimezone: true }),
    /** US dollars per calendar month (UTC); null = no budget. At or over it the key is paused. */
    monthlyBudgetUsd: numeric('monthly_budget_usd'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [
    unique('llm_keys_scope_provider_unique')
      .on(table.workspaceId, table.chatbotId, table.provider)
      .nullsNotDistinct(),
    index('llm_keys_secret_idx').on(table.secretId),
  ],
);

/**
 * How a key scope picks its key (contract: "Which provider answers"). No row → the defaults: the
 * provider table's order, the platform key allowed, no fallback.
 */
export const llmSettings = pgTable(
  'llm_settings',
  {
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    chatbotId: uuid('chatbot_id').references(() => chatbots.id, { onDelete: 'cascade' }),
    /** Every provider once, first choice first. */
    providerOrder: jsonb('provider_order').$type<ProviderId[]>().notNull(),
    usePlatformKey: boolean('use_platform_key').notNull().default(true),
    fallbackEnabled: boolean('fallback_enabled').notNull().default(false),
    /** The failure codes that move a message on to the next candidate. */
    fallbackOn: jsonb('fallback_on').$type<string[]>().notNull().default([]),
    updatedAt: updatedAt(),
  },
  (table) => [unique('llm_settings_scope_unique').on(table.workspaceId, table.chatbotId).nullsNotDistinct()],
);

/**
 * A value sealed under the application secret at first start. If the configured secrets cannot open it,
 * the server refuses to start instead of running half-working.
 */
export const vaultCheck = pgTable('vault_check', {
  id: integer('id').primaryKey(),
  secretId: text('secret_id').notNull(),
  checkValue: text('check_value').notNull(),
  updatedAt: updatedAt(),
});

/** Append-only. Holds provider name and masked key only, never a key. */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    actorId: uuid('actor_id'),
    actorEmail: text('actor_email'),
    ip: text('ip'),
    userAgent: text('user_agent'),
    action: text('action').notNull(),
    provider: text('provider'),
    maskedKey: text('masked_key'),
    /** Non-secret before/after values, e.g. `{ model: { before, after } }`, or the subject of a member action. */
    details: jsonb('details').$type<Record<string, unknown>>(),
  },
  (table) => [index('audit_log_workspace_idx').on(table.workspaceId, table.id)],
);

export const chatbots = pgTable(
  'chatbots',
  {
    id: uuid('id').primaryKey(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    /** The id in the embed snippet; public, unguessable. */
    publicId: text('public_id').notNull().unique(),
    name: text('name').notNull(),
    systemPrompt: text('system_prompt').notNull().default(''),
    allowedOrigins: jsonb('allowed_origins').$type<string[]>().notNull().default([]),
    title: text('title'),
    greeting: text('greeting'),
    color: text('color').notNull().default('#4f46e5'),
    position: text('position', { enum: ['left', 'right'] })
      .notNull()
      .default('right'),
    errorMessage: text('error_message'),
    /** The widget's colours: light, dark, or the visitor's system setting (`prefers-color-scheme`). */
    theme: text('theme', { enum: ['light', 'dark', 'auto'] })
      .notNull()
      .default('light'),
    /** The language of the widget's own words; the owner's greeting and messages stay as written. */
    language: text('language', { enum: ['en', 'de', 'fr', 'es'] })
      .notNull()
      .default('en'),
    /** Up to four questions a visitor can send with one tap. */
    starterQuestions: jsonb('starter_questions').$type<string[]>().notNull().default([]),
    /** US dollars per calendar month (UTC); null = no budget. At or over it the chatbot answers nothing. */
    monthlyBudgetUsd: numeric('monthly_budget_usd'),
    /** What visitors see while a budget is used up; null = the default sentence. */
    pausedMessage: text('paused_message'),
    /** `own` → only this chatbot's keys and settings answer for it; the workspace's never do. */
    llmKeySource: text('llm_key_source', { enum: ['workspace', 'own'] })
      .notNull()
      .default('workspace'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [
    index('chatbots_workspace_idx').on(table.workspaceId),
    check('chatbots_llm_key_source_check', sql`${table.llmKeySource} in ('workspace','own')`),
  ],
);

/**
 * Origins a chatbot's widget was refused on lately (one row per origin, the latest time and a count), so
 * the admin can show an owner who forgot to list their site.
 */
export const chatbotRefusedOrigins = pgTable(
  'chatbot_refused_origins',
  {
    chatbotId: uuid('chatbot_id')
      .notNull()
      .references(() => chatbots.id, { onDelete: 'cascade' }),
    origin: text('origin').notNull(),
    refusals: integer('refusals').notNull().default(1),
    lastRefusedAt: timestamp('last_refused_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.chatbotId, table.origin] })],
);

export const conversations = pgTable(
  'conversations',
  {
    id: uuid('id').primaryKey(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    chatbotId: uuid('chatbot_id')
      .notNull()
      .references(() => chatbots.id, { onDelete: 'cascade' }),
    /** SHA-256 (hex) of the visitor token bound to this conversation. */
    visitorTokenHash: text('visitor_token_hash').notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [index('conversations_workspace_idx').on(table.workspaceId, table.chatbotId, table.createdAt)],
);

/** Who answered an assistant message: BestAI's platform key, the workspace's key, or the chatbot's own. */
export const keySources = ['platform', 'workspace', 'chatbot'] as const;
export type MessageKeySource = (typeof keySources)[number];

export const messages = pgTable(
  'messages',
  {
    id: uuid('id').primaryKey(),
    conversationId: uuid('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    role: text('role', { enum: ['user', 'assistant'] }).notNull(),
    content: text('content').notNull(),
    /** user: complete. assistant: streaming → complete | interrupted | failed. */
    status: text('status', { enum: ['streaming', 'complete', 'interrupted', 'failed'] }).notNull(),
    /** The provider that answered. Null on visitor messages. */
    provider: text('provider'),
    /**
     * The key scope that answered: 'platform' (the platform key), 'workspace' (the workspace's own key) or
     * 'chatbot' (the conversation's chatbot's own key). Null on visitor messages.
     */
    keySource: text('key_source', { enum: keySources }),
    /** Mask of the workspace key that served it, for usage by key; survives the key's deletion. */
    maskedKey: text('masked_key'),
    model: text('model'),
    /** All input tokens, including those read from and written to the provider's prompt cache. */
    inputTokens: integer('input_tokens'),
    outputTokens: integer('output_tokens'),
    cacheReadTokens: integer('cache_read_tokens'),
    cacheWriteTokens: integer('cache_write_tokens'),
    /** US dollars at the price in force when the reply was stored; null when no price or no usage was known. */
    costUsd: numeric('cost_usd'),
    timeToFirstTokenMs: integer('time_to_first_token_ms'),
    durationMs: integer('duration_ms'),
    errorCode: text('error_code'),
    /** The knowledge sources whose passages went to the provider with this reply; null when none did. */
    sources: jsonb('sources').$type<Array<{ sourceId: string; title: string }>>(),
    /** The visitor's rating of an answer: 1 (thumbs up), -1 (thumbs down), null when not rated. */
    rating: smallint('rating'),
    /** Set when the owner's fallback moved this reply on: the candidate that failed first, and why. */
    fallbackFrom: jsonb('fallback_from').$type<{ provider: ProviderId; code: string }>(),
    createdAt: createdAt(),
    /**
     * Database time of the last write. While a reply streams, its process rewrites it (with the partial
     * text) every few seconds; a `streaming` row that stops moving was left by a dead process.
     */
    updatedAt: updatedAt(),
  },
  (table) => [
    index('messages_conversation_idx').on(table.conversationId, table.createdAt),
    index('messages_workspace_created_idx').on(table.workspaceId, table.createdAt),
    // Small: only the replies streaming right now. The stale-reply sweep reads it.
    index('messages_streaming_idx')
      .on(table.updatedAt)
      .where(sql`${table.status} = 'streaming'`),
  ],
);

/**
 * Background work any instance may run: claimed with `for update skip locked`, held by a lease that the
 * runner renews while the job runs, so a crashed instance's job is taken over once the lease lapses.
 */
export const jobs = pgTable(
  'jobs',
  {
    id: uuid('id').primaryKey(),
    kind: text('kind').notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    /** Two enqueues with the same key make one job, whatever instance enqueues them. */
    dedupeKey: text('dedupe_key').unique(),
    status: text('status', { enum: ['pending', 'running', 'done', 'failed'] })
      .notNull()
      .default('pending'),
    runAt: timestamp('run_at', { withTimezone: true }).notNull().defaultNow(),
    attempts: integer('attempts').notNull().default(0),
    maxAttempts: integer('max_attempts').notNull().default(10),
    /** The instance holding the job, and until when; a lapsed lease lets another instance take it. */
    lockedBy: text('locked_by'),
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    lastError: text('last_error'),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (table) => [
    index('jobs_due_idx').on(table.status, table.runAt),
    check('jobs_status_check', sql`${table.status} in ('pending','running','done','failed')`),
  ],
);

export const alertKinds = ['budget.threshold', 'key.failing', 'key.recovered', 'fallback.used'] as const;
export const alertSeverities = ['info', 'warning', 'critical'] as const;

/** What owners and admins should know about their workspace. Written once per `dedupe_key`. */
export const alerts = pgTable(
  'alerts',
  {
    id: uuid('id').primaryKey(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: alertKinds }).notNull(),
    severity: text('severity', { enum: alertSeverities }).notNull(),
    title: text('title').notNull(),
    body: text('body').notNull(),
    /** A path in the admin (e.g. `/integrations/llm`), the one click that fixes it. */
    link: text('link'),
    dedupeKey: text('dedupe_key').notNull(),
    createdAt: createdAt(),
  },
  (table) => [
    uniqueIndex('alerts_dedupe_idx').on(table.workspaceId, table.dedupeKey),
    index('alerts_workspace_idx').on(table.workspaceId, table.createdAt),
  ],
);

/** Which user has read which alert: each owner and admin has their own unread count. */
export const alertReads = pgTable(
  'alert_reads',
  {
    alertId: uuid('alert_id')
      .notNull()
      .references(() => alerts.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    readAt: timestamp('read_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.alertId, table.userId] })],
);

/**
 * The health of one key across messages, for `key.failing`: an incident opens after 3 failed messages in
 * a row or 2 minutes of failures, and closes on the next success.
 */
export const keyIncidents = pgTable(
  'key_incidents',
  {
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    /** The key's scope and provider, e.g. `workspace:anthropic`. */
    keyRef: text('key_ref').notNull(),
    consecutiveFailures: integer('consecutive_failures').notNull().default(0),
    failingSince: timestamp('failing_since', { withTimezone: true }),
    /** Set once `key.failing` was raised for the current run of failures; cleared by a success. */
    incidentId: uuid('incident_id'),
    updatedAt: updatedAt(),
  },
  (table) => [primaryKey({ columns: [table.workspaceId, table.keyRef] })],
);

/** Password reset requests: single use, one hour, the token stored only as its SHA-256. */
export const passwordResets = pgTable(
  'password_resets',
  {
    tokenHash: text('token_hash').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (table) => [index('password_resets_user_idx').on(table.userId)],
);

/** PostgreSQL's full-text document type; written and read only through SQL functions, never as text. */
const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });
/** Raw bytes (an uploaded file kept for refreshes). */
const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({ dataType: () => 'bytea' });

export const knowledgeSourceKinds = ['text', 'url', 'file'] as const;
export const knowledgeSourceStatuses = ['indexing', 'ready', 'error'] as const;
/** Text-search configurations a chatbot may use; all ship with PostgreSQL 15 and PGlite. */
export const knowledgeLanguages = [
  'simple',
  'danish',
  'dutch',
  'english',
  'finnish',
  'french',
  'german',
  'hungarian',
  'italian',
  'norwegian',
  'portuguese',
  'romanian',
  'russian',
  'spanish',
  'swedish',
  'turkish',
] as const;

/**
 * A chatbot's knowledge source: pasted text, a URL (optionally crawled), or an uploaded file (its bytes kept,
 * so it can be indexed again). Indexing is a `knowledge.index` job; `generation` moves on every refresh, and
 * a job that finishes an older generation writes nothing.
 */
export const knowledgeSources = pgTable(
  'knowledge_sources',
  {
    id: uuid('id').primaryKey(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    chatbotId: uuid('chatbot_id')
      .notNull()
      .references(() => chatbots.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: knowledgeSourceKinds }).notNull(),
    title: text('title').notNull(),
    /** kind `text`: the pasted text. */
    content: text('content'),
    /** kind `url`: the page; with `crawl`, also the same-site pages it links to. */
    url: text('url'),
    crawl: boolean('crawl').notNull().default(false),
    /** kind `file`. */
    fileName: text('file_name'),
    fileData: bytea('file_data'),
    status: text('status', { enum: knowledgeSourceStatuses }).notNull(),
    error: text('error'),
    chunks: integer('chunks').notNull().default(0),
    generation: integer('generation').notNull().default(1),
    indexedAt: timestamp('indexed_at', { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [
    index('knowledge_sources_chatbot_idx').on(table.workspaceId, table.chatbotId, table.createdAt),
    check('knowledge_sources_kind_check', sql`${table.kind} in ('text','url','file')`),
    check('knowledge_sources_status_check', sql`${table.status} in ('indexing','ready','error')`),
  ],
);

/** Passages of ~1–2k characters; `search_vector` is built in SQL with the chatbot's language. */
export const knowledgePassages = pgTable(
  'knowledge_passages',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    chatbotId: uuid('chatbot_id')
      .notNull()
      .references(() => chatbots.id, { onDelete: 'cascade' }),
    sourceId: uuid('source_id')
      .notNull()
      .references(() => knowledgeSources.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    /** Where the passage came from inside the source: a page's URL, or a heading. */
    location: text('location').notNull().default(''),
    /** The headings above the passage ("Shipping › Europe"); weighted above the body in the search. */
    heading: text('heading').notNull().default(''),
    content: text('content').notNull(),
    searchVector: tsvector('search_vector').notNull(),
  },
  (table) => [
    index('knowledge_passages_chatbot_idx').on(table.chatbotId),
    index('knowledge_passages_source_idx').on(table.sourceId),
    index('knowledge_passages_search_idx').using('gin', table.searchVector),
  ],
);

/** A chatbot's knowledge settings; no row means the defaults (English, no links in the widget). */
export const knowledgeSettings = pgTable('knowledge_settings', {
  chatbotId: uuid('chatbot_id')
    .primaryKey()
    .references(() => chatbots.id, { onDelete: 'cascade' }),
  workspaceId: uuid('workspace_id')
    .notNull()
    .references(() => workspaces.id, { onDelete: 'cascade' }),
  language: text('language', { enum: knowledgeLanguages }).notNull().default('english'),
  showSourceLinks: boolean('show_source_links').notNull().default(false),
  updatedAt: updatedAt(),
});

/** A workspace's own price for a model; it wins over the price BestAI ships (src/money/default-prices.ts). */
export const modelPrices = pgTable(
  'model_prices',
  {
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    provider: text('provider', { enum: providerIds }).notNull(),
    model: text('model').notNull(),
    inputPerMTok: numeric('input_per_mtok').notNull(),
    outputPerMTok: numeric('output_per_mtok').notNull(),
    /** Null: billed at the input price. */
    cacheReadPerMTok: numeric('cache_read_per_mtok'),
    cacheWritePerMTok: numeric('cache_write_per_mtok'),
    updatedAt: updatedAt(),
  },
  (table) => [primaryKey({ columns: [table.workspaceId, table.provider, table.model] })],
);

/**
 * Assistant messages that reached a provider, summed per UTC day, chatbot, provider, key and model, kept
 * by the statement that stores each reply: usage over long periods reads days, not messages.
 * Absent parts are '' rather than null so that the primary key can take the upsert.
 */
export const usageDays = pgTable(
  'usage_days',
  {
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    day: date('day').notNull(),
    chatbotId: uuid('chatbot_id')
      .notNull()
      .references(() => chatbots.id, { onDelete: 'cascade' }),
    provider: text('provider').notNull(),
    keySource: text('key_source', { enum: keySources }).notNull(),
    /** '' for the platform key. */
    maskedKey: text('masked_key').notNull(),
    model: text('model').notNull(),
    messages: integer('messages').notNull().default(0),
    failed: integer('failed').notNull().default(0),
    inputTokens: bigint('input_tokens', { mode: 'number' }).notNull().default(0),
    outputTokens: bigint('output_tokens', { mode: 'number' }).notNull().default(0),
    cacheReadTokens: bigint('cache_read_tokens', { mode: 'number' }).notNull().default(0),
    cacheWriteTokens: bigint('cache_write_tokens', { mode: 'number' }).notNull().default(0),
    costUsd: numeric('cost_usd').notNull().default('0'),
    /** What the cache reads would have cost at the input price, less what they cost. */
    savedByCachingUsd: numeric('saved_by_caching_usd').notNull().default('0'),
    /** Messages with tokens but no known price: their cost is missing from `cost_usd`. */
    unpriced: integer('unpriced').notNull().default(0),
  },
  (table) => [
    primaryKey({
      columns: [
        table.workspaceId,
        table.day,
        table.chatbotId,
        table.provider,
        table.keySource,
        table.maskedKey,
        table.model,
      ],
    }),
  ],
);

/**
 * What each chatbot and each key row has spent in a calendar month (UTC), added to by the statement that
 * stores each reply, so a budget check reads one row. `subject` is `chatbot:<id>`, `key:workspace:<provider>`
 * or, for a chatbot's own key, `key:chatbot:<chatbot id>:<provider>` (`keySubject` in money/budgets.ts).
 */
export const spendMonths = pgTable(
  'spend_months',
  {
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    month: date('month').notNull(),
    subject: text('subject').notNull(),
    spentUsd: numeric('spent_usd').notNull().default('0'),
  },
  (table) => [primaryKey({ columns: [table.workspaceId, table.month, table.subject] })],
);

export const schema = {
  users,
  workspaces,
  memberships,
  sessions,
  invitations,
  llmKeys,
  llmSettings,
  vaultCheck,
  auditLog,
  chatbots,
  chatbotRefusedOrigins,
  conversations,
  messages,
  jobs,
  alerts,
  alertReads,
  keyIncidents,
  passwordResets,
  knowledgeSources,
  knowledgePassages,
  knowledgeSettings,
  modelPrices,
  usageDays,
  spendMonths,
};

export type Role = (typeof memberships.$inferSelect)['role'];
export { providerIds, type ProviderId };
