/** One chatbot: create or edit its settings; see and copy its embed snippet; open its preview. */
import { useCallback, useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, apiRequest, workspacePath } from '../api-client';
import type { Chatbot, ChatbotSettings } from '../api-types';
import { ConfirmDialog } from '../components/dialog';
import { ArrowLeftIcon, ExternalIcon } from '../components/icons';
import { BudgetField } from '../components/budget-field';
import {
  Badge,
  CopyButton,
  ErrorState,
  errorMessage,
  LoadingState,
  Notice,
  PageHeader,
  TextField,
} from '../components/ui';
import { formatUsd } from '../format';
import { can } from '../permissions';
import { Link, navigate, useDocumentTitle, useUnsavedChangesWarning } from '../router';
import { useSession } from '../session';
import { formatNumber, formatShortTime } from '../format';
import { noAnswerNotice, useInstanceQuery } from '../instance';
import { fetchChatbot, fetchLlmKeys, workspaceKeys } from '../workspace-queries';
import { KnowledgeSection } from './chatbot-knowledge';

/** The form's values: every text field as a string (empty for "not set"), origins one per line. */
type FormValues = Omit<
  ChatbotSettings,
  'allowedOrigins' | 'title' | 'greeting' | 'errorMessage' | 'starterQuestions'
> & {
  allowedOrigins: string;
  /** One question per line. */
  starterQuestions: string;
  title: string;
  greeting: string;
  errorMessage: string;
};

/** The chatbot this browser has just created: its screen opens with a "Chatbot created" notice. */
let justCreatedChatbotId: string | null = null;

/** The form's words for the fields the server may name in an error's `details`. */
const fieldLabels: Record<string, string> = {
  name: 'Name',
  systemPrompt: 'System prompt',
  allowedOrigins: 'Allowed origins',
  title: 'Title',
  greeting: 'Greeting',
  color: 'Colour',
  position: 'Position',
  errorMessage: 'Error message',
  theme: 'Theme',
  language: 'Widget language',
  starterQuestions: 'Starter questions',
};

const themeLabels = { light: 'Light', dark: 'Dark', auto: 'Automatic' } as const;
const languageLabels = { en: 'English', de: 'Deutsch', fr: 'Français', es: 'Español' } as const;
const MAX_STARTER_QUESTIONS = 4;

const newChatbot: ChatbotSettings = {
  name: '',
  systemPrompt: '',
  allowedOrigins: [],
  title: 'Chat with us',
  greeting: 'Hi! How can I help you today?',
  color: '#5b5bd6',
  position: 'right',
  errorMessage: 'Sorry, something went wrong. Please try again in a moment.',
  theme: 'light',
  language: 'en',
  starterQuestions: [],
};

export function ChatbotEditScreen({ chatbotId }: { chatbotId: string | null }) {
  const { workspace } = useSession();
  const chatbotQuery = useQuery({
    queryKey: [...workspaceKeys.chatbots(workspace.id), chatbotId],
    queryFn: () => fetchChatbot(workspace.id, chatbotId!),
    enabled: chatbotId !== null,
  });
  useDocumentTitle(chatbotId === null ? 'New chatbot' : (chatbotQuery.data?.name ?? 'Chatbot'));

  const back = (
    <Link to="/chatbots" className="back-link">
      <ArrowLeftIcon />
      Chatbots
    </Link>
  );
  if (chatbotId === null) return <ChatbotForm chatbot={null} back={back} />;
  if (chatbotQuery.isPending) return <LoadingState label="Loading the chatbot…" />;
  if (chatbotQuery.isError) {
    return (
      <>
        <PageHeader eyebrow={back} title="Chatbot" />
        <ErrorState error={chatbotQuery.error} onRetry={() => chatbotQuery.refetch()} />
      </>
    );
  }
  return <ChatbotForm key={chatbotQuery.data.id} chatbot={chatbotQuery.data} back={back} />;
}

