/** Tokens per day, stacked by provider, in plain SVG. Hover a bar for its numbers. */
import { useEffect, useRef, useState } from 'react';
import type { UsageDay } from '../api-types';
import { formatCompact, formatDay, formatNumber, providerColor, providerIds, providerName } from '../format';

const HEIGHT = 260;
const MARGIN = { top: 12, right: 8, bottom: 28, left: 48 };

/** Every day from `from` to `to` inclusive, as YYYY-MM-DD. */
export function listDays(from: string, to: string): string[] {
  const days: string[] = [];
  const cursor = new Date(`${from}T00:00:00Z`);
  const end = new Date(`${to}T00:00:00Z`);
  if (Number.isNaN(cursor.getTime()) || Number.isNaN(end.getTime())) return days;
  while (cursor <= end && days.length < 400) {
    days.push(cursor.toISOString().slice(0, 10));
    cursor.setUTCDate(cursor.getUTCDate() + 1);
  }
  return days;
}

/** A round upper bound for the axis: 1, 2 or 5 times a power of ten. */
function niceMax(value: number): number {
  if (value <= 0) return 10;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}

interface Stack {
  day: string;
  parts: Array<{ provider: string; inputTokens: number; outputTokens: number }>;
  total: number;
}

export function UsageChart({ days, from, to }: { days: UsageDay[]; from: string; to: string }) {
  const containerRef = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(720);
  useEffect(() => {
    const element = containerRef.current;
    if (!element) return;
    const observer = new ResizeObserver(([entry]) => {
      if (entry) setWidth(Math.max(280, Math.floor(entry.contentRect.width)));
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  const providers = [...new Set(days.map((row) => row.provider))].sort(
    (a, b) => (providerIds as string[]).indexOf(a) - (providerIds as string[]).indexOf(b),
  );
  const stacks: Stack[] = listDays(from, to).map((day) => {
    const parts = providers.map((provider) => {
      const rows = days.filter((row) => row.day === day && row.provider === provider);
      return {
        provider,
        inputTokens: rows.reduce((sum, row) => sum + row.inputTokens, 0),
        outputTokens: rows.reduce((sum, row) => sum + row.outputTokens, 0),
      };
    });
    return { day, parts, total: parts.reduce((sum, part) => sum + part.inputTokens + part.outputTokens, 0) };
  });
  const maximum = niceMax(Math.max(0, ...stacks.map((stack) => stack.total)));
  const plotWidth = width - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const slot = stacks.length > 0 ? plotWidth / stacks.length : plotWidth;
  const barWidth = Math.max(2, Math.min(28, slot * 0.68));
  const labelEvery = Math.max(1, Math.ceil(stacks.length / Math.max(1, Math.floor(plotWidth / 64))));
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((fraction) => fraction * maximum);
  const grandTotal = stacks.reduce((sum, stack) => sum + stack.total, 0);
  const y = (value: number) => MARGIN.top + plotHeight - (value / maximum) * plotHeight;

  return (
    <div className="chart" ref={containerRef}>
      <svg
        width={width}
        height={HEIGHT}
        role="img"
        aria-label={`Tokens per day from ${formatDay(from)} to ${formatDay(to)}: ${formatNumber(grandTotal)} in total.`}
      >
        {ticks.map((tick) => (
          <g key={tick}>
            <line
              x1={MARGIN.left}
              x2={width - MARGIN.right}
              y1={y(tick)}
              y2={y(tick)}
              className={tick === 0 ? 'chart__axis' : 'chart__grid'}
            />
            <text x={MARGIN.left - 8} y={y(tick)} dy="0.32em" textAnchor="end" className="chart__label">
              {formatCompact(tick)}
            </text>
          </g>
        ))}
        {stacks.map((stack, index) => {
          const x = MARGIN.left + index * slot + (slot - barWidth) / 2;
          let offset = 0;
          return (
            <g key={stack.day}>
              {stack.parts.map((part) => {
                const value = part.inputTokens + part.outputTokens;
                if (value === 0) return null;
                const top = y(offset + value);
                const barHeight = Math.max(1, y(offset) - top);
                offset += value;
                return (
                  <rect
                    key={part.provider}
                    x={x}
                    y={top}
                    width={barWidth}
                    height={barHeight}
                    rx={Math.min(3, barWidth / 4)}
                    fill={providerColor(part.provider)}
                    className="chart__bar"
                  >
                    <title>
                      {`${formatDay(stack.day)} · ${providerName(part.provider)}: ${formatNumber(value)} tokens (${formatNumber(part.inputTokens)} input, ${formatNumber(part.outputTokens)} output)`}
                    </title>
                  </rect>
                );
              })}
              {index % labelEvery === 0 ? (
                <text x={x + barWidth / 2} y={HEIGHT - 8} textAnchor="middle" className="chart__label">
                  {formatDay(stack.day)}
                </text>
              ) : null}
            </g>
          );
        })}
      </svg>
      {providers.length > 0 ? (
        <ul className="legend" aria-label="Providers">
          {providers.map((provider) => (
            <li key={provider}>
              <span className="provider-dot" style={{ background: providerColor(provider) }} />
              {providerName(provider)}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
