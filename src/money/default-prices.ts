/**
 * The prices BestAI ships with: US dollars per million tokens for the current models of each provider,
 * each with the day it was read from the provider's own price page. A workspace can override any of them
 * (and add models that are not here) on the Prices screen; its own price always wins.
 *
 * `cacheReadPerMTok` is what a token read from the prompt cache costs, `cacheWritePerMTok` what a token
 * written to it costs (Anthropic's 5-minute cache). OpenAI, Groq and DeepSeek charge nothing extra for
 * writing to their caches, so their write price is the input price.
 */
import type { ProviderId } from '../db/schema.js';

/** A decimal string of US dollars, e.g. `"0.15"`; never a float. */
export type Usd = string;

export interface ModelPrice {
  provider: ProviderId;
  model: string;
  inputPerMTok: Usd;
  outputPerMTok: Usd;
  /** Null: cached tokens are billed at the input price. */
  cacheReadPerMTok: Usd | null;
  cacheWritePerMTok: Usd | null;
  /** `YYYY-MM-DD`: the day this price was taken (defaults) or set (workspace prices). */
  asOf: string;
}

export interface DefaultModelPrice extends ModelPrice {
  /** Where the default was read. */
  sourceUrl: string;
}

const anthropic = { asOf: '2025-11-24', sourceUrl: 'https://www.anthropic.com/pricing#api' } as const;
const openai = { asOf: '2025-11-13', sourceUrl: 'https://platform.openai.com/docs/pricing' } as const;
const groq = { asOf: '2025-11-10', sourceUrl: 'https://groq.com/pricing' } as const;
const deepseek = {
  asOf: '2025-09-29',
  sourceUrl: 'https://api-docs.deepseek.com/quick_start/pricing',
} as const;

type Row = [model: string, input: Usd, output: Usd, cacheRead: Usd | null, cacheWrite: Usd | null];

function pricesOf(
  provider: ProviderId,
  origin: { asOf: string; sourceUrl: string },
  rows: Row[],
): DefaultModelPrice[] {
  return rows.map(([model, inputPerMTok, outputPerMTok, cacheReadPerMTok, cacheWritePerMTok]) => ({
    provider,
    model,
    inputPerMTok,
    outputPerMTok,
    cacheReadPerMTok,
    cacheWritePerMTok,
    ...origin,
  }));
}

export const defaultPrices: readonly DefaultModelPrice[] = Object.freeze([
  ...pricesOf('anthropic', anthropic, [
    ['claude-opus-4-5', '5', '25', '0.50', '6.25'],
    ['claude-opus-4-1', '15', '75', '1.50', '18.75'],
    ['claude-opus-4', '15', '75', '1.50', '18.75'],
    ['claude-sonnet-4-5', '3', '15', '0.30', '3.75'],
    ['claude-sonnet-4', '3', '15', '0.30', '3.75'],
    ['claude-3-7-sonnet', '3', '15', '0.30', '3.75'],
    ['claude-haiku-4-5', '1', '5', '0.10', '1.25'],
    ['claude-3-5-haiku', '0.80', '4', '0.08', '1'],
    ['claude-3-haiku', '0.25', '1.25', '0.03', '0.30'],
  ]),
  ...pricesOf('openai', openai, [
    ['gpt-5.1', '1.25', '10', '0.125', '1.25'],
    ['gpt-5', '1.25', '10', '0.125', '1.25'],
    ['gpt-5-mini', '0.25', '2', '0.025', '0.25'],
    ['gpt-5-nano', '0.05', '0.40', '0.005', '0.05'],
    ['gpt-4.1', '2', '8', '0.50', '2'],
    ['gpt-4.1-mini', '0.40', '1.60', '0.10', '0.40'],
    ['gpt-4.1-nano', '0.10', '0.40', '0.025', '0.10'],
    ['gpt-4o', '2.50', '10', '1.25', '2.50'],
    ['gpt-4o-mini', '0.15', '0.60', '0.075', '0.15'],
    ['o3', '2', '8', '0.50', '2'],
    ['o4-mini', '1.10', '4.40', '0.275', '1.10'],
  ]),
  ...pricesOf('groq', groq, [
    ['llama-3.1-70b-versatile', '0.59', '0.79', null, null],
    ['llama-3.3-70b-versatile', '0.59', '0.79', null, null],
    ['llama-3.1-8b-instant', '0.05', '0.08', null, null],
    ['meta-llama/llama-4-maverick-17b-128e-instruct', '0.20', '0.60', null, null],
    ['meta-llama/llama-4-scout-17b-16e-instruct', '0.11', '0.34', null, null],
    ['openai/gpt-oss-120b', '0.15', '0.60', '0.075', '0.15'],
    ['openai/gpt-oss-20b', '0.075', '0.30', '0.0375', '0.075'],
    ['moonshotai/kimi-k2-instruct-0905', '1', '3', '0.50', '1'],
    ['qwen/qwen3-32b', '0.29', '0.59', null, null],
  ]),
  ...pricesOf('deepseek', deepseek, [
    ['deepseek-chat', '0.28', '0.42', '0.028', '0.28'],
    ['deepseek-reasoner', '0.28', '0.42', '0.028', '0.28'],
  ]),
]);

const byProviderAndModel = new Map(
  defaultPrices.map((price) => [`${price.provider}\n${price.model}`, price]),
);

/** Aliases and dated snapshots name the same model: `claude-3-5-haiku-latest`, `gpt-4o-mini-2024-07-18`. */
const aliasSuffix = /-(latest|\d{8}|\d{4}-\d{2}-\d{2})$/;

/**
 * The shipped price of a model, or undefined when BestAI has none. A dated snapshot or a `-latest` or
 * `-0` alias takes its family's price (`claude-haiku-4-5-20251001`, `claude-sonnet-4-0`).
 */
export function findDefaultPrice(provider: string, model: string): DefaultModelPrice | undefined {
  const family = model.replace(aliasSuffix, '').replace(/-0$/, '');
  return byProviderAndModel.get(`${provider}\n${model}`) ?? byProviderAndModel.get(`${provider}\n${family}`);
}
