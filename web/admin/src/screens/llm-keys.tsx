/**
 * Integrations → LLM: the workspace's own provider keys (BYOK). Everyone sees the masked keys;
 * only the owner sees the buttons that change them.
 */
import { useState, type ReactNode } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiRequest, workspacePath } from '../api-client';
import type { KeyTestResult, LlmKey, LlmKeyList, ProviderId } from '../api-types';
import { ConfirmDialog } from '../components/dialog';
import { PlusIcon, ShieldIcon } from '../components/icons';
import {
  Badge,
  EmptyState,
  ErrorState,
  errorMessage,
  LoadingState,
  Notice,
  PageHeader,
  RelativeTime,
  type BadgeTone,
  type NoticeTone,
} from '../components/ui';
import {
  formatRelativeTime,
  formatExactTime,
  providerColor,
  providerIds,
  formatUsd,
  providerName,
  statusLabels,
} from '../format';
import { KeyHealthBanner } from '../components/key-health-banner';
import { BudgetField } from '../components/budget-field';
import { can } from '../permissions';
import { Link, useDocumentTitle } from '../router';
import { useSession } from '../session';
import { fetchLlmKeys, workspaceKeys } from '../workspace-queries';
import { LlmKeyFormDialog, type KeyFormValues } from './llm-key-form';

const statusTones: Record<LlmKey['status'], BadgeTone> = {
  ok: 'success',
  unused: 'neutral',
  error: 'danger',
  disabled: 'muted',
  paused: 'warning',
};

type FormState = { mode: 'add' } | { mode: 'replace'; row: LlmKey } | null;
type NoticeState = { tone: NoticeTone; text: ReactNode } | null;

