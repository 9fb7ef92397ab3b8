/**
 * A monthly budget in US dollars, set in place: the owner types an amount (empty = no budget) and saves;
 * everyone else reads it. The amount is sent as the decimal string typed, never through a float.
 */
import { useEffect, useId, useState, type FormEvent } from 'react';
import { useMutation, useQueryClient, type QueryKey } from '@tanstack/react-query';
import { apiRequest, workspacePath } from '../api-client';
import { formatUsd } from '../format';
import { useSession } from '../session';
import { errorMessage } from './ui';

export function BudgetField({
  label,
  value,
  canWrite,
  path,
  queryKey,
}: {
  /** Names the input for assistive technology ("Monthly budget of the OpenAI key"). */
  label: string;
  value: string | null;
  canWrite: boolean;
  /** The workspace resource the PATCH goes to, e.g. `llm-keys/openai`. */
  path: string;
  queryKey: QueryKey;
}) {
  const { workspace } = useSession();
  const queryClient = useQueryClient();
  const inputId = useId();
  const [draft, setDraft] = useState(value ?? '');
  useEffect(() => setDraft(value ?? ''), [value]);
  const save = useMutation({
    mutationFn: () =>
      apiRequest(workspacePath(workspace.id, path), {
        method: 'PATCH',
        body: { monthlyBudgetUsd: draft.trim() === '' ? null : draft.trim() },
      }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey }),
  });

  if (!canWrite)
    return <span>{value === null ? <span className="muted">None</span> : formatUsd(value)}</span>;

  function submit(event: FormEvent) {
    event.preventDefault();
    save.mutate();
  }

  return (
    <form className="budget-field" onSubmit={submit}>
      <label htmlFor={inputId} className="visually-hidden">
        {label}
      </label>
      <span className="budget-field__currency" aria-hidden="true">
        $
      </span>
      <input
        id={inputId}
        className="input input--compact budget-field__input"
        inputMode="decimal"
        placeholder="No budget"
        value={draft}
        onChange={(event) => setDraft(event.target.value)}
      />
      <button
        type="submit"
        className="button button--small"
        disabled={save.isPending || draft.trim() === (value ?? '')}
        aria-label={`Save the ${label.charAt(0).toLowerCase()}${label.slice(1)}`}
      >
        Save
      </button>
      {save.isError ? (
        <span className="form-error" role="alert">
          {errorMessage(save.error)}
        </span>
      ) : null}
    </form>
  );
}
