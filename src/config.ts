/**
 * The environment of the public contract, parsed once by one zod schema and frozen.
 * A bad value stops the server with one sentence that names the variable (never its value).
 */
import { isIP } from 'node:net';
import { z } from 'zod';
import { providerTable, type ProviderEntry } from './llm/provider-table.js';

const optionalText = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

const urlWithProtocols = (protocols: string[]) =>
  z
    .string()
    .trim()
    .refine(
      (value) => {
        try {
          return protocols.includes(new URL(value).protocol);
        } catch {
          return false;
        }
      },
      `must be a URL starting with ${protocols.map((protocol) => `${protocol}//`).join(' or ')}`,
    );

/** Node's timers overflow above 2^31 − 1 ms and then fire at once. */
const MAX_TIMER_MS = 2_147_483_647;

/** A whole number read from text; one plain message whatever is wrong with it. */
const wholeNumber = (minimum: number, maximum = Number.MAX_SAFE_INTEGER) => {
  const error =
    maximum === Number.MAX_SAFE_INTEGER
      ? `must be a whole number of at least ${minimum}`
      : `must be a whole number from ${minimum} to ${maximum}`;
  return z.coerce.number({ error }).int({ error }).min(minimum, { error }).max(maximum, { error });
};

const optionalUrl = (protocols: string[]) =>
  z.preprocess((value) => (value === '' ? undefined : value), urlWithProtocols(protocols).optional());

/** proxy-addr's names for address ranges, accepted in TRUST_PROXY like addresses. */
const namedProxyRanges = new Set(['loopback', 'linklocal', 'uniquelocal']);

function isProxyAddress(entry: string): boolean {
  if (namedProxyRanges.has(entry)) return true;
  const [address = '', prefix, ...extra] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || extra.length > 0) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return isIP(prefix) === 4 && family === 4;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}

/**
 * TRUST_PROXY → Fastify's `trustProxy`: `true`/`false`, a hop count, or the addresses/CIDRs of the proxies
 * in front. Unset → false: `X-Forwarded-For` is ignored and the socket's address counts.
 */
