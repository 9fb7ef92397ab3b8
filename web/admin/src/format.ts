/** Words and numbers as the admin shows them. */
import type { KeyStatus, ProviderId, Role } from './api-types';

export const providerIds: ProviderId[] = ['anthropic', 'openai', 'groq', 'deepseek'];

const providerNames: Record<string, string> = {
  anthropic: 'Anthropic',
  openai: 'OpenAI',
  groq: 'Groq',
  deepseek: 'DeepSeek',
  platform: 'Platform default',
};

export function providerName(provider: string | null | undefined): string {
  if (!provider) return '—';
  return providerNames[provider] ?? provider;
}

/** Fixed colours so a provider looks the same in every chart and legend. */
export const providerColors: Record<string, string> = {
  anthropic: '#d97757',
  openai: '#10a37f',
  groq: '#8b5cf6',
  deepseek: '#3b82f6',
};

export function providerColor(provider: string): string {
  return providerColors[provider] ?? '#94a3b8';
}

export const statusLabels: Record<KeyStatus, string> = {
  ok: 'Working',
  unused: 'Not used yet',
  error: 'Error',
  disabled: 'Disabled',
  paused: 'Paused: budget used up',
};

export const roleNames: Record<Role, string> = {
  owner: 'Owner',
  admin: 'Admin',
  viewer: 'Viewer',
  support: 'Support',
};

export const roleDescriptions: Record<Role, string> = {
  owner: 'Everything, including LLM keys and member roles',
  admin: 'Chatbots, invitations and the audit log',
  viewer: 'Reads everything, changes nothing',
  support: 'Reads conversations to help visitors',
};

const auditActionLabels: Record<string, string> = {
  'llm_key.added': 'Key added',
  'llm_key.replaced': 'Key replaced',
  'llm_key.disabled': 'Key disabled',
  'llm_key.enabled': 'Key enabled',
  'llm_key.deleted': 'Key deleted',
  'llm_key.model_changed': 'Model changed',
  'llm_key.tested': 'Key tested',
  'member.invited': 'Member invited',
  'member.joined': 'Member joined',
  'member.invitation_revoked': 'Invitation revoked',
  'member.role_changed': 'Role changed',
  'member.removed': 'Member removed',
  'chatbot.created': 'Chatbot created',
  'chatbot.updated': 'Chatbot updated',
  'chatbot.deleted': 'Chatbot deleted',
};

/** A person's words for an audit action; unknown actions read as their code with spaces. */
export function auditActionLabel(action: string): string {
  const known = auditActionLabels[action];
  if (known) return known;
  const words = action.replace(/[._]/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const isRole = (value: unknown): value is Role =>
  typeof value === 'string' && Object.prototype.hasOwnProperty.call(roleNames, value);
const roleWord = (value: unknown): string => (isRole(value) ? roleNames[value] : String(value));

/**
 * The short "what exactly" of an audit entry, from its `details`: who was invited and as what, which
 * chatbot, which fields or model changed. Null when there is nothing to add.
 */
export function auditDetails(action: string, details: Record<string, unknown> | null): string | null {
  if (!details) return null;
  const parts: string[] = [];
  if (typeof details.member === 'string') parts.push(details.member);
  if (typeof details.name === 'string') parts.push(details.name);
  const role = details.role;
  if (role && typeof role === 'object') {
    const change = role as { before?: unknown; after?: unknown };
    parts.push(`${roleWord(change.before)} → ${roleWord(change.after)}`);
  } else if (role !== undefined) {
    parts.push(roleWord(role));
  }
  const model = details.model;
  if (action === 'llm_key.model_changed' && model && typeof model === 'object') {
    const change = model as { before?: unknown; after?: unknown };
    const word = (value: unknown) => (typeof value === 'string' && value ? value : 'default');
    parts.push(`${word(change.before)} → ${word(change.after)}`);
  }
  if ((action === 'llm_key.added' || action === 'llm_key.replaced') && model && typeof model === 'object') {
    const after = (model as { after?: unknown }).after;
    if (typeof after === 'string' && after) parts.push(`model ${after}`);
  }
  if (typeof details.previousMaskedKey === 'string') parts.push(`was ${details.previousMaskedKey}`);
  if (Array.isArray(details.changedFields) && details.changedFields.length > 0) {
    parts.push(`changed ${details.changedFields.map((field) => String(field)).join(', ')}`);
  }
  return parts.length > 0 ? parts.join(' · ') : null;
}

const exactFormat = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'medium' });
const shortFormat = new Intl.DateTimeFormat('en', {
  month: 'short',
  day: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
});
const dayFormat = new Intl.DateTimeFormat('en', { month: 'short', day: 'numeric', timeZone: 'UTC' });