function ChatbotForm({ chatbot, back }: { chatbot: Chatbot | null; back: ReactNode }) {
  const { workspace, role } = useSession();
  const queryClient = useQueryClient();
  const canWrite = can(role, 'chatbots.write');
  const initial = chatbot ?? newChatbot;
  const [values, setValues] = useState<FormValues>({
    name: initial.name,
    systemPrompt: initial.systemPrompt,
    allowedOrigins: initial.allowedOrigins.join('\n'),
    title: initial.title ?? '',
    greeting: initial.greeting ?? '',
    color: initial.color,
    position: initial.position,
    errorMessage: initial.errorMessage ?? '',
    theme: initial.theme,
    language: initial.language,
    starterQuestions: initial.starterQuestions.join('\n'),
  });
  // What the server has: the form is "dirty" while its values differ (kept in a ref, so a navigation right
  // after a save — before React re-renders — is not mistaken for leaving unsaved edits).
  const [savedValues, setSavedValues] = useState<FormValues>(() => values);
  const isDirtyRef = useRef(false);
  isDirtyRef.current = canWrite && JSON.stringify(values) !== JSON.stringify(savedValues);
  const isDirty = useCallback(() => isDirtyRef.current, []);
  useUnsavedChangesWarning(isDirty, 'This chatbot has unsaved changes. Leave without saving them?');
  const [savedNotice, setSavedNotice] = useState<string | null>(() =>
    chatbot && chatbot.id === justCreatedChatbotId
      ? 'Chatbot created. Put the embed snippet on your site, or open Preview to try it.'
      : null,
  );
  const [isDeleting, setDeleting] = useState(false);
  const ids = {
    name: useId(),
    prompt: useId(),
    origins: useId(),
    originsHint: useId(),
    title: useId(),
    greeting: useId(),
    color: useId(),
    errorMessage: useId(),
    snippet: useId(),
    language: useId(),
    starters: useId(),
    startersHint: useId(),
  };

  function update<K extends keyof FormValues>(field: K, value: FormValues[K]) {
    setValues((previous) => ({ ...previous, [field]: value }));
  }

  const origins = values.allowedOrigins
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  const starterQuestions = values.starterQuestions
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  const tooManyStarters = starterQuestions.length > MAX_STARTER_QUESTIONS;
  const badOrigin = origins.find((origin) => !/^https?:\/\/[^/\s]+$/i.test(origin.replace(/\/$/, '')));

  const save = useMutation({
    mutationFn: () => {
      // An empty title, greeting or error message means "not set": the widget then uses its own words.
      const body: ChatbotSettings = {
        ...values,
        name: values.name.trim(),
        allowedOrigins: origins,
        title: values.title.trim() || null,
        greeting: values.greeting.trim() || null,
        errorMessage: values.errorMessage.trim() || null,
        starterQuestions: starterQuestions,
      };
      return chatbot
        ? apiRequest<Chatbot>(workspacePath(workspace.id, `chatbots/${encodeURIComponent(chatbot.id)}`), {
            method: 'PATCH',
            body,
          })
        : apiRequest<Chatbot>(workspacePath(workspace.id, 'chatbots'), { method: 'POST', body });
    },
    onSuccess: (saved) => {
      isDirtyRef.current = false;
      setSavedValues(values);
      void queryClient.invalidateQueries({ queryKey: workspaceKeys.chatbots(workspace.id) });
      void queryClient.invalidateQueries({ queryKey: workspaceKeys.auditLog(workspace.id) });
      if (!chatbot) {
        justCreatedChatbotId = saved.id;
        navigate(`/chatbots/${encodeURIComponent(saved.id)}`, { replace: true });
      } else setSavedNotice('Changes saved. The widget picks them up on its next load.');
    },
  });

  const remove = useMutation({
    mutationFn: () =>
      apiRequest<void>(workspacePath(workspace.id, `chatbots/${encodeURIComponent(chatbot!.id)}`), {
        method: 'DELETE',
      }),
    onSuccess: () => {
      isDirtyRef.current = false;
      void queryClient.invalidateQueries({ queryKey: workspaceKeys.chatbots(workspace.id) });
      navigate('/chatbots', { replace: true });
    },
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    setSavedNotice(null);
    if (badOrigin || tooManyStarters) return;
    save.mutate();
  }

  const fieldErrors = save.error instanceof ApiError ? save.error.fields : [];
  const fieldProblems = save.error instanceof ApiError ? save.error.details : [];

  return (
    <>
      <PageHeader
        eyebrow={back}
        title={chatbot ? chatbot.name : 'New chatbot'}
        description={
          chatbot
            ? canWrite
              ? 'Change how this chatbot answers and looks.'
              : 'Only owners and admins can change chatbots.'
            : 'Give it a name and instructions; you can change everything later.'
        }
        actions={
          chatbot ? (
            <a
              className="button"
              href={`/preview/${encodeURIComponent(chatbot.publicId)}`}
              target="_blank"
              rel="noopener"
            >
              Preview
              <ExternalIcon />
            </a>
          ) : null
        }
      />
      {chatbot ? <NoAnswerNotice /> : null}
      {savedNotice ? (
        <Notice tone="success" onDismiss={() => setSavedNotice(null)}>
          {savedNotice}
        </Notice>
      ) : null}
      <div className="split">
        <form className="form card card--padded" onSubmit={submit}>
          <fieldset className="form-section" disabled={!canWrite || save.isPending}>
            <legend className="form-section__title">Answers</legend>
            <TextField
              id={ids.name}
              label="Name"
              required
              maxLength={100}
              placeholder="Support assistant"
              value={values.name}
              invalid={fieldErrors.includes('name')}
              onChange={(event) => update('name', event.target.value)}
            />
            <div className="field">
              <label htmlFor={ids.prompt}>System prompt</label>
              <textarea
                id={ids.prompt}
                className="textarea"
                rows={6}
                placeholder="You are the friendly assistant of Acme. Answer questions about our products and opening hours."
                value={values.systemPrompt}
                onChange={(event) => update('systemPrompt', event.target.value)}
              />
            </div>
            <div className="field">
              <label htmlFor={ids.origins}>Allowed origins</label>
              <textarea
                id={ids.origins}
                className="textarea input--mono"
                rows={3}
                placeholder="https://www.example.com"
                aria-describedby={ids.originsHint}
                aria-invalid={Boolean(badOrigin) || fieldErrors.includes('allowedOrigins')}
                value={values.allowedOrigins}
                onChange={(event) => update('allowedOrigins', event.target.value)}
              />
              <p id={ids.originsHint} className={`field__hint${badOrigin ? ' field__hint--error' : ''}`}>
                {badOrigin
                  ? `“${badOrigin}” is not an origin. Write it like https://www.example.com, without a path.`
                  : 'One per line. The widget only works on these sites; leave empty to allow any site.'}
              </p>
            </div>
          </fieldset>
          <hr className="divider" />
          <fieldset className="form-section" disabled={!canWrite || save.isPending}>
            <legend className="form-section__title">Look</legend>
            <div className="field-row">
              <TextField
                id={ids.title}
                label="Title"
                maxLength={80}
                value={values.title}
                onChange={(event) => update('title', event.target.value)}
              />
              <div className="field field--narrow">
                <label htmlFor={ids.color}>Colour</label>
                <div className="color-input">
                  <input
                    type="color"
                    aria-hidden="true"
                    tabIndex={-1}
                    value={/^#[0-9a-f]{6}$/i.test(values.color) ? values.color : '#5b5bd6'}
                    onChange={(event) => update('color', event.target.value)}
                  />
                  <input
                    id={ids.color}
                    className="input input--mono"
                    maxLength={7}
                    pattern="#[0-9a-fA-F]{6}"
                    value={values.color}
                    onChange={(event) => update('color', event.target.value)}
                  />
                </div>
              </div>
            </div>
            <TextField
              id={ids.greeting}
              label="Greeting"
              maxLength={500}
              value={values.greeting}
              onChange={(event) => update('greeting', event.target.value)}
            />
            <fieldset className="field">
              <legend>Position</legend>
              <div className="segmented">
                {(['left', 'right'] as const).map((position) => (
                  <label key={position} className="segmented__option">
                    <input
                      type="radio"
                      name="position"
                      value={position}
                      checked={values.position === position}
                      onChange={() => update('position', position)}
                    />
                    <span>{position === 'left' ? 'Bottom left' : 'Bottom right'}</span>
                  </label>
                ))}
              </div>
            </fieldset>
            <div className="field">
              <label htmlFor={ids.errorMessage}>Error message</label>
              <input
                id={ids.errorMessage}
                className="input"
                maxLength={300}
                value={values.errorMessage}
                onChange={(event) => update('errorMessage', event.target.value)}
              />
              <p className="field__hint">What visitors see when the provider cannot answer.</p>
            </div>
            <fieldset className="field">
              <legend>Theme</legend>
              <div className="segmented">
                {(['light', 'dark', 'auto'] as const).map((theme) => (
                  <label key={theme} className="segmented__option">
                    <input
                      type="radio"
                      name="theme"
                      value={theme}
                      checked={values.theme === theme}
                      onChange={() => update('theme', theme)}
                    />
                    <span>{themeLabels[theme]}</span>
                  </label>
                ))}
              </div>
              <p className="field__hint">Automatic follows each visitor’s light or dark system setting.</p>
            </fieldset>
            <div className="field">
              <label htmlFor={ids.language}>Widget language</label>
              <select
                id={ids.language}
                className="select"
                value={values.language}
                onChange={(event) => update('language', event.target.value as FormValues['language'])}
              >
                {(Object.keys(languageLabels) as FormValues['language'][]).map((language) => (
                  <option key={language} value={language}>
                    {languageLabels[language]}
                  </option>
                ))}
              </select>
              <p className="field__hint">
                The widget’s own words (buttons, notices). Your title, greeting and messages stay as you write
                them.
              </p>
            </div>
            <div className="field">
              <label htmlFor={ids.starters}>Starter questions</label>
              <textarea
                id={ids.starters}
                className="textarea"
                rows={4}
                placeholder="Where is my order?"
                aria-describedby={ids.startersHint}
                aria-invalid={tooManyStarters || fieldErrors.includes('starterQuestions')}
                value={values.starterQuestions}
                onChange={(event) => update('starterQuestions', event.target.value)}
              />
              <p
                id={ids.startersHint}
                className={`field__hint${tooManyStarters ? ' field__hint--error' : ''}`}
              >
                {tooManyStarters
                  ? `At most ${MAX_STARTER_QUESTIONS} questions; remove ${starterQuestions.length - MAX_STARTER_QUESTIONS}.`
                  : `Up to ${MAX_STARTER_QUESTIONS}, one per line: a new visitor sends one with a tap.`}
              </p>
            </div>
          </fieldset>
          {save.isError ? (
            <div className="form-error" role="alert">
              <p>{errorMessage(save.error)}</p>
              {fieldProblems.length > 0 ? (
                <ul className="form-error__list">
                  {fieldProblems.map((problem) => (
                    <li key={`${problem.field}: ${problem.message}`}>
                      {describeField(problem.field)} {problem.message}.
                    </li>
                  ))}
                </ul>
              ) : null}
            </div>
          ) : null}
          {canWrite ? (
            <div className="form-actions">
              {chatbot ? (
                <button
                  type="button"
                  className="button button--danger-ghost"
                  onClick={() => setDeleting(true)}
                >
                  Delete chatbot
                </button>
              ) : (
                <span />
              )}
              <button type="submit" className="button button--primary" disabled={save.isPending}>
                {save.isPending ? 'Saving…' : chatbot ? 'Save changes' : 'Create chatbot'}
              </button>
            </div>
          ) : null}
        </form>
        <aside className="side-panel">
          {chatbot ? (
            <section className="card card--padded">
              <h2 className="card__title">Add it to your website</h2>
              <p className="muted small">
                Paste this snippet before the closing &lt;/body&gt; tag of your site.
              </p>
              <label htmlFor={ids.snippet} className="visually-hidden">
                Embed snippet
              </label>
              <textarea id={ids.snippet} className="snippet" readOnly rows={5} value={chatbot.embedSnippet} />
              <div className="snippet-actions">
                <CopyButton text={chatbot.embedSnippet} label="Copy snippet" />
              </div>
            </section>
          ) : null}
          {chatbot ? <RefusedOrigins chatbotId={chatbot.id} /> : null}
          {chatbot ? <BudgetSection chatbot={chatbot} /> : null}
          <WidgetSketch
            title={values.title || values.name}
            greeting={values.greeting}
            color={values.color}
            position={values.position}
          />
        </aside>
      </div>
      {chatbot ? <KnowledgeSection chatbotId={chatbot.id} /> : null}
      {isDeleting && chatbot ? (
        <ConfirmDialog
          title={`Delete ${chatbot.name}?`}
          description="The widget stops working on your website at once."
          confirmLabel="Delete chatbot"
          isBusy={remove.isPending}
          error={remove.isError ? errorMessage(remove.error) : null}
          onConfirm={() => remove.mutate()}
          onClose={() => setDeleting(false)}
        />
      ) : null}
    </>
  );
}

/** "Allowed origins (entry 2):" for `allowedOrigins.1`; the field's own words otherwise. */
function describeField(field: string): string {
  const [name = field, index] = field.split('.');
  const label = fieldLabels[name] ?? name;
  return index !== undefined && /^\d+$/.test(index) ? `${label} (entry ${Number(index) + 1}):` : `${label}:`;
}

/** A still sketch of the widget with the chosen look, so changes are visible before saving. */
function WidgetSketch({
  title,
  greeting,
  color,
  position,
}: Pick<ChatbotSettings, 'title' | 'greeting' | 'color' | 'position'>) {
  const accent = /^#[0-9a-f]{6}$/i.test(color) ? color : '#5b5bd6';
  return (
    <section className="card card--padded" aria-label="How the widget looks">
      <h2 className="card__title">How it looks</h2>
      <div className={`widget-sketch widget-sketch--${position}`} aria-hidden="true">
        <div className="widget-sketch__window">
          <div className="widget-sketch__header" style={{ background: accent }}>
            {title || 'Chat'}
          </div>
          <div className="widget-sketch__body">
            <div className="widget-sketch__bubble">{greeting || '…'}</div>
          </div>
        </div>
        <div className="widget-sketch__launcher" style={{ background: accent }} />
      </div>
    </section>
  );
}

/** Says so when nothing can answer this workspace's visitors: no key of its own and no platform key. */
function NoAnswerNotice() {
  const { workspace } = useSession();
  const instance = useInstanceQuery();
  const keys = useQuery({
    queryKey: workspaceKeys.llmKeys(workspace.id),
    queryFn: () => fetchLlmKeys(workspace.id),
  });
  const active: string | undefined = keys.data?.activeProvider;
  const isSilent = active === 'none' || (active === 'platform' && instance.data?.hasPlatformKey === false);
  if (!isSilent) return null;
  return (
    <Notice tone="warning">
      {noAnswerNotice} <Link to="/integrations/llm">Integrations → LLM</Link>
    </Notice>
  );
}

/** Websites that asked for this chatbot's widget lately but are not on its list: the widget drew nothing there. */
function RefusedOrigins({ chatbotId }: { chatbotId: string }) {
  const { workspace } = useSession();
  const refused = useQuery({
    queryKey: [...workspaceKeys.chatbots(workspace.id), chatbotId, 'refused-origins'],
    queryFn: () =>
      apiRequest<{ origins: { origin: string; refusals: number; lastRefusedAt: string }[] }>(
        workspacePath(workspace.id, `chatbots/${encodeURIComponent(chatbotId)}/refused-origins`),
      ),
  });
  const origins = refused.data?.origins ?? [];
  if (origins.length === 0) return null;
  return (
    <section className="card card--padded" aria-labelledby="refused-origins-title">
      <h2 id="refused-origins-title" className="card__title">
        Refused lately
      </h2>
      <p className="muted small">
        These websites tried to show this chatbot, but they are not in Allowed origins, so the widget drew
        nothing there. Add the ones that are yours.
      </p>
      <ul className="refused-origins">
        {origins.map((entry) => (
          <li key={entry.origin}>
            <code>{entry.origin}</code>{' '}
            <span className="muted small">
              {entry.refusals === 1 ? 'once' : `${formatNumber(entry.refusals)} times`}, last{' '}
              {formatShortTime(entry.lastRefusedAt)}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}

/**
 * The chatbot's monthly budget, what it has spent this month, and the message visitors see while it is
 * used up. Only the owner changes them (contract "Budgets").
 */
function BudgetSection({ chatbot }: { chatbot: Chatbot }) {
  const { workspace, role } = useSession();
  const queryClient = useQueryClient();
  const canWrite = can(role, 'budgets.write');
  const pausedId = useId();
  const [pausedMessage, setPausedMessage] = useState(chatbot.pausedMessage ?? '');
  const queryKey = [...workspaceKeys.chatbots(workspace.id), chatbot.id];
  const savePaused = useMutation({
    mutationFn: () =>
      apiRequest(workspacePath(workspace.id, `chatbots/${encodeURIComponent(chatbot.id)}`), {
        method: 'PATCH',
        body: { pausedMessage: pausedMessage.trim() || null },
      }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: workspaceKeys.chatbots(workspace.id) }),
  });
  return (
    <section className="card card--padded" aria-labelledby={`${pausedId}-title`}>
      <h2 id={`${pausedId}-title`} className="card__title">
        Budget
      </h2>
      <dl className="budget-summary">
        <div>
          <dt>Monthly budget</dt>
          <dd>
            <BudgetField
              label="Monthly budget"
              value={chatbot.monthlyBudgetUsd}
              canWrite={canWrite}
              path={`chatbots/${encodeURIComponent(chatbot.id)}`}
              queryKey={queryKey}
            />
          </dd>
        </div>
        <div>
          <dt>Spent this month</dt>
          <dd>
            {formatUsd(chatbot.spentThisMonthUsd)}{' '}
            {chatbot.isPaused ? <Badge tone="warning">Paused: budget used up</Badge> : null}
          </dd>
        </div>
      </dl>
      <form
        className="form"
        onSubmit={(event) => {
          event.preventDefault();
          savePaused.mutate();
        }}
      >
        <div className="field">
          <label htmlFor={pausedId}>Paused message</label>
          <textarea
            id={pausedId}
            className="textarea"
            rows={3}
            maxLength={300}
            readOnly={!canWrite}
            placeholder="This assistant is taking a break for now. Please come back later, or contact us another way."
            value={pausedMessage}
            onChange={(event) => setPausedMessage(event.target.value)}
          />
          <p className="field__hint">What visitors see while a budget is used up.</p>
        </div>
        {savePaused.isError ? (
          <p className="form-error" role="alert">
            {errorMessage(savePaused.error)}
          </p>
        ) : null}
        {canWrite ? (
          <button type="submit" className="button button--small" disabled={savePaused.isPending}>
            {savePaused.isSuccess ? 'Paused message saved' : 'Save paused message'}
          </button>
        ) : null}
      </form>
    </section>
  );
}
