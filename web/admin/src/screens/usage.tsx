/**
 * Usage in money: cost, messages, failures and tokens for a period — totals, a chart of cost per day,
 * and breakdowns by provider, key, chatbot and model — with an Export CSV of each. Every figure of money
 * is the server's exact decimal string, formatted here without floats.
 */
import type { ReactNode } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { UsageGrouping, UsageRow } from '../api-types';
import { UsageIcon } from '../components/icons';
import { EmptyState, ErrorState, LoadingState, Notice, PageHeader, TextField } from '../components/ui';
import { UsageChart } from '../components/usage-chart';
import { daysAgo, formatNumber, formatUsd, providerColor, providerName, toDateInput } from '../format';
import { Link, navigate, useDocumentTitle, useLocation } from '../router';
import { useSession } from '../session';
import { csvExportPath, fetchUsage, workspaceKeys } from '../workspace-queries';

const presets = [7, 30, 90];

function useUsage(groupBy: UsageGrouping, from: string, to: string, enabled: boolean) {
  const { workspace } = useSession();
  return useQuery({
    queryKey: [...workspaceKeys.usage(workspace.id), groupBy, from, to],
    queryFn: () => fetchUsage(workspace.id, { from, to, groupBy }),
    staleTime: 0,
    placeholderData: keepPreviousData,
    enabled,
  });
}

export function UsageScreen() {
  useDocumentTitle('Usage');
  const { workspace } = useSession();
  const { search } = useLocation();
  const today = toDateInput(new Date());
  const to = search.get('to') || today;
  const from = search.get('from') || daysAgo(29);
  const isRangeValid = from <= to;

  const usageQuery = useUsage('day', from, to, isRangeValid);

  function setRange(nextFrom: string, nextTo: string) {
    navigate(`/usage?from=${nextFrom}&to=${nextTo}`, { replace: true });
  }

  const usage = usageQuery.data;
  const totals = usage?.totals;
  return (
    <>
      <PageHeader
        title="Usage"
        description="What your chatbots cost, per day, provider, key, chatbot and model, at the prices in Prices."
        actions={
          <a
            className="button"
            href={csvExportPath(workspace.id, 'usage.csv', { from, to, groupBy: 'day' })}
            download
          >
            Export CSV
          </a>
        }
      />
      <div className="toolbar" role="group" aria-label="Date range">
        <div className="segmented segmented--buttons">
          {presets.map((days) => {
            const presetFrom = daysAgo(days - 1);
            const isActive = from === presetFrom && to === today;
            return (
              <button
                key={days}
                type="button"
                className="segmented__button"
                aria-pressed={isActive}
                onClick={() => setRange(presetFrom, today)}
              >
                Last {days} days
              </button>
            );
          })}
        </div>
        <TextField
          id="usage-from"
          label="From"
          inline
          className="input input--compact"
          type="date"
          value={from}
          max={to}
          onChange={(event) => event.target.value && setRange(event.target.value, to)}
        />
        <TextField
          id="usage-to"
          label="To"
          inline
          className="input input--compact"
          type="date"
          value={to}
          min={from}
          onChange={(event) => event.target.value && setRange(from, event.target.value)}
        />
      </div>
      {!isRangeValid ? (
        <p className="form-error" role="alert">
          The start date is after the end date.
        </p>
      ) : null}
      {usageQuery.isPending && isRangeValid ? <LoadingState label="Loading usage…" /> : null}
      {usageQuery.isError ? (
        <ErrorState error={usageQuery.error} onRetry={() => usageQuery.refetch()} />
      ) : null}
      {usage && totals ? (
        <>
          <div className="stats">
            <Stat label="Cost" value={formatUsd(totals.costUsd)} />
            <Stat label="Messages" value={formatNumber(totals.messages)} />
            <Stat label="Failed" value={formatNumber(totals.failed)} />
            <Stat label="Tokens" value={formatNumber(totals.inputTokens + totals.outputTokens)} />
            <Stat label="Saved by caching" value={formatUsd(totals.savedByCachingUsd)} />
            <Stat label="Rated helpful" value={formatNumber(usage.ratings.up)} />
            <Stat label="Rated not helpful" value={formatNumber(usage.ratings.down)} />
          </div>
          {totals.unpriced > 0 ? (
            <Notice tone="info">
              {formatNumber(totals.unpriced)} message{totals.unpriced === 1 ? '' : 's'} used a model whose
              price is unknown, so the cost leaves them out. <Link to="/prices">Add the price in Prices</Link>
              .
            </Notice>
          ) : null}
          <section className="card card--padded" aria-labelledby="usage-chart-title">
            <h2 id="usage-chart-title" className="card__title">
              Cost per day
            </h2>
            {usage.rows.length === 0 ? (
              <EmptyState icon={<UsageIcon />} title="No usage in this period">
                Costs appear here once visitors chat with your chatbots.
              </EmptyState>
            ) : (
              <UsageChart days={usage.rows} from={from} to={to} />
            )}
          </section>
          {usage.rows.length > 0 ? <Breakdowns from={from} to={to} /> : null}
        </>
      ) : null}
    </>
  );
}

