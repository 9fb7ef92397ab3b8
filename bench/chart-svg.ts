/**
 * A hand-written SVG bar chart: added TTFT p50 and p99 by concurrency, BestAI beside Portkey, one
 * panel per reply shape, on a log scale (the values span 0.1 ms to seconds). No chart library.
 */
import type { StreamRow } from './report.js';

const panelWidth = 760;
const panelHeight = 250;
const margin = { top: 40, right: 20, bottom: 44, left: 70 };
const minimumMs = 0.1;
const colors: Record<string, [string, string]> = {
  'bestai-pglite': ['#1f5fbf', '#8fb3ea'],
  'bestai-postgres': ['#1a8a5a', '#8fd3b4'],
  portkey: ['#d2691e', '#f3b98c'],
  floor: ['#777777', '#c4c4c4'],
};

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function formatMs(value: number): string {
  if (!Number.isFinite(value)) return '–';
  const magnitude = Math.abs(value);
  return magnitude >= 100 ? value.toFixed(0) : magnitude >= 10 ? value.toFixed(1) : value.toFixed(2);
}

interface Bar {
  target: string;
  label: string;
  statistic: 'p50' | 'p99';
  value: number;
}

function renderPanel(rows: StreamRow[], title: string, offsetY: number): string {
  const concurrencies = [...new Set(rows.map((row) => row.concurrency))].sort((a, b) => a - b);
  const targets = [...new Set(rows.map((row) => row.target))];
  const groups = concurrencies.map((concurrency) =>
    targets.flatMap((target): Bar[] => {
      const row = rows.find(
        (candidate) => candidate.concurrency === concurrency && candidate.target === target,
      );
      if (!row) return [];
      return [
        { target, label: row.label, statistic: 'p50', value: row.addedTtftP50Ms ?? Number.NaN },
        { target, label: row.label, statistic: 'p99', value: row.addedTtftP99Ms ?? Number.NaN },
      ];
    }),
  );
  const largest = Math.max(1, ...groups.flat().map((bar) => (Number.isFinite(bar.value) ? bar.value : 0)));
  const topDecade = Math.ceil(Math.log10(largest * 1.2));
  const bottomDecade = Math.log10(minimumMs);
  const plotWidth = panelWidth - margin.left - margin.right;
  const plotHeight = panelHeight - margin.top - margin.bottom;
  const y = (value: number): number => {
    const clamped = Math.max(minimumMs, value);
    const share = (Math.log10(clamped) - bottomDecade) / (topDecade - bottomDecade);
    return offsetY + margin.top + plotHeight * (1 - share);
  };
  const parts: string[] = [
    `<text x="${margin.left}" y="${offsetY + 22}" font-size="14" font-weight="bold">${escapeXml(title)}</text>`,
  ];
  for (let decade = bottomDecade; decade <= topDecade; decade++) {
    const value = 10 ** decade;
    const lineY = y(value).toFixed(1);
    parts.push(
      `<line x1="${margin.left}" x2="${panelWidth - margin.right}" y1="${lineY}" y2="${lineY}" stroke="#ddd"/>`,
      `<text x="${margin.left - 6}" y="${lineY}" font-size="11" text-anchor="end" dominant-baseline="middle">${value >= 1000 ? `${value / 1000} s` : `${formatMs(value)} ms`}</text>`,
    );
  }
  const groupWidth = plotWidth / Math.max(1, groups.length);
  groups.forEach((bars, groupIndex) => {
    const barWidth = Math.min(40, (groupWidth * 0.8) / Math.max(1, bars.length));
    const startX = margin.left + groupIndex * groupWidth + (groupWidth - barWidth * bars.length) / 2;
    bars.forEach((bar, barIndex) => {
      const x = startX + barIndex * barWidth;
      const top = Number.isFinite(bar.value) ? y(bar.value) : y(minimumMs);
      const bottom = y(minimumMs);
      const [solid, light] = colors[bar.target] ?? ['#666', '#bbb'];
      parts.push(
        `<rect x="${x.toFixed(1)}" y="${top.toFixed(1)}" width="${(barWidth - 2).toFixed(1)}" height="${Math.max(1, bottom - top).toFixed(1)}" fill="${bar.statistic === 'p50' ? solid : light}"><title>${escapeXml(`${bar.label} ${bar.statistic}: ${formatMs(bar.value)} ms`)}</title></rect>`,
        `<text x="${(x + barWidth / 2 - 1).toFixed(1)}" y="${(top - 3).toFixed(1)}" font-size="9" text-anchor="middle">${formatMs(bar.value)}</text>`,
      );
    });
    parts.push(
      `<text x="${(margin.left + groupIndex * groupWidth + groupWidth / 2).toFixed(1)}" y="${offsetY + panelHeight - margin.bottom + 18}" font-size="12" text-anchor="middle">concurrency ${concurrencies[groupIndex]!.toLocaleString('en-US')}</text>`,
    );
  });
  return parts.join('\n');
}

const legendColumns = 2;
const legendRowHeight = 20;

/** Two entries a row, so any number of targets fits the width. */
function renderLegend(rows: StreamRow[], offsetY: number): { svg: string; height: number } {
  const seen = [...new Map(rows.map((row) => [row.target, row.label]))];
  const columnWidth = (panelWidth - margin.left) / legendColumns;
  const parts = seen.flatMap(([target, label], index) => {
    const [solid, light] = colors[target] ?? ['#666', '#bbb'];
    const x = margin.left + (index % legendColumns) * columnWidth;
    const y = offsetY + Math.floor(index / legendColumns) * legendRowHeight;
    return [
      `<rect x="${x}" y="${y}" width="12" height="12" fill="${solid}"/>`,
      `<rect x="${x + 14}" y="${y}" width="12" height="12" fill="${light}"/>`,
      `<text x="${x + 32}" y="${y + 10}" font-size="12">${escapeXml(label)} (p50, p99)</text>`,
    ];
  });
  return { svg: parts.join('\n'), height: Math.ceil(seen.length / legendColumns) * legendRowHeight + 10 };
}

/** The whole SVG document for the streaming rows of a run (the direct rows are the baseline, not drawn). */
export function renderAddedTtftChart(streaming: StreamRow[]): string {
  const drawn = streaming.filter((row) => row.target !== 'direct');
  const shapes = [...new Map(drawn.map((row) => [row.shape, row.shapeLabel]))];
  const legend = renderLegend(drawn, 10);
  const legendHeight = legend.height + 10;
  const height = legendHeight + shapes.length * panelHeight + 10;
  const panels = shapes.map(([shape, label], index) =>
    renderPanel(
      drawn.filter((row) => row.shape === shape),
      `Added time to first token over a direct call — ${label} (log scale)`,
      legendHeight + index * panelHeight,
    ),
  );
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${panelWidth}" height="${height}" viewBox="0 0 ${panelWidth} ${height}" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif" role="img" aria-label="Added time to first token by concurrency, BestAI and Portkey">
<rect width="100%" height="100%" fill="#fff"/>
${legend.svg}
${panels.join('\n')}
</svg>
`;
}
