/**
 * Anthropic prompt caching: a system prompt marked with `cache_control` is cached for five minutes, and
 * every message that starts with the same prefix reads it at a tenth of the input price (writing it costs
 * 1.25×). A chatbot's system prompt is the same for every visitor, so a long one is marked.
 *
 * Prompts shorter than the model's minimum are never cached (Anthropic ignores the mark); they are sent
 * as a plain string. Tokens are estimated from characters on the low side (3 per token), so a prompt at
 * the edge is marked rather than missed.
 * @see https://docs.anthropic.com/en/docs/build-with-claude/prompt-caching#cache-limitations
 */

const charactersPerTokenLowEstimate = 3;

/** The minimum cacheable prompt length of a model, in tokens. */
export function minimumCacheableTokens(model: string): number {
  if (/haiku-4-5|opus-4-5/.test(model)) return 4096;
  if (/claude-3-(5-)?haiku/.test(model)) return 2048;
  return 1024;
}

export type AnthropicSystem = string | [{ type: 'text'; text: string; cache_control: { type: 'ephemeral' } }];

/** The `system` field: marked for the cache when it is long enough to be cached. */
export function anthropicSystem(model: string, system: string): AnthropicSystem {
  if (system.length < minimumCacheableTokens(model) * charactersPerTokenLowEstimate) return system;
  return [{ type: 'text', text: system, cache_control: { type: 'ephemeral' } }];
}
