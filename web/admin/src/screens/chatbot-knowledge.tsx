/**
 * A chatbot's Knowledge: the sources it answers from (pasted text, web pages, files) with their
 * indexing status, passages and last refresh; Add source, Refresh, Delete; its search language and
 * whether the widget shows sources as links; and "Try it", which shows the passages a question retrieves.
 */
import { useEffect, useId, useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiRequest, workspacePath } from '../api-client';
import type {
  KnowledgeOverview,
  KnowledgeSettings,
  KnowledgeSource,
  KnowledgeSourceKind,
  RetrievedPassage,
} from '../api-types';
import { ConfirmDialog, Dialog } from '../components/dialog';
import { Badge, EmptyState, ErrorState, errorMessage, LoadingState, RelativeTime } from '../components/ui';
import { can } from '../permissions';
import { useSession } from '../session';

const statusLabels = { indexing: 'Indexing', ready: 'Ready', error: 'Error' } as const;
const statusTones = { indexing: 'accent', ready: 'success', error: 'danger' } as const;
const kindLabels: Record<KnowledgeSourceKind, string> = { text: 'Text', url: 'Web page', file: 'File' };
const languages = [
  'english',
  'simple',
  'danish',
  'dutch',
  'finnish',
  'french',
  'german',
  'hungarian',
  'italian',
  'norwegian',
  'portuguese',
  'romanian',
  'russian',
  'spanish',
  'swedish',
  'turkish',
];
const acceptedFiles = '.txt,.md,.html,.htm,.pdf,.docx';

export function KnowledgeSection({ chatbotId }: { chatbotId: string }) {
  const { workspace, role } = useSession();
  const canWrite = can(role, 'chatbots.write');
  const queryClient = useQueryClient();
  const basePath = workspacePath(workspace.id, `chatbots/${encodeURIComponent(chatbotId)}/knowledge`);
  const queryKey = ['workspace', workspace.id, 'knowledge', chatbotId];
  const knowledge = useQuery({
    queryKey,
    queryFn: () => apiRequest<KnowledgeOverview>(basePath),
    // While a source indexes, its status changes in the background: look again each second.
    refetchInterval: (query) =>
      query.state.data?.sources.some((source) => source.status === 'indexing') ? 1_000 : false,
  });
  const [isAdding, setAdding] = useState(false);
  const [deleting, setDeleting] = useState<KnowledgeSource | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey });

  const refreshSource = useMutation({
    mutationFn: (source: KnowledgeSource) =>
      apiRequest<KnowledgeSource>(`${basePath}/${encodeURIComponent(source.id)}/refresh`, { method: 'POST' }),
    onSettled: refresh,
  });
  const removeSource = useMutation({
    mutationFn: (source: KnowledgeSource) =>
      apiRequest<void>(`${basePath}/${encodeURIComponent(source.id)}`, { method: 'DELETE' }),
    onSuccess: () => {
      setDeleting(null);
      void refresh();
    },
  });
  const saveSettings = useMutation({
    mutationFn: (changes: Partial<KnowledgeSettings>) =>
      apiRequest<{ settings: KnowledgeSettings }>(basePath, { method: 'PATCH', body: changes }),
    onSettled: refresh,
  });

  return (
    <section className="card card--padded knowledge" aria-labelledby="knowledge-title">
      <div className="knowledge__header">
        <div>
          <h2 id="knowledge-title" className="card__title">
            Knowledge
          </h2>
          <p className="muted small">
            Pages, files and notes this chatbot answers from. For each question, the best passages go to the
            model with your system prompt.
          </p>
        </div>
        {canWrite ? (
          <button type="button" className="button button--primary" onClick={() => setAdding(true)}>
            Add source
          </button>
        ) : null}
      </div>
      {knowledge.isPending ? <LoadingState label="Loading the sources…" /> : null}
      {knowledge.isError ? <ErrorState error={knowledge.error} onRetry={() => knowledge.refetch()} /> : null}
      {knowledge.data ? (
        <>
          {knowledge.data.sources.length === 0 ? (
            <EmptyState title="No sources yet">
              Add your website, a PDF or a few questions and answers, and the chatbot answers from them.
            </EmptyState>
          ) : (
            <SourceTable
              sources={knowledge.data.sources}
              canWrite={canWrite}
              busyId={refreshSource.isPending ? refreshSource.variables?.id : undefined}
              onRefresh={(source) => refreshSource.mutate(source)}
              onDelete={setDeleting}
            />
          )}
          {refreshSource.isError ? (
            <p className="form-error" role="alert">
              {errorMessage(refreshSource.error)}
            </p>
          ) : null}
          <KnowledgeSettingsForm
            settings={knowledge.data.settings}
            disabled={!canWrite || saveSettings.isPending}
            onChange={(changes) => saveSettings.mutate(changes)}
          />
          {saveSettings.isError ? (
            <p className="form-error" role="alert">
              {errorMessage(saveSettings.error)}
            </p>
          ) : null}
          <TryIt basePath={basePath} />
        </>
      ) : null}
      {isAdding ? (
        <AddSourceDialog
          basePath={basePath}
          onClose={() => setAdding(false)}
          onAdded={() => {
            setAdding(false);
            void refresh();
          }}
        />
      ) : null}
      {deleting ? (
        <ConfirmDialog
          title={`Delete ${deleting.title}?`}
          description="Its passages are removed at once: the next answer no longer uses them."
          confirmLabel="Delete source"
          isBusy={removeSource.isPending}
          error={removeSource.isError ? errorMessage(removeSource.error) : null}
          onConfirm={() => removeSource.mutate(deleting)}
          onClose={() => setDeleting(null)}
        />
      ) : null}
    </section>
  );
}

