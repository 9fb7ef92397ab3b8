/**
 * Prices: what each model costs per million tokens — BestAI's defaults, each with the day it was taken,
 * and the workspace's own prices over them. Models in use without any price say so ("price unknown — add
 * it"), because their messages show no cost until a price is added. Only the owner changes prices.
 */
import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiRequest, withQuery, workspacePath } from '../api-client';
import type { ModelPrice, ProviderId } from '../api-types';
import { Dialog } from '../components/dialog';
import { PlusIcon } from '../components/icons';
import {
  Badge,
  ErrorState,
  errorMessage,
  LoadingState,
  Notice,
  PageHeader,
  TextField,
  type NoticeTone,
} from '../components/ui';
import { providerIds, providerName } from '../format';
import { can } from '../permissions';
import { useDocumentTitle } from '../router';
import { useSession } from '../session';
import { fetchPrices, workspaceKeys } from '../workspace-queries';

/** What the price form starts from: an existing price, a model with none, or nothing. */
type PriceDraft = Partial<Pick<ModelPrice, 'provider' | 'model'>> & Partial<ModelPrice>;

export function PricesScreen() {
  useDocumentTitle('Prices');
  const { workspace, role } = useSession();
  const queryClient = useQueryClient();
  const pricesQuery = useQuery({
    queryKey: workspaceKeys.prices(workspace.id),
    queryFn: () => fetchPrices(workspace.id),
  });
  const [editing, setEditing] = useState<PriceDraft | null>(null);
  const [notice, setNotice] = useState<{ tone: NoticeTone; text: ReactNode } | null>(null);
  const canWrite = can(role, 'prices.write');

  function refresh() {
    void queryClient.invalidateQueries({ queryKey: workspaceKeys.prices(workspace.id) });
    void queryClient.invalidateQueries({ queryKey: workspaceKeys.auditLog(workspace.id) });
  }

  const reset = useMutation({
    mutationFn: (price: ModelPrice) =>
      apiRequest<void>(
        withQuery(workspacePath(workspace.id, 'prices'), { provider: price.provider, model: price.model }),
        { method: 'DELETE' },
      ),
    onSuccess: (_answer, price) =>
      setNotice({ tone: 'success', text: `${price.model} is back on BestAI's price, if it has one.` }),
    onError: (error) => setNotice({ tone: 'error', text: errorMessage(error) }),
    onSettled: refresh,
  });

  const list = pricesQuery.data;
  return (
    <>
      <PageHeader
        title="Prices"
        description="US dollars per million tokens. Each reply's cost is taken from the price in force when it is answered."
        actions={
          canWrite ? (
            <button type="button" className="button button--primary" onClick={() => setEditing({})}>
              <PlusIcon />
              Add price
            </button>
          ) : null
        }
      />
      {notice ? (
        <Notice tone={notice.tone} onDismiss={() => setNotice(null)}>
          {notice.text}
        </Notice>
      ) : null}
      {pricesQuery.isPending ? <LoadingState label="Loading prices…" /> : null}
      {pricesQuery.isError ? (
        <ErrorState error={pricesQuery.error} onRetry={() => pricesQuery.refetch()} />
      ) : null}
      {list && list.unknownModels.length > 0 ? (
        <section className="card card--padded" aria-labelledby="unknown-prices-title">
          <h2 id="unknown-prices-title" className="card__title">
            Models without a price
          </h2>
          <p className="muted">Their messages show no cost until a price is added.</p>
          <ul className="unknown-prices">
            {list.unknownModels.map((unknown) => (
              <li key={`${unknown.provider}/${unknown.model}`}>
                <span>
                  {providerName(unknown.provider)} <code>{unknown.model}</code>: price unknown
                </span>
                {canWrite ? (
                  <button
                    type="button"
                    className="button button--small"
                    onClick={() =>
                      setEditing({ provider: unknown.provider as ProviderId, model: unknown.model })
                    }
                  >
                    Add it
                  </button>
                ) : (
                  <span className="muted small">an owner can add it</span>
                )}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {list ? (
        <div className="card card--flush">
          <div className="table-scroll">
            <table className="table table--numbers" aria-label="Prices per million tokens">
              <thead>
                <tr>
                  <th scope="col">Provider</th>
                  <th scope="col">Model</th>
                  <th scope="col">Input</th>
                  <th scope="col">Output</th>
                  <th scope="col">Cache read</th>
                  <th scope="col">Cache write</th>
                  <th scope="col">Source</th>
                  {canWrite ? (
                    <th scope="col">
                      <span className="visually-hidden">Actions</span>
                    </th>
                  ) : null}
                </tr>
              </thead>
              <tbody>
                {list.prices.map((price) => (
                  <tr key={`${price.provider}/${price.model}`}>
                    <td>{providerName(price.provider)}</td>
                    <td>
                      <code>{price.model}</code>
                    </td>
                    <td>{formatPerMTok(price.inputPerMTok)}</td>
                    <td>{formatPerMTok(price.outputPerMTok)}</td>
                    <td>{formatPerMTok(price.cacheReadPerMTok ?? price.inputPerMTok)}</td>
                    <td>{formatPerMTok(price.cacheWritePerMTok ?? price.inputPerMTok)}</td>
                    <td className="nowrap">
                      {price.source === 'workspace' ? (
                        <Badge tone="accent">Your price · {price.asOf}</Badge>
                      ) : (
                        <span className="muted small">
                          {price.sourceUrl ? (
                            <a href={price.sourceUrl} target="_blank" rel="noreferrer">
                              {providerName(price.provider)}
                            </a>
                          ) : null}{' '}
                          as of {price.asOf}
                        </span>
                      )}
                    </td>
                    {canWrite ? (
                      <td className="actions-cell">
                        <button
                          type="button"
                          className="button button--small"
                          aria-label={`Edit the price of ${price.model}`}
                          onClick={() => setEditing(price)}
                        >
                          Edit
                        </button>
                        {price.source === 'workspace' ? (
                          <button
                            type="button"
                            className="button button--small button--danger-ghost"
                            aria-label={`Use the default price of ${price.model}`}
                            disabled={reset.isPending}
                            onClick={() => reset.mutate(price)}
                          >
                            Use default
                          </button>
                        ) : null}
                      </td>
                    ) : null}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      ) : null}
      {editing ? (
        <PriceDialog
          workspaceId={workspace.id}
          draft={editing}
          onSaved={(model) => {
            setEditing(null);
            setNotice({ tone: 'success', text: `The price of ${model} applies to replies from now on.` });
            refresh();
          }}
          onClose={() => setEditing(null)}
        />
      ) : null}
    </>
  );
}

/** `"0.15"` → `$0.15`; the decimal string is shown as it is, never through a float. */
function formatPerMTok(value: string): string {
  return `$${value}`;
}

function PriceDialog({
  workspaceId,
  draft,
  onSaved,
  onClose,
}: {
  workspaceId: string;
  draft: PriceDraft;
  onSaved: (model: string) => void;
  onClose: () => void;
}) {
  const ids = {
    provider: useId(),
    model: useId(),
    input: useId(),
    output: useId(),
    cacheRead: useId(),
    cacheWrite: useId(),
  };
  const [provider, setProvider] = useState<ProviderId>(draft.provider ?? 'anthropic');
  const [model, setModel] = useState(draft.model ?? '');
  const [input, setInput] = useState(draft.inputPerMTok ?? '');
  const [output, setOutput] = useState(draft.outputPerMTok ?? '');
  const [cacheRead, setCacheRead] = useState(draft.cacheReadPerMTok ?? '');
  const [cacheWrite, setCacheWrite] = useState(draft.cacheWritePerMTok ?? '');
  const save = useMutation({
    mutationFn: () =>
      apiRequest(workspacePath(workspaceId, 'prices'), {
        method: 'POST',
        body: {
          provider,
          model,
          inputPerMTok: input,
          outputPerMTok: output,
          cacheReadPerMTok: cacheRead.trim() || null,
          cacheWritePerMTok: cacheWrite.trim() || null,
        },
      }),
    onSuccess: () => onSaved(model),
  });
  const isKnownModel = Boolean(draft.model);

  function submit(event: FormEvent) {
    event.preventDefault();
    save.mutate();
  }

  const money = { inputMode: 'decimal' as const, pattern: '\\d{1,6}(\\.\\d{1,6})?', placeholder: '0.00' };
  return (
    <Dialog
      title={isKnownModel ? `Price of ${draft.model}` : 'Add price'}
      description="US dollars per million tokens. Leave the cache prices empty to bill cached tokens at the input price."
      onClose={onClose}
      isBusy={save.isPending}
    >
      <form className="form" onSubmit={submit}>
        <div className="field">
          <label htmlFor={ids.provider}>Provider</label>
          <select
            id={ids.provider}
            className="select"
            value={provider}
            disabled={isKnownModel}
            onChange={(event) => setProvider(event.target.value as ProviderId)}
          >
            {providerIds.map((choice) => (
              <option key={choice} value={choice}>
                {providerName(choice)}
              </option>
            ))}
          </select>
        </div>
        <TextField
          id={ids.model}
          label="Model"
          required
          readOnly={isKnownModel}
          data-autofocus={isKnownModel ? undefined : true}
          value={model}
          onChange={(event) => setModel(event.target.value)}
        />
        <TextField
          id={ids.input}
          label="Input"
          required
          {...money}
          data-autofocus={isKnownModel ? true : undefined}
          value={input}
          onChange={(event) => setInput(event.target.value)}
        />
        <TextField
          id={ids.output}
          label="Output"
          required
          {...money}
          value={output}
          onChange={(event) => setOutput(event.target.value)}
        />
        <TextField
          id={ids.cacheRead}
          label="Cache read"
          {...money}
          placeholder="the input price"
          value={cacheRead}
          onChange={(event) => setCacheRead(event.target.value)}
        />
        <TextField
          id={ids.cacheWrite}
          label="Cache write"
          {...money}
          placeholder="the input price"
          value={cacheWrite}
          onChange={(event) => setCacheWrite(event.target.value)}
        />
        {save.isError ? (
          <p className="form-error" role="alert">
            {errorMessage(save.error)}
          </p>
        ) : null}
        <div className="dialog__actions">
          <button type="button" className="button" onClick={onClose} disabled={save.isPending}>
            Cancel
          </button>
          <button type="submit" className="button button--primary" disabled={save.isPending}>
            {save.isPending ? 'Saving…' : 'Save'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
