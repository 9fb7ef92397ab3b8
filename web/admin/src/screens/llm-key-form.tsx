/**
 * The add/replace form of Integrations → LLM: Provider, API key, Model override, Save.
 * The key lives in this form's state only until it is sent; it is never shown again.
 */
import { useId, useState, type FormEvent } from 'react';
import type { ProviderId } from '../api-types';
import { Dialog } from '../components/dialog';
import { errorMessage, TextField } from '../components/ui';
import { providerName } from '../format';

export interface KeyFormValues {
  provider: ProviderId;
  apiKey: string;
  model: string;
}

interface KeyFormProps {
  /** Set when replacing the key of an existing row. */
  replacing: { provider: ProviderId; model: string | null } | null;
  /** Providers that may be chosen when adding (those without a row yet). */
  availableProviders: ProviderId[];
  defaults: Record<ProviderId, string>;
  stage: 'editing' | 'saving' | 'testing';
  error: unknown;
  onSave: (values: KeyFormValues) => void;
  onClose: () => void;
}

export function LlmKeyFormDialog(props: KeyFormProps) {
  const { replacing, availableProviders, defaults, stage, error, onSave, onClose } = props;
  const choices = replacing ? [replacing.provider] : availableProviders;
  const [provider, setProvider] = useState<ProviderId>(choices[0] ?? 'anthropic');
  const [apiKey, setApiKey] = useState('');
  const [model, setModel] = useState(replacing?.model ?? '');
  const isBusy = stage !== 'editing';
  const ids = { provider: useId(), apiKey: useId(), model: useId() };

  function submit(event: FormEvent) {
    event.preventDefault();
    if (apiKey.trim() === '' || isBusy) return;
    onSave({ provider, apiKey: apiKey.trim(), model: model.trim() });
  }

  const title = replacing ? `Replace the ${providerName(replacing.provider)} key` : 'Add provider';
  const description = replacing
    ? 'The new key is saved over the old one. A chat already in progress finishes on the old key; the next message uses the new one.'
    : 'Use your own account at an LLM provider. The key is encrypted when you save it and only ever shown masked.';

  return (
    <Dialog title={title} description={description} onClose={onClose} isBusy={isBusy}>
      <form className="form" onSubmit={submit} autoComplete="off">
        <div className="field">
          <label htmlFor={ids.provider}>Provider</label>
          <select
            id={ids.provider}
            className="select"
            value={provider}
            data-autofocus={replacing ? undefined : true}
            disabled={Boolean(replacing) || isBusy}
            onChange={(event) => setProvider(event.target.value as ProviderId)}
          >
            {choices.map((choice) => (
              <option key={choice} value={choice}>
                {providerName(choice)}
              </option>
            ))}
          </select>
        </div>
        <TextField
          id={ids.apiKey}
          label="API key"
          hint={`Paste the key from your ${providerName(provider)} console. It cannot be viewed again after saving.`}
          className="input input--mono"
          type="password"
          name="bestai-provider-api-key"
          autoComplete="off"
          spellCheck={false}
          data-1p-ignore
          data-lpignore="true"
          required
          data-autofocus={replacing ? true : undefined}
          disabled={isBusy}
          value={apiKey}
          onChange={(event) => setApiKey(event.target.value)}
        />
        <TextField
          id={ids.model}
          label={
            <>
              Model override <span className="field__optional">optional</span>
            </>
          }
          hint={`Leave blank to use the default, ${defaults[provider]}.`}
          className="input input--mono"
          autoComplete="off"
          spellCheck={false}
          placeholder={defaults[provider]}
          disabled={isBusy}
          value={model}
          maxLength={200}
          onChange={(event) => setModel(event.target.value)}
        />
        {error ? (
          <p className="form-error" role="alert">
            {errorMessage(error)}
          </p>
        ) : null}
        <div className="dialog__actions">
          <button type="button" className="button" onClick={onClose} disabled={isBusy}>
            Cancel
          </button>
          <button type="submit" className="button button--primary" disabled={isBusy || apiKey.trim() === ''}>
            {stage === 'saving' ? 'Saving…' : stage === 'testing' ? 'Checking the key…' : 'Save'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
