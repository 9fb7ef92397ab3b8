/** The shapes of the BestAI admin API, as fixed by the public contract (shared/CONTRACT.md). */

export type Role = 'owner' | 'admin' | 'viewer' | 'support';
export type InvitableRole = Exclude<Role, 'owner'>;
export type ProviderId = 'anthropic' | 'openai' | 'groq' | 'deepseek';
export type KeyStatus = 'ok' | 'unused' | 'error' | 'disabled' | 'paused';

export interface User {
  id: string;
  email: string;
}

export interface WorkspaceMembership {
  id: string;
  name: string;
  role: Role;
  /** What this role may do in the workspace (`/api/me` only; the sign-in answer leaves it out). */
  permissions?: string[];
}

export interface Me {
  user: User;
  workspaces: WorkspaceMembership[];
}

export interface ProviderError {
  code: string;
  message: string;
  at: string;
}

export interface LlmKey {
  provider: ProviderId;
  maskedKey: string;
  model: string | null;
  effectiveModel: string;
  enabled: boolean;
  status: KeyStatus;
  lastUsedAt: string | null;
  lastError: ProviderError | null;
  /** US dollars per calendar month (UTC); null = no budget. */
  monthlyBudgetUsd: string | null;
  spentThisMonthUsd: string;
  createdAt: string;
  updatedAt: string;
}

export interface LlmKeyList {
  keys: LlmKey[];
  defaults: Record<ProviderId, string>;
  activeProvider: ProviderId | 'platform';
}

export interface KeyTestResult {
  ok: boolean;
  lastError: ProviderError | null;
}

export interface AuditEntry {
  id: string;
  at: string;
  actor: { id: string | null; email: string | null };
  action: string;
  provider: string | null;
  maskedKey: string | null;
  ip: string | null;
  userAgent: string | null;
  /** What changed, for non-key actions: e.g. `{member, role}` or `{role: {before, after}}`. */
  details: Record<string, unknown> | null;
}

export interface AuditPage {
  entries: AuditEntry[];
  nextCursor: string | null;
}

export type WidgetPosition = 'left' | 'right';

/** A chatbot's settings. `title`, `greeting` and `errorMessage` are null when not set. */
export interface ChatbotSettings {
  name: string;
  systemPrompt: string;
  allowedOrigins: string[];
  title: string | null;
  greeting: string | null;
  color: string;
  position: WidgetPosition;
  errorMessage: string | null;
  theme: 'light' | 'dark' | 'auto';
  language: 'en' | 'de' | 'fr' | 'es';
  starterQuestions: string[];
}

export interface Chatbot extends ChatbotSettings {
  id: string;
  publicId: string;
  /** US dollars per calendar month (UTC); null = no budget. Owner only. */
  monthlyBudgetUsd: string | null;
  /** What visitors see while a budget is used up; null = the default sentence. Owner only. */
  pausedMessage: string | null;
  spentThisMonthUsd: string;
  isPaused: boolean;
  embedSnippet: string;
  /** The server's `/preview/:publicId` page, as an absolute URL. */
  previewUrl: string;
  createdAt: string;
  updatedAt: string;
}

export interface ConversationSummary {
  id: string;
  chatbotId: string;
  chatbotName: string;
  createdAt: string;
  updatedAt: string;
  messageCount: number;
  preview: string | null;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  /** US dollars; null while no reply has a known cost. */
  costUsd: string | null;
}

export interface ConversationPage {
  conversations: ConversationSummary[];
  nextCursor: string | null;
}

export interface ConversationMessage {
  id: string;
  role: 'user' | 'assistant';
  content: string;
  status: string;
  provider: string | null;
  model: string | null;
  inputTokens: number | null;
  outputTokens: number | null;
  cacheReadTokens: number | null;
  cacheWriteTokens: number | null;
  /** US dollars at the price in force then; null when no price (or no usage) was known. */
  costUsd: string | null;
  timeToFirstTokenMs: number | null;
  durationMs: number | null;
  /** The knowledge sources the answer was given. */
  sources: Array<{ sourceId: string; title: string }>;
  /** The visitor's thumbs up or down on an answer. */
  rating: 'up' | 'down' | null;
  createdAt: string;
}