export function LlmKeysScreen() {
  useDocumentTitle('LLM');
  const { workspace, role } = useSession();
  const queryClient = useQueryClient();
  const canWrite = can(role, 'llm_keys.write');
  const keysQuery = useQuery({
    queryKey: workspaceKeys.llmKeys(workspace.id),
    queryFn: () => fetchLlmKeys(workspace.id),
    // Chats move Last used and status at any time: each visit shows the current state.
    staleTime: 0,
  });
  const [form, setForm] = useState<FormState>(null);
  const [formStage, setFormStage] = useState<'editing' | 'saving' | 'testing'>('editing');
  const [formError, setFormError] = useState<unknown>(null);
  const [deleting, setDeleting] = useState<LlmKey | null>(null);
  const [notice, setNotice] = useState<NoticeState>(null);

  const keyPath = (provider: ProviderId, rest = '') =>
    workspacePath(workspace.id, `llm-keys/${provider}${rest}`);

  function refresh() {
    void queryClient.invalidateQueries({ queryKey: workspaceKeys.llmKeys(workspace.id) });
    void queryClient.invalidateQueries({ queryKey: workspaceKeys.auditLog(workspace.id) });
  }

  function describeTest(provider: ProviderId, result: KeyTestResult, prefix: string): NoticeState {
    const name = providerName(provider);
    if (result.ok) return { tone: 'success', text: `${prefix}${name} accepted the key.` };
    const reason = result.lastError?.message ?? 'The provider did not accept the key.';
    return { tone: 'error', text: `${prefix}the check failed. ${reason}` };
  }

  async function save(values: KeyFormValues) {
    const isReplace = form?.mode === 'replace';
    setFormError(null);
    setFormStage('saving');
    try {
      await apiRequest<LlmKey>(keyPath(values.provider), {
        method: 'PUT',
        body: values.model ? { apiKey: values.apiKey, model: values.model } : { apiKey: values.apiKey },
      });
    } catch (error) {
      setFormStage('editing');
      setFormError(error);
      return;
    }
    refresh();
    setFormStage('testing');
    const name = providerName(values.provider);
    const saved = `${name} key ${isReplace ? 'replaced' : 'saved'}; `;
    try {
      const result = await apiRequest<KeyTestResult>(keyPath(values.provider, '/test'), { method: 'POST' });
      setNotice(describeTest(values.provider, result, saved));
    } catch (error) {
      setNotice({ tone: 'error', text: `${saved}the check could not run. ${errorMessage(error)}` });
    }
    refresh();
    setForm(null);
    setFormStage('editing');
  }

  const toggle = useMutation({
    mutationFn: (row: LlmKey) =>
      apiRequest<LlmKey>(keyPath(row.provider), { method: 'PATCH', body: { enabled: !row.enabled } }),
    onSuccess: (row) =>
      setNotice({
        tone: 'success',
        text: `${providerName(row.provider)} key ${row.enabled ? 'enabled' : 'disabled'}.`,
      }),
    onError: (error) => setNotice({ tone: 'error', text: errorMessage(error) }),
    onSettled: refresh,
  });

  const test = useMutation({
    mutationFn: (row: LlmKey) =>
      apiRequest<KeyTestResult>(keyPath(row.provider, '/test'), { method: 'POST' }),
    onSuccess: (result, row) => setNotice(describeTest(row.provider, result, 'Key checked: ')),
    onError: (error) => setNotice({ tone: 'error', text: errorMessage(error) }),
    onSettled: refresh,
  });

  const remove = useMutation({
    mutationFn: (row: LlmKey) => apiRequest<void>(keyPath(row.provider), { method: 'DELETE' }),
    onSuccess: (_answer, row) => {
      setDeleting(null);
      setNotice({
        tone: 'success',
        text: `${providerName(row.provider)} key deleted. Its encrypted value has been purged.`,
      });
    },
    onSettled: refresh,
  });

  const data = keysQuery.data;
  const availableProviders = data
    ? providerIds.filter((provider) => !data.keys.some((row) => row.provider === provider))
    : [];

  return (
    <>
      <PageHeader
        eyebrow={<Link to="/integrations">Integrations</Link>}
        title="LLM"
        description="Bring your own key from Anthropic, OpenAI, Groq or DeepSeek. Keys are encrypted when saved and only ever shown masked."
        actions={
          canWrite && data && availableProviders.length > 0 ? (
            <button
              type="button"
              className="button button--primary"
              onClick={() => {
                setFormError(null);
                setForm({ mode: 'add' });
              }}
            >
              <PlusIcon />
              Add provider
            </button>
          ) : null
        }
      />
      {!canWrite ? <Notice tone="info">Only the workspace owner can change LLM keys.</Notice> : null}
      {notice ? (
        <Notice tone={notice.tone} onDismiss={() => setNotice(null)}>
          {notice.text}
        </Notice>
      ) : null}
      {keysQuery.isPending ? <LoadingState label="Loading keys…" /> : null}
      {keysQuery.isError ? <ErrorState error={keysQuery.error} onRetry={() => keysQuery.refetch()} /> : null}
      {data ? (
        <>
          <KeyHealthBanner keys={data.keys} />
          <ActiveProvider data={data} />
          {data.keys.length === 0 ? (
            <EmptyState icon={<ShieldIcon />} title="No keys of your own yet">
              BestAI answers with the platform default, Anthropic {data.defaults.anthropic}. Add a key to keep
              usage on your own bill or to choose a model.
            </EmptyState>
          ) : (
            <KeyTable
              data={data}
              canWrite={canWrite}
              busyProvider={
                (toggle.isPending && toggle.variables?.provider) ||
                (test.isPending && test.variables?.provider) ||
                null
              }
              isTesting={(provider) => test.isPending && test.variables?.provider === provider}
              onReplace={(row) => {
                setFormError(null);
                setForm({ mode: 'replace', row });
              }}
              onToggle={(row) => toggle.mutate(row)}
              onDelete={(row) => {
                remove.reset();
                setDeleting(row);
              }}
              onTest={(row) => test.mutate(row)}
            />
          )}
          <p className="footnote">
            Every change is recorded in the{' '}
            {can(role, 'audit_log.read') ? <Link to="/audit-log">Audit log</Link> : 'audit log'} with the
            provider and the masked key only.
          </p>
        </>
      ) : null}
      {form && data ? (
        <LlmKeyFormDialog
          replacing={form.mode === 'replace' ? { provider: form.row.provider, model: form.row.model } : null}
          availableProviders={availableProviders}
          defaults={data.defaults}
          stage={formStage}
          error={formError}
          onSave={(values) => void save(values)}
          onClose={() => setForm(null)}
        />
      ) : null}
      {deleting ? (
        <ConfirmDialog
          title={`Delete the ${providerName(deleting.provider)} key?`}
          description={
            <>
              The {providerName(deleting.provider)} key <code>{deleting.maskedKey}</code> is removed and its
              encrypted value purged. Conversations are kept. With no other enabled key, new messages use the
              platform default.
            </>
          }
          confirmLabel="Delete key"
          isBusy={remove.isPending}
          error={remove.isError ? errorMessage(remove.error) : null}
          onConfirm={() => remove.mutate(deleting)}
          onClose={() => setDeleting(null)}
        />
      ) : null}
    </>
  );
}