function SourceTable({
  sources,
  canWrite,
  busyId,
  onRefresh,
  onDelete,
}: {
  sources: KnowledgeSource[];
  canWrite: boolean;
  busyId: string | undefined;
  onRefresh: (source: KnowledgeSource) => void;
  onDelete: (source: KnowledgeSource) => void;
}) {
  return (
    <div className="table-scroll">
      <table className="table table--stack" aria-label="Knowledge sources">
        <thead>
          <tr>
            <th scope="col">Source</th>
            <th scope="col">Status</th>
            <th scope="col">Passages</th>
            <th scope="col">Last refreshed</th>
            {canWrite ? (
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            ) : null}
          </tr>
        </thead>
        <tbody>
          {sources.map((source) => (
            <tr key={source.id}>
              <td data-label="Source">
                <div className="knowledge__source">
                  <span>{source.title}</span>
                  <span className="muted small">
                    {kindLabels[source.kind]}
                    {source.kind === 'url' && source.url && source.url !== source.title
                      ? ` · ${source.url}`
                      : ''}
                    {source.crawl ? ' · with linked pages' : ''}
                  </span>
                </div>
              </td>
              <td data-label="Status">
                <div className="status-cell">
                  <Badge tone={statusTones[source.status]}>{statusLabels[source.status]}</Badge>
                  {source.error ? <p className="status-cell__error">{source.error}</p> : null}
                </div>
              </td>
              <td data-label="Passages">{source.chunks}</td>
              <td data-label="Last refreshed" className="nowrap">
                {source.indexedAt ? (
                  <RelativeTime iso={source.indexedAt} />
                ) : (
                  <span className="muted">Never</span>
                )}
              </td>
              {canWrite ? (
                <td className="actions-cell">
                  <div className="row-actions">
                    <button
                      type="button"
                      className="button button--small"
                      aria-label={`Refresh ${source.title}`}
                      disabled={source.status === 'indexing' || busyId === source.id}
                      onClick={() => onRefresh(source)}
                    >
                      Refresh
                    </button>
                    <button
                      type="button"
                      className="button button--small button--danger-ghost"
                      aria-label={`Delete ${source.title}`}
                      onClick={() => onDelete(source)}
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
  );
}

function AddSourceDialog({
  basePath,
  onClose,
  onAdded,
}: {
  basePath: string;
  onClose: () => void;
  onAdded: () => void;
}) {
  const [kind, setKind] = useState<KnowledgeSourceKind>('text');
  const [title, setTitle] = useState('');
  const [content, setContent] = useState('');
  const [url, setUrl] = useState('');
  const [crawl, setCrawl] = useState(false);
  const [file, setFile] = useState<File | null>(null);
  const ids = { title: useId(), content: useId(), url: useId(), crawl: useId(), file: useId() };
  const add = useMutation({
    mutationFn: () => {
      if (kind === 'file') {
        const form = new FormData();
        form.append('file', file!);
        return apiRequest<KnowledgeSource>(basePath, { method: 'POST', body: form });
      }
      const body = kind === 'text' ? { kind, title, content } : { kind, url, crawl };
      return apiRequest<KnowledgeSource>(basePath, { method: 'POST', body });
    },
    onSuccess: onAdded,
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    add.mutate();
  }
  return (
    <Dialog title="Add source" onClose={onClose} isBusy={add.isPending}>
      <form className="form" onSubmit={submit}>
        <fieldset className="field" disabled={add.isPending}>
          <legend>Kind</legend>
          <div className="segmented">
            {(['text', 'url', 'file'] as const).map((option) => (
              <label key={option} className="segmented__option">
                <input
                  type="radio"
                  name="source-kind"
                  value={option}
                  checked={kind === option}
                  onChange={() => setKind(option)}
                />
                <span>{kindLabels[option]}</span>
              </label>
            ))}
          </div>
        </fieldset>
        {kind === 'text' ? (
          <>
            <div className="field">
              <label htmlFor={ids.title}>Title</label>
              <input
                id={ids.title}
                className="input"
                required
                maxLength={200}
                placeholder="Opening hours"
                value={title}
                onChange={(event) => setTitle(event.target.value)}
                data-autofocus
              />
            </div>
            <div className="field">
              <label htmlFor={ids.content}>Content</label>
              <textarea
                id={ids.content}
                className="textarea"
                required
                rows={8}
                placeholder={'Q: When are you open?\nA: Monday to Saturday, 9 am to 6 pm.'}
                value={content}
                onChange={(event) => setContent(event.target.value)}
              />
            </div>
          </>
        ) : null}
        {kind === 'url' ? (
          <>
            <div className="field">
              <label htmlFor={ids.url}>URL</label>
              <input
                id={ids.url}
                className="input"
                type="url"
                required
                placeholder="https://www.example.com/help"
                value={url}
                onChange={(event) => setUrl(event.target.value)}
              />
            </div>
            <label className="checkbox" htmlFor={ids.crawl}>
              <input
                id={ids.crawl}
                type="checkbox"
                checked={crawl}
                onChange={(event) => setCrawl(event.target.checked)}
              />
              <span>Also read the pages it links to on the same site (up to 50, as robots.txt allows)</span>
            </label>
          </>
        ) : null}
        {kind === 'file' ? (
          <div className="field">
            <label htmlFor={ids.file}>File</label>
            <input
              id={ids.file}
              className="input"
              type="file"
              required
              accept={acceptedFiles}
              onChange={(event) => setFile(event.target.files?.[0] ?? null)}
            />
            <p className="field__hint">.txt, .md, .html, .pdf or .docx, up to 10 MB.</p>
          </div>
        ) : null}
        {add.isError ? (
          <p className="form-error" role="alert">
            {errorMessage(add.error)}
          </p>
        ) : null}
        <div className="dialog__actions">
          <button type="button" className="button" onClick={onClose} disabled={add.isPending}>
            Cancel
          </button>
          <button type="submit" className="button button--primary" disabled={add.isPending}>
            {add.isPending ? 'Adding…' : 'Add source'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function KnowledgeSettingsForm({
  settings,
  disabled,
  onChange,
}: {
  settings: KnowledgeSettings;
  disabled: boolean;
  onChange: (changes: Partial<KnowledgeSettings>) => void;
}) {
  const ids = { language: useId(), links: useId() };
  // Shown as chosen at once; the server's answer replaces it when it arrives.
  const [values, setValues] = useState(settings);
  useEffect(() => setValues(settings), [settings]);
  const change = (changes: Partial<KnowledgeSettings>) => {
    setValues((previous) => ({ ...previous, ...changes }));
    onChange(changes);
  };
  return (
    <fieldset className="knowledge__settings" disabled={disabled}>
      <div className="field field--narrow">
        <label htmlFor={ids.language}>Language</label>
        <select
          id={ids.language}
          className="input"
          value={values.language}
          onChange={(event) => change({ language: event.target.value })}
        >
          {languages.map((language) => (
            <option key={language} value={language}>
              {language === 'simple' ? 'Any (no stemming)' : language[0]!.toUpperCase() + language.slice(1)}
            </option>
          ))}
        </select>
      </div>
      <label className="checkbox" htmlFor={ids.links}>
        <input
          id={ids.links}
          type="checkbox"
          checked={values.showSourceLinks}
          onChange={(event) => change({ showSourceLinks: event.target.checked })}
        />
        <span>Show sources as links in the widget</span>
      </label>
    </fieldset>
  );
}

function TryIt({ basePath }: { basePath: string }) {
  const [question, setQuestion] = useState('');
  const inputId = useId();
  const search = useMutation({
    mutationFn: () =>
      apiRequest<{ passages: RetrievedPassage[] }>(`${basePath}/search`, {
        method: 'POST',
        body: { question },
      }),
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    if (question.trim()) search.mutate();
  }
  return (
    <form className="knowledge__try" onSubmit={submit} aria-label="Try it">
      <div className="field">
        <label htmlFor={inputId}>Try it: a visitor asks</label>
        <div className="knowledge__try-row">
          <input
            id={inputId}
            className="input"
            maxLength={2_000}
            placeholder="When are you open on Sunday?"
            value={question}
            onChange={(event) => setQuestion(event.target.value)}
          />
          <button type="submit" className="button" disabled={search.isPending || !question.trim()}>
            Try it
          </button>
        </div>
      </div>
      {search.isError ? (
        <p className="form-error" role="alert">
          {errorMessage(search.error)}
        </p>
      ) : null}
      {search.data ? (
        search.data.passages.length === 0 ? (
          <p className="muted">No passage matches: the chatbot answers from its system prompt alone.</p>
        ) : (
          <ol className="knowledge__passages" aria-label="Retrieved passages">
            {search.data.passages.map((passage, index) => (
              <li key={`${passage.sourceId}-${index}`} className="knowledge__passage">
                <p className="knowledge__passage-source">
                  <strong>{passage.title}</strong>
                  {passage.location ? <span className="muted small"> · {passage.location}</span> : null}
                </p>
                <p className="knowledge__passage-text">{passage.content}</p>
              </li>
            ))}
          </ol>
        )
      ) : null}
    </form>
  );
}