const trustProxySchema = z
  .string()
  .trim()
  .transform((value, context): boolean | number | string[] => {
    if (/^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
    if (/^\d+$/.test(value)) return Number(value);
    const entries = value
      .split(',')
      .map((entry) => entry.trim())
      .filter((entry) => entry !== '');
    if (entries.length > 0 && entries.every(isProxyAddress)) return entries;
    context.addIssue({
      code: 'custom',
      message: 'must be true, a number of proxies, or comma-separated proxy addresses or CIDRs',
    });
    return z.NEVER;
  });

const baseUrlSetting = (defaultBaseUrl: string) =>
  urlWithProtocols(['http:', 'https:']).default(defaultBaseUrl);

/** `ANTHROPIC_BASE_URL`, `OPENAI_BASE_URL`, …: one per row of the provider table. */
const baseUrlVariables = Object.fromEntries(
  providerTable.map((entry) => [entry.baseUrlVariable, baseUrlSetting(entry.defaultBaseUrl)]),
) as Record<ProviderEntry['baseUrlVariable'], ReturnType<typeof baseUrlSetting>>;

const environmentSchema = z.object({
  PORT: wholeNumber(0, 65535).default(3000),
  HOST: z.string().trim().min(1).default('127.0.0.1'),
  PUBLIC_URL: optionalUrl(['http:', 'https:']),
  DATABASE_URL: optionalUrl(['postgres:', 'postgresql:']),
  BESTAI_DATA_DIR: z.string().trim().min(1).default('./data'),
  BESTAI_SECRET: optionalText,
  BESTAI_PREVIOUS_SECRETS: optionalText,
  REDIS_URL: optionalUrl(['redis:', 'rediss:']),
  PLATFORM_ANTHROPIC_API_KEY: optionalText,
  ...baseUrlVariables,
  /** `smtp://user:pass@host:port` or `smtps://…`; unset → no mail is sent. */
  SMTP_URL: optionalUrl(['smtp:', 'smtps:']),
  /** The sender of BestAI's mail, e.g. `BestAI <no-reply@example.com>`; default `BestAI <no-reply@{PUBLIC_URL's host}>`. */
  MAIL_FROM: optionalText,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Upstream timeouts, in milliseconds (connect = until response headers); at most what `setTimeout` can hold. */
  PROVIDER_CONNECT_TIMEOUT_MS: wholeNumber(1, MAX_TIMER_MS).default(10_000),
  PROVIDER_FIRST_TOKEN_TIMEOUT_MS: wholeNumber(1, MAX_TIMER_MS).default(60_000),
  PROVIDER_IDLE_TIMEOUT_MS: wholeNumber(1, MAX_TIMER_MS).default(60_000),
  /**
   * Bounds on every PostgreSQL call: connecting (and waiting for a pooled connection), and each statement.
   * A frozen or unreachable database then gives 503s, never a hang.
   */
  DATABASE_CONNECT_TIMEOUT_MS: wholeNumber(1, MAX_TIMER_MS).default(5_000),
  DATABASE_STATEMENT_TIMEOUT_MS: wholeNumber(1, MAX_TIMER_MS).default(10_000),
  /** Public widget limits, per IP and chatbot, per minute. */
  WIDGET_CONVERSATIONS_PER_MINUTE: wholeNumber(1).default(30),
  WIDGET_MESSAGES_PER_MINUTE: wholeNumber(1).default(60),
  /** `1` lets knowledge URLs reach loopback and private addresses: tests and intranets only. */
  KNOWLEDGE_ALLOW_PRIVATE_URLS: z.enum(['0', '1'], { error: 'must be 0 or 1' }).default('0'),
  TRUST_PROXY: trustProxySchema.default(false),
  /** Set → `GET /metrics` needs `Authorization: Bearer {METRICS_TOKEN}`. */
  METRICS_TOKEN: optionalText,
});

export type Environment = z.infer<typeof environmentSchema>;

export interface Config extends Environment {
  /** `PUBLIC_URL` without a trailing slash, or `http://HOST:PORT`. */
  readonly publicUrl: string;
  /** The origin of `publicUrl`, compared with `Origin` headers. */
  readonly publicOrigin: string;
  readonly isSecureCookie: boolean;
  readonly previousSecrets: readonly string[];
  /** `MAIL_FROM`, or BestAI at the public host. */
  readonly mailFrom: string;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses the environment once. Throws a `ConfigError` whose message names the first bad variable. */
export function loadConfig(environment: NodeJS.ProcessEnv = process.env): Readonly<Config> {
  // An empty or blank variable (`PORT=` in a compose file) means unset: its default, not `Number('') = 0`.
  const relevant = Object.fromEntries(
    Object.keys(environmentSchema.shape)
      .filter((name) => environment[name] !== undefined && environment[name].trim() !== '')
      .map((name) => [name, environment[name]]),
  );
  const parsed = environmentSchema.safeParse(relevant);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const variable = String(issue.path[0] ?? 'environment');
    throw new ConfigError(`${variable} is not valid: ${issue.message}.`);
  }
  const values = parsed.data;
  // An IPv6 address needs brackets in a URL (`http://[::1]:3000`).
  const host = values.HOST.includes(':') ? `[${values.HOST}]` : values.HOST;
  const publicUrl = (values.PUBLIC_URL ?? `http://${host}:${values.PORT}`).replace(/\/+$/, '');
  const previousSecrets = (values.BESTAI_PREVIOUS_SECRETS ?? '')
    .split(',')
    .map((secret) => secret.trim())
    .filter((secret) => secret.length > 0);
  return Object.freeze({
    ...values,
    publicUrl,
    publicOrigin: new URL(publicUrl).origin,
    isSecureCookie: publicUrl.startsWith('https:'),
    previousSecrets,
    mailFrom: values.MAIL_FROM ?? `BestAI <no-reply@${new URL(publicUrl).hostname}>`,
  });
}