export function formatExactTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : exactFormat.format(date);
}

export function formatShortTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : shortFormat.format(date);
}

/** `2025-03-04` → "Mar 4". */
export function formatDay(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  return Number.isNaN(date.getTime()) ? day : dayFormat.format(date);
}

const relativeFormat = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
const relativeSteps: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ['second', 60],
  ['minute', 60],
  ['hour', 24],
  ['day', 30],
  ['month', 12],
  ['year', Number.POSITIVE_INFINITY],
];

/** "3 minutes ago", "yesterday"; "just now" under ten seconds. */
export function formatRelativeTime(iso: string, now: number = Date.now()): string {
  const time = new Date(iso).getTime();
  if (Number.isNaN(time)) return iso;
  let value = (time - now) / 1000;
  if (Math.abs(value) < 10) return 'just now';
  for (const [unit, size] of relativeSteps) {
    if (Math.abs(value) < size) return relativeFormat.format(Math.round(value), unit);
    value /= size;
  }
  return exactFormat.format(new Date(time));
}

const numberFormat = new Intl.NumberFormat('en');
const compactFormat = new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 1 });

export function formatNumber(value: number): string {
  return numberFormat.format(value);
}

export function formatCompact(value: number): string {
  return compactFormat.format(value);
}

/** YYYY-MM-DD of a date in local time, as date inputs use. */
export function toDateInput(date: Date): string {
  const month = String(date.getMonth() + 1).padStart(2, '0');
  const day = String(date.getDate()).padStart(2, '0');
  return `${date.getFullYear()}-${month}-${day}`;
}

/** The date `days` days before today, as YYYY-MM-DD. */
export function daysAgo(days: number, today: Date = new Date()): string {
  const date = new Date(today);
  date.setDate(date.getDate() - days);
  return toDateInput(date);
}

/** Money arrives as decimal strings; it is summed and rounded as scaled integers, never as floats. */
const USD_SCALE = 12;

function toScaled(value: string): bigint {
  const negative = value.startsWith('-');
  const [whole = '0', fraction = ''] = value.replace(/^[-+]/, '').split('.');
  const scaled = BigInt(whole + fraction.padEnd(USD_SCALE, '0').slice(0, USD_SCALE));
  return negative ? -scaled : scaled;
}

function fromScaled(scaled: bigint, places: number): string {
  const negative = scaled < 0n;
  const unit = 10n ** BigInt(USD_SCALE - places);
  const absolute = negative ? -scaled : scaled;
  const rounded = (absolute + unit / 2n) / unit; // half up, away from zero
  const digits = rounded.toString().padStart(places + 1, '0');
  const whole = digits.slice(0, digits.length - places);
  const fraction = places > 0 ? `.${digits.slice(digits.length - places)}` : '';
  return `${negative && rounded !== 0n ? '-' : ''}${whole}${fraction}`;
}

/** The exact sum of decimal strings, as a decimal string without trailing zeros. */
export function sumUsd(values: ReadonlyArray<string | null>): string {
  const total = values.reduce<bigint>((sum, value) => sum + (value ? toScaled(value) : 0n), 0n);
  return fromScaled(total, USD_SCALE).replace(/\.?0+$/, '') || '0';
}

/**
 * `$1,234.57` for amounts of a dollar or more; smaller ones keep up to six decimals so a single
 * message's cost is not shown as `$0.00` (`$0.000412`).
 */
export function formatUsd(value: string | null): string {
  if (value === null) return '—';
  const scaled = toScaled(value);
  const absolute = scaled < 0n ? -scaled : scaled;
  if (absolute >= 10n ** BigInt(USD_SCALE) || absolute === 0n) {
    const [whole, fraction] = fromScaled(scaled, 2).split('.');
    return `$${numberFormat.format(BigInt(whole!) as unknown as number)}.${fraction}`;
  }
  const text = fromScaled(scaled, 6).replace(/0+$/, '');
  if (text === '0.') return '< $0.000001';
  return `$${text.replace(/^(0\.\d)$/, '$10')}`;
}

/** A decimal string as a number, for drawing only (bar heights), never for a figure that is shown. */
export function usdForDrawing(value: string): number {
  return Number(value);
}
