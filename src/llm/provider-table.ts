/**
 * The one table of the providers BestAI speaks to. Everything that is a fact about a provider — its id,
 * the name people see, its default model, where its API lives and which variable moves it, the wire
 * format it speaks, what its keys look like, and its place in the default order — is written here once.
 * The database schema, the configuration, the adapters, the routes and the admin console all read it.
 *
 * It imports nothing, so the schema and the admin's bundle can use it without pulling in the server.
 */

/** How a provider is spoken to: the Anthropic Messages API, or the OpenAI Chat Completions family. */
export type WireFormat = 'anthropic-messages' | 'openai-chat-completions';

export interface ProviderFacts {
  readonly id: string;
  /** The name on screen and in sentences ("OpenAI answers instead"). */
  readonly name: string;
  /** Used when a key has no model override, and listed in the API's `defaults`. */
  readonly defaultModel: string;
  /** The environment variable that overrides the API root. */
  readonly baseUrlVariable: string;
  /** The API root including its version segment. */
  readonly defaultBaseUrl: string;
  readonly wireFormat: WireFormat;
  /** How the provider's keys begin: a hint in the admin's form, never a check (providers change formats). */
  readonly keyPrefix: string;
}

/** In the product doc's order, which is also every key scope's default `providerOrder`. */
export const providerTable = [
  {
    id: 'anthropic',
    name: 'Anthropic',
    defaultModel: 'claude-haiku-4-5',
    baseUrlVariable: 'ANTHROPIC_BASE_URL',
    defaultBaseUrl: 'https://api.anthropic.com/v1',
    wireFormat: 'anthropic-messages',
    keyPrefix: 'sk-ant-',
  },
  {
    id: 'openai',
    name: 'OpenAI',
    defaultModel: 'gpt-4o-mini',
    baseUrlVariable: 'OPENAI_BASE_URL',
    defaultBaseUrl: 'https://api.openai.com/v1',
    wireFormat: 'openai-chat-completions',
    keyPrefix: 'sk-',
  },
  {
    id: 'groq',
    name: 'Groq',
    defaultModel: 'llama-3.1-70b-versatile',
    baseUrlVariable: 'GROQ_BASE_URL',
    defaultBaseUrl: 'https://api.groq.com/openai/v1',
    wireFormat: 'openai-chat-completions',
    keyPrefix: 'gsk_',
  },
  {
    id: 'deepseek',
    name: 'DeepSeek',
    defaultModel: 'deepseek-chat',
    baseUrlVariable: 'DEEPSEEK_BASE_URL',
    defaultBaseUrl: 'https://api.deepseek.com/v1',
    wireFormat: 'openai-chat-completions',
    keyPrefix: 'sk-',
  },
] as const satisfies readonly ProviderFacts[];

export type ProviderId = (typeof providerTable)[number]['id'];
export type ProviderEntry = (typeof providerTable)[number];

/** The ids in the default order, as a tuple for enums (zod, drizzle). */
export const providerIds = providerTable.map((entry) => entry.id) as unknown as readonly [
  ProviderId,
  ...ProviderId[],
];

/** Anthropic, with its default model, answers for a key scope without a key when the scope allows it. */
export const platformProviderId = 'anthropic' satisfies ProviderId;

const byId = new Map<string, ProviderEntry>(providerTable.map((entry) => [entry.id, entry]));

export function isProviderId(value: unknown): value is ProviderId {
  return typeof value === 'string' && byId.has(value);
}

export function providerEntry(id: ProviderId): ProviderEntry {
  return byId.get(id)!;
}

export function providerNameOf(id: ProviderId): string {
  return providerEntry(id).name;
}

export function defaultModelOf(id: ProviderId): string {
  return providerEntry(id).defaultModel;
}

/** `{anthropic: "claude-haiku-4-5", …}`, the API's `defaults`. */
export function listDefaultModels(): Record<ProviderId, string> {
  return Object.fromEntries(providerTable.map((entry) => [entry.id, entry.defaultModel])) as Record<
    ProviderId,
    string
  >;
}
