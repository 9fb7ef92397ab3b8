/**
 * The one cost formula, in SQL, so that money is computed by PostgreSQL's exact `numeric` inside the
 * statement that stores a reply (no float ever holds a price or a cost, and no extra round trip).
 *
 *   cost = (uncached input × input price + cache reads × cache-read price + cache writes × cache-write
 *           price + output × output price) / 1,000,000
 *
 * where "uncached input" is the input tokens less those read from or written to the cache (every adapter
 * reports input tokens with cache reads and writes included). Multiplying by 0.000001 rather than dividing
 * keeps the result exact; `trim_scale` drops the trailing zeros. A missing cache price is the input price.
 *
 * "Saved by caching" is what the cache reads would have cost at the input price, less what they cost.
 *
 * Both fragments take SQL expressions (usually placeholders such as `$10`) for their inputs.
 */

/**
 * A query for the price in force: the workspace's own price for the model, else the shipped one
 * (`defaults`: input, output, cache read, cache write per million tokens, each null when unknown).
 * No row when neither is known.
 */
export function priceInForceSql(inputs: {
  workspaceId: string;
  provider: string;
  model: string;
  defaults: [input: string, output: string, cacheRead: string, cacheWrite: string];
}): string {
  const [input, output, cacheRead, cacheWrite] = inputs.defaults;
  return `select input, output, cache_read, cache_write from (
      select 0 as rank, input_per_mtok as input, output_per_mtok as output,
        coalesce(cache_read_per_mtok, input_per_mtok) as cache_read,
        coalesce(cache_write_per_mtok, input_per_mtok) as cache_write
      from model_prices
      where workspace_id = ${inputs.workspaceId}::uuid and provider = ${inputs.provider}::text
        and model = ${inputs.model}::text
      union all
      select 1, ${input}::numeric, ${output}::numeric, coalesce(${cacheRead}::numeric, ${input}::numeric),
        coalesce(${cacheWrite}::numeric, ${input}::numeric)
      where ${input}::numeric is not null and ${output}::numeric is not null
    ) candidate
    order by rank
    limit 1`;
}

/**
 * A query over a CTE named `price` (from `priceInForceSql`) giving `usd` and `saved`; no row when no
 * price is known or the usage is unknown (a reply cut off before the provider reported it).
 */
export function replyCostSql(tokens: {
  inputTokens: string;
  outputTokens: string;
  cacheReadTokens: string;
  cacheWriteTokens: string;
}): string {
  const cacheRead = `coalesce(${tokens.cacheReadTokens}::int, 0)`;
  const cacheWrite = `coalesce(${tokens.cacheWriteTokens}::int, 0)`;
  const uncached = `greatest(${tokens.inputTokens}::int - ${cacheRead} - ${cacheWrite}, 0)`;
  return `select
      trim_scale((${uncached} * input + ${cacheRead} * cache_read + ${cacheWrite} * cache_write
        + ${tokens.outputTokens}::int * output) * 0.000001) as usd,
      trim_scale(${cacheRead} * greatest(input - cache_read, 0) * 0.000001) as saved
    from price
    where ${tokens.inputTokens}::int is not null and ${tokens.outputTokens}::int is not null`;
}