function Stat({ label, value }: { label: string; value: string }) {
  return (
    <div className="stat">
      <span className="stat__label">{label}</span>
      <span className="stat__value">{value}</span>
    </div>
  );
}

function ProviderName({ provider }: { provider: string }) {
  return (
    <span className="provider-name">
      <span className="provider-dot" style={{ background: providerColor(provider) }} />
      {providerName(provider)}
    </span>
  );
}

const breakdowns: Array<{
  groupBy: Exclude<UsageGrouping, 'day'>;
  title: string;
  firstColumn: string;
  renderName: (row: UsageRow) => ReactNode;
}> = [
  {
    groupBy: 'provider',
    title: 'By provider',
    firstColumn: 'Provider',
    renderName: (row) => <ProviderName provider={row.provider ?? ''} />,
  },
  {
    groupBy: 'key',
    title: 'By key',
    firstColumn: 'Key',
    renderName: (row) => (
      <span className="key-cell">
        <ProviderName provider={row.provider ?? ''} />
        {row.keySource === 'platform' ? (
          <span className="muted small">Platform key</span>
        ) : (
          <code className="mask">{row.maskedKey ?? 'Your key'}</code>
        )}
        {row.keySource === 'chatbot' ? (
          <span className="muted small">{row.chatbotName}’s own key</span>
        ) : null}
      </span>
    ),
  },
  {
    groupBy: 'chatbot',
    title: 'By chatbot',
    firstColumn: 'Chatbot',
    renderName: (row) => row.chatbotName ?? 'A deleted chatbot',
  },
  {
    groupBy: 'model',
    title: 'By model',
    firstColumn: 'Model',
    renderName: (row) => (
      <span className="key-cell">
        <ProviderName provider={row.provider ?? ''} />
        <code>{row.model || '—'}</code>
      </span>
    ),
  },
];

function Breakdowns({ from, to }: { from: string; to: string }) {
  return (
    <div className="two-columns">
      {breakdowns.map((breakdown) => (
        <BreakdownTable key={breakdown.groupBy} {...breakdown} from={from} to={to} />
      ))}
    </div>
  );
}

/** One breakdown card: messages, failures, tokens and cost per group, with its own CSV. */
function BreakdownTable(props: (typeof breakdowns)[number] & { from: string; to: string }) {
  const { workspace } = useSession();
  const query = useUsage(props.groupBy, props.from, props.to, true);
  const id = `usage-by-${props.groupBy}`;
  return (
    <section className="card card--flush" aria-labelledby={id}>
      <div className="card__header-row">
        <h2 id={id} className="card__title card__title--inset">
          {props.title}
        </h2>
        <a
          className="button button--small button--ghost"
          href={csvExportPath(workspace.id, 'usage.csv', {
            from: props.from,
            to: props.to,
            groupBy: props.groupBy,
          })}
          download
          aria-label={`Export CSV ${props.title.toLowerCase()}`}
        >
          CSV
        </a>
      </div>
      {query.isError ? <ErrorState error={query.error} onRetry={() => query.refetch()} /> : null}
      {query.data ? (
        <div className="table-scroll">
          <table className="table table--numbers" aria-labelledby={id}>
            <thead>
              <tr>
                <th scope="col">{props.firstColumn}</th>
                <th scope="col">Messages</th>
                <th scope="col">Failed</th>
                <th scope="col">Tokens</th>
                <th scope="col">Cost</th>
              </tr>
            </thead>
            <tbody>
              {query.data.rows.map((row, index) => (
                <tr key={index}>
                  <td>{props.renderName(row)}</td>
                  <td>{formatNumber(row.messages)}</td>
                  <td>{formatNumber(row.failed)}</td>
                  <td>{formatNumber(row.inputTokens + row.outputTokens)}</td>
                  <td>
                    {formatUsd(row.costUsd)}
                    {row.unpriced > 0 ? (
                      <span className="muted small" title="Some messages used a model without a price">
                        {' '}
                        + price unknown
                      </span>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
