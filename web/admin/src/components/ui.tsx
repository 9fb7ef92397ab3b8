/** Small building blocks shared by every screen: headers, states, badges, times, copy buttons, text fields. */
import { useEffect, useState, type InputHTMLAttributes, type ReactNode } from 'react';
import { formatExactTime, formatRelativeTime } from '../format';

export function PageHeader({
  title,
  description,
  actions,
  eyebrow,
}: {
  title: string;
  description?: ReactNode;
  actions?: ReactNode;
  eyebrow?: ReactNode;
}) {
  return (
    <header className="page-header">
      <div className="page-header__text">
        {eyebrow ? <div className="page-header__eyebrow">{eyebrow}</div> : null}
        <h1 className="page-header__title">{title}</h1>
        {description ? <p className="page-header__description">{description}</p> : null}
      </div>
      {actions ? <div className="page-header__actions">{actions}</div> : null}
    </header>
  );
}

export function LoadingState({ label = 'Loading…' }: { label?: string }) {
  return (
    <div className="state state--loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      <span>{label}</span>
    </div>
  );
}

export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const message = error instanceof Error ? error.message : 'Something went wrong. Try again in a moment.';
  return (
    <div className="state state--error" role="alert">
      <p className="state__title">This could not be loaded</p>
      <p className="state__text">{message}</p>
      {onRetry ? (
        <button type="button" className="button button--small" onClick={onRetry}>
          Try again
        </button>
      ) : null}
    </div>
  );
}

export function EmptyState({
  title,
  children,
  action,
  icon,
}: {
  title: string;
  children?: ReactNode;
  action?: ReactNode;
  icon?: ReactNode;
}) {
  return (
    <div className="state state--empty">
      {icon ? (
        <div className="state__icon" aria-hidden="true">
          {icon}
        </div>
      ) : null}
      <p className="state__title">{title}</p>
      {children ? <div className="state__text">{children}</div> : null}
      {action ? <div className="state__action">{action}</div> : null}
    </div>
  );
}

export type NoticeTone = 'success' | 'error' | 'info' | 'warning';

export function Notice({
  tone,
  children,
  onDismiss,
}: {
  tone: NoticeTone;
  children: ReactNode;
  onDismiss?: () => void;
}) {
  return (
    <div className={`notice notice--${tone}`} role={tone === 'error' ? 'alert' : 'status'}>
      <span className="notice__dot" aria-hidden="true" />
      <div className="notice__text">{children}</div>
      {onDismiss ? (
        <button
          type="button"
          className="icon-button icon-button--small"
          aria-label="Dismiss"
          onClick={onDismiss}
        >
          <svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true">
            <path d="M4 4l8 8M12 4l-8 8" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" />
          </svg>
        </button>
      ) : null}
    </div>
  );
}

export type BadgeTone = 'success' | 'neutral' | 'danger' | 'muted' | 'accent' | 'warning';

export function Badge({ tone, children }: { tone: BadgeTone; children: ReactNode }) {
  return (
    <span className={`badge badge--${tone}`}>
      <span className="badge__dot" aria-hidden="true" />
      {children}
    </span>
  );
}

/** Re-renders every `intervalMs` so relative times stay true while a page is open. */
function useNow(intervalMs = 30_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), intervalMs);
    return () => window.clearInterval(timer);
  }, [intervalMs]);
  return now;
}

/** "5 minutes ago", with the exact time in a tooltip. */
export function RelativeTime({ iso }: { iso: string }) {
  const now = useNow();
  return (
    <time dateTime={iso} title={formatExactTime(iso)}>
      {formatRelativeTime(iso, now)}
    </time>
  );
}

/** Copies `text`; says so for a moment. */
export function CopyButton({ text, label = 'Copy' }: { text: string; label?: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => {
    if (state === 'idle') return;
    const timer = window.setTimeout(() => setState('idle'), 2000);
    return () => window.clearTimeout(timer);
  }, [state]);

  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
      setState('copied');
    } catch {
      setState('failed');
    }
  }

  return (
    <button type="button" className="button button--small" onClick={copy} aria-live="polite">
      <svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true">
        {state === 'copied' ? (
          <path
            d="M3 8.5l3 3 7-7"
            fill="none"
            stroke="currentColor"
            strokeWidth="1.6"
            strokeLinecap="round"
          />
        ) : (
          <path
            d="M5.5 5.5V3.5a1 1 0 0 1 1-1h6a1 1 0 0 1 1 1v6a1 1 0 0 1-1 1h-2M3.5 5.5h6a1 1 0 0 1 1 1v6a1 1 0 0 1-1 1h-6a1 1 0 0 1-1-1v-6a1 1 0 0 1 1-1z"
            fill="none"
            stroke="currentColor"
            strokeWidth="1.3"
          />
        )}
      </svg>
      {state === 'copied' ? 'Copied' : state === 'failed' ? 'Select and copy' : label}
    </button>
  );
}

/**
 * A labelled `<input>` in a form's `field` layout; every other input attribute passes through.
 * A `hint` stands under the input as `${id}-hint` and describes it. `invalid` sets `aria-invalid`
 * and shows the hint as an error. `inline` puts the label beside the input (filter toolbars).
 */
export function TextField({
  id,
  label,
  hint,
  invalid,
  inline = false,
  className = 'input',
  ...inputProps
}: Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'aria-invalid' | 'aria-describedby'> & {
  id: string;
  label: ReactNode;
  hint?: ReactNode;
  invalid?: boolean;
  inline?: boolean;
}) {
  const hintId = `${id}-hint`;
  return (
    <div className={inline ? 'field field--inline' : 'field'}>
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        className={className}
        aria-invalid={invalid}
        aria-describedby={hint ? hintId : undefined}
        {...inputProps}
      />
      {hint ? (
        <p id={hintId} className={`field__hint${invalid ? ' field__hint--error' : ''}`}>
          {hint}
        </p>
      ) : null}
    </div>
  );
}

/** The message of an error from a mutation or query, for a form's error line. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : 'Something went wrong. Try again in a moment.';
}
