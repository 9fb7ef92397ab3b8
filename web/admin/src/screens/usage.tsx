/** Usage: input and output tokens by day and provider, with totals per provider and per key. */
import type { ReactNode } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { Usage } from '../api-types';
import { UsageIcon } from '../components/icons';
import { EmptyState, ErrorState, LoadingState, PageHeader, TextField } from '../components/ui';
import { UsageChart } from '../components/usage-chart';
import { daysAgo, formatNumber, providerColor, providerName, toDateInput } from '../format';
import { navigate, useDocumentTitle, useLocation } from '../router';
import { useSession } from '../session';
import { fetchUsage, workspaceKeys } from '../workspace-queries';

const presets = [7, 30, 90];

export function UsageScreen() {
  useDocumentTitle('Usage');
  const { workspace } = useSession();
  const { search } = useLocation();
  const today = toDateInput(new Date());
  const to = search.get('to') || today;
  const from = search.get('from') || daysAgo(29);
  const isRangeValid = from <= to;

  const usageQuery = useQuery({
    queryKey: [...workspaceKeys.usage(workspace.id), from, to],
    queryFn: () => fetchUsage(workspace.id, { from, to }),
    staleTime: 0,
    placeholderData: keepPreviousData,
    enabled: isRangeValid,
  });

  function setRange(nextFrom: string, nextTo: string) {
    navigate(`/usage?from=${nextFrom}&to=${nextTo}`, { replace: true });
  }

  const usage = usageQuery.data;
  const totals = usage?.totals.byProvider.reduce(
    (sum, row) => ({ input: sum.input + row.inputTokens, output: sum.output + row.outputTokens }),
    { input: 0, output: 0 },
  );

  return (
    <>
      <PageHeader
        title="Usage"
        description="Input and output tokens used by your chatbots, per day, provider and key."
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
            <Stat label="Total tokens" value={totals.input + totals.output} />
            <Stat label="Input tokens" value={totals.input} />
            <Stat label="Output tokens" value={totals.output} />
          </div>
          <section className="card card--padded" aria-labelledby="usage-chart-title">
            <h2 id="usage-chart-title" className="card__title">
              Tokens per day
            </h2>
            {usage.days.length === 0 ? (
              <EmptyState icon={<UsageIcon />} title="No usage in this period">
                Tokens appear here once visitors chat with your chatbots.
              </EmptyState>
            ) : (
              <UsageChart days={usage.days} from={from} to={to} />
            )}
          </section>
          {usage.days.length > 0 ? <UsageTotals usage={usage} /> : null}
        </>
      ) : null}
    </>
  );
}

function Stat({ label, value }: { label: string; value: number }) {
  return (
    <div className="stat">
      <span className="stat__label">{label}</span>
      <span className="stat__value">{formatNumber(value)}</span>
    </div>
  );
}

interface TokenTotals {
  provider: string;
  inputTokens: number;
  outputTokens: number;
}

function ProviderName({ provider }: { provider: string }) {
  return (
    <span className="provider-name">
      <span className="provider-dot" style={{ background: providerColor(provider) }} />
      {providerName(provider)}
    </span>
  );
}

/** One totals card: a labelled table of input, output and total tokens per row. */
function TotalsTable<Row extends TokenTotals>(props: {
  id: string;
  title: string;
  firstColumn: string;
  rows: Row[];
  rowKey: (row: Row) => string;
  renderName: (row: Row) => ReactNode;
}) {
  return (
    <section className="card card--flush" aria-labelledby={props.id}>
      <h2 id={props.id} className="card__title card__title--inset">
        {props.title}
      </h2>
      <div className="table-scroll">
        <table className="table table--numbers">
          <thead>
            <tr>
              <th scope="col">{props.firstColumn}</th>
              <th scope="col">Input</th>
              <th scope="col">Output</th>
              <th scope="col">Total</th>
            </tr>
          </thead>
          <tbody>
            {props.rows.map((row) => (
              <tr key={props.rowKey(row)}>
                <td>{props.renderName(row)}</td>
                <td>{formatNumber(row.inputTokens)}</td>
                <td>{formatNumber(row.outputTokens)}</td>
                <td>{formatNumber(row.inputTokens + row.outputTokens)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function UsageTotals({ usage }: { usage: Usage }) {
  return (
    <div className="two-columns">
      <TotalsTable
        id="usage-by-provider"
        title="By provider"
        firstColumn="Provider"
        rows={usage.totals.byProvider}
        rowKey={(row) => row.provider}
        renderName={(row) => <ProviderName provider={row.provider} />}
      />
      <TotalsTable
        id="usage-by-key"
        title="By key"
        firstColumn="Key"
        rows={usage.totals.byKey}
        rowKey={(row) => `${row.provider}-${row.keySource}-${row.maskedKey ?? ''}`}
        renderName={(row) => (
          <span className="key-cell">
            <ProviderName provider={row.provider} />
            {row.keySource === 'platform' ? (
              <span className="muted small">Platform key</span>
            ) : (
              <code className="mask">{row.maskedKey ?? 'Your key'}</code>
            )}
          </span>
        )}
      />
    </div>
  );
}
