/** Cost per day in plain SVG. Hover a bar for its numbers. */
import { useEffect, useRef, useState } from 'react';
import type { UsageRow } from '../api-types';
import { formatDay, formatNumber, formatUsd, sumUsd, usdForDrawing } from '../format';

/** Axis labels are round numbers chosen for drawing; `$0.05`, `$1.5`, `$20`. */
function formatAxisUsd(value: number): string {
  return `$${Number(value.toPrecision(3))}`;
}

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

interface Bar {
  day: string;
  row: UsageRow | undefined;
  /** For the bar's height only; figures shown come from the row's decimal strings. */
  height: number;
}

/** Cost per day, one bar a day; hover a bar for its exact cost, messages and tokens. */
export function UsageChart({ days, from, to }: { days: UsageRow[]; from: string; to: string }) {
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

  const byDay = new Map(days.map((row) => [row.day, row]));
  const stacks: Bar[] = listDays(from, to).map((day) => {
    const row = byDay.get(day);
    return { day, row, height: row ? usdForDrawing(row.costUsd) : 0 };
  });
  const total = sumUsd(days.map((row) => row.costUsd));
  const maximum = niceMax(Math.max(0, ...stacks.map((stack) => stack.height)));
  const plotWidth = width - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const slot = stacks.length > 0 ? plotWidth / stacks.length : plotWidth;
  const barWidth = Math.max(2, Math.min(28, slot * 0.68));
  const labelEvery = Math.max(1, Math.ceil(stacks.length / Math.max(1, Math.floor(plotWidth / 64))));
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((fraction) => fraction * maximum);
  const y = (value: number) => MARGIN.top + plotHeight - (value / maximum) * plotHeight;

  return (
    <div className="chart" ref={containerRef}>
      <svg
        width={width}
        height={HEIGHT}
        role="img"
        aria-label={`Cost per day from ${formatDay(from)} to ${formatDay(to)}: ${formatUsd(total)} in total.`}
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
              {formatAxisUsd(tick)}
            </text>
          </g>
        ))}
        {stacks.map((stack, index) => {
          const x = MARGIN.left + index * slot + (slot - barWidth) / 2;
          const row = stack.row;
          return (
            <g key={stack.day}>
              {row && stack.height > 0 ? (
                <rect
                  x={x}
                  y={y(stack.height)}
                  width={barWidth}
                  height={Math.max(1, y(0) - y(stack.height))}
                  rx={Math.min(3, barWidth / 4)}
                  className="chart__bar chart__bar--cost"
                >
                  <title>
                    {`${formatDay(stack.day)}: ${formatUsd(row.costUsd)} · ${formatNumber(row.messages)} messages · ${formatNumber(row.inputTokens)} input and ${formatNumber(row.outputTokens)} output tokens`}
                  </title>
                </rect>
              ) : null}
              {index % labelEvery === 0 ? (
                <text x={x + barWidth / 2} y={HEIGHT - 8} textAnchor="middle" className="chart__label">
                  {formatDay(stack.day)}
                </text>
              ) : null}
            </g>
          );
        })}
      </svg>
    </div>
  );
}