export interface Conversation {
  id: string;
  chatbotId: string;
  chatbotName: string;
  createdAt: string;
  messages: ConversationMessage[];
}

export interface Member {
  userId: string;
  email: string;
  role: Role;
  createdAt: string;
}

export interface Invitation {
  id: string;
  email: string;
  role: InvitableRole;
  token: string;
  acceptUrl: string;
  expiresAt: string;
  /** New invitations: whether it was mailed (false when email is not configured on the server). */
  emailSent?: boolean;
}

/** An invitation not yet accepted: its link is not shown again (only its hash is stored). */
export interface PendingInvitation {
  id: string;
  email: string;
  role: InvitableRole;
  invitedBy: string | null;
  createdAt: string;
  expiresAt: string;
}

/** What the accept page shows before the invited person acts. */
export interface InvitationPreview {
  workspaceName: string;
  invitedBy: string | null;
  email: string;
  role: InvitableRole;
  hasAccount: boolean;
  expiresAt: string;
}

export type KeySource = 'workspace' | 'platform' | 'chatbot';
export type UsageGrouping = 'day' | 'provider' | 'key' | 'chatbot' | 'model';

/** Sums over assistant messages; money as decimal strings of US dollars. */
export interface UsageCounts {
  messages: number;
  failed: number;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  costUsd: string;
  savedByCachingUsd: string;
  /** Messages with tokens but no known price: not in `costUsd`. */
  unpriced: number;
}

export interface UsageRow extends UsageCounts {
  day?: string;
  provider?: string;
  keySource?: KeySource;
  maskedKey?: string | null;
  chatbotId?: string | null;
  chatbotName?: string | null;
  model?: string;
}

export interface Usage {
  /** The period, UTC days, both included. */
  from: string;
  to: string;
  groupBy: UsageGrouping;
  rows: UsageRow[];
  totals: UsageCounts;
  /** Visitors' thumbs up and down on the period's answers. */
  ratings: { up: number; down: number };
}

/** One entry of a 400 answer's `details`: which field, and what is wrong with it. */
export interface FieldProblem {
  field: string;
  message: string;
}

/** A price in US dollars per million tokens, as a decimal string (never a float). */
export interface ModelPrice {
  provider: ProviderId;
  model: string;
  inputPerMTok: string;
  outputPerMTok: string;
  /** Null: billed at the input price. */
  cacheReadPerMTok: string | null;
  cacheWritePerMTok: string | null;
  source: 'default' | 'workspace';
  /** YYYY-MM-DD: when the default was taken, or the workspace price set. */
  asOf: string;
  sourceUrl: string | null;
}

export interface PriceList {
  prices: ModelPrice[];
  /** Models in use that have no price: their messages show no cost. */
  unknownModels: Array<{ provider: string; model: string }>;
}

export interface Alert {
  id: string;
  at: string;
  kind: 'budget.threshold' | 'key.failing' | 'key.recovered' | 'fallback.used';
  severity: 'info' | 'warning' | 'critical';
  title: string;
  body: string;
  /** The admin path of the one click that fixes it. */
  link: string | null;
  readAt: string | null;
}

export interface AlertList {
  alerts: Alert[];
  unread: number;
}

export interface Account {
  email: string;
  alertEmails: boolean;
  emailConfigured: boolean;
}

export type KnowledgeSourceKind = 'text' | 'url' | 'file';
export type KnowledgeSourceStatus = 'indexing' | 'ready' | 'error';

export interface KnowledgeSource {
  id: string;
  kind: KnowledgeSourceKind;
  title: string;
  status: KnowledgeSourceStatus;
  error?: string;
  chunks: number;
  url: string | null;
  crawl: boolean;
  fileName: string | null;
  indexedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface KnowledgeSettings {
  language: string;
  showSourceLinks: boolean;
}

export interface KnowledgeOverview {
  sources: KnowledgeSource[];
  settings: KnowledgeSettings;
}

export interface RetrievedPassage {
  sourceId: string;
  title: string;
  url: string | null;
  location: string;
  content: string;
  rank: number;
}