/** The sentence that tells which provider answers the next chat message. */
function ActiveProvider({ data }: { data: LlmKeyList }) {
  const isPlatform = data.activeProvider === 'platform';
  const activeRow = data.keys.find((row) => row.provider === data.activeProvider);
  const model = isPlatform ? data.defaults.anthropic : (activeRow?.effectiveModel ?? '');
  const colorProvider = isPlatform ? 'anthropic' : data.activeProvider;
  return (
    <section className="active-provider" aria-label="Provider in use">
      <span
        className="provider-dot provider-dot--large"
        style={{ background: providerColor(colorProvider) }}
      />
      <div>
        <p className="active-provider__line">
          Next message answered by{' '}
          <strong>{isPlatform ? 'Platform default (Anthropic)' : providerName(data.activeProvider)}</strong>
          {model ? (
            <>
              {' '}
              using <code>{model}</code>
            </>
          ) : null}
        </p>
        <p className="active-provider__hint">
          {isPlatform
            ? 'No key of your own is enabled, so BestAI’s own Anthropic key answers.'
            : 'Anthropic is used when its key is enabled; otherwise the first enabled of OpenAI, Groq, DeepSeek.'}
        </p>
      </div>
    </section>
  );
}

interface KeyTableProps {
  data: LlmKeyList;
  canWrite: boolean;
  busyProvider: ProviderId | null;
  isTesting: (provider: ProviderId) => boolean;
  onReplace: (row: LlmKey) => void;
  onToggle: (row: LlmKey) => void;
  onDelete: (row: LlmKey) => void;
  onTest: (row: LlmKey) => void;
}

function KeyTable({
  data,
  canWrite,
  busyProvider,
  isTesting,
  onReplace,
  onToggle,
  onDelete,
  onTest,
}: KeyTableProps) {
  const { workspace } = useSession();
  const rows = [...data.keys].sort(
    (a, b) => providerIds.indexOf(a.provider) - providerIds.indexOf(b.provider),
  );
  return (
    <div className="card card--flush">
      <div className="table-scroll">
        <table className="table table--stack">
          <thead>
            <tr>
              <th scope="col">Provider</th>
              <th scope="col">Key</th>
              <th scope="col">Model</th>
              <th scope="col">Status</th>
              <th scope="col">Last used</th>
              <th scope="col">Monthly budget</th>
              <th scope="col">Spent this month</th>
              {canWrite ? (
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              ) : null}
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.provider} className={row.enabled ? undefined : 'row--muted'}>
                <td data-label="Provider">
                  <span className="provider-name">
                    <span className="provider-dot" style={{ background: providerColor(row.provider) }} />
                    {providerName(row.provider)}
                    {data.activeProvider === row.provider ? <span className="pill">In use</span> : null}
                  </span>
                </td>
                <td data-label="Key">
                  <code className="mask">{row.maskedKey}</code>
                </td>
                <td data-label="Model">
                  {row.model ? (
                    <code className="model">{row.model}</code>
                  ) : (
                    <span>
                      <code className="model">{row.effectiveModel}</code>{' '}
                      <span className="muted">(default)</span>
                    </span>
                  )}
                </td>
                <td data-label="Status">
                  <div className="status-cell">
                    <Badge tone={statusTones[row.status]}>{statusLabels[row.status]}</Badge>
                    {row.lastError && row.status !== 'ok' ? (
                      <p className="status-cell__error">
                        {row.lastError.message}{' '}
                        <time
                          dateTime={row.lastError.at}
                          title={formatExactTime(row.lastError.at)}
                          className="muted"
                        >
                          {formatRelativeTime(row.lastError.at)}
                        </time>
                      </p>
                    ) : null}
                  </div>
                </td>
                <td data-label="Last used" className="nowrap">
                  {row.lastUsedAt ? (
                    <RelativeTime iso={row.lastUsedAt} />
                  ) : (
                    <span className="muted">Never</span>
                  )}
                </td>
                <td data-label="Monthly budget">
                  <BudgetField
                    label={`Monthly budget of the ${providerName(row.provider)} key`}
                    value={row.monthlyBudgetUsd}
                    canWrite={canWrite}
                    path={`llm-keys/${row.provider}`}
                    queryKey={workspaceKeys.llmKeys(workspace.id)}
                  />
                </td>
                <td data-label="Spent this month" className="nowrap">
                  {formatUsd(row.spentThisMonthUsd)}
                </td>
                {canWrite ? (
                  <td className="actions-cell">
                    <div className="row-actions">
                      <button type="button" className="button button--small" onClick={() => onReplace(row)}>
                        Replace
                      </button>
                      <button
                        type="button"
                        className="button button--small"
                        onClick={() => onToggle(row)}
                        disabled={busyProvider === row.provider}
                      >
                        {row.enabled ? 'Disable' : 'Enable'}
                      </button>
                      <button
                        type="button"
                        className="button button--small"
                        onClick={() => onTest(row)}
                        disabled={busyProvider === row.provider}
                        aria-busy={isTesting(row.provider)}
                      >
                        Test
                      </button>
                      <button
                        type="button"
                        className="button button--small button--danger-ghost"
                        onClick={() => onDelete(row)}
                      >
                        Delete
                      </button>
                    </div>
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
