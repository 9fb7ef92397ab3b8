import type { ReactNode } from 'react';
import { BrandMark } from '../components/icons';
import { TextField } from '../components/ui';

/** The centred card of the signed-out screens. */
export function AuthLayout({
  title,
  subtitle,
  children,
  footer,
}: {
  title: string;
  subtitle?: ReactNode;
  children: ReactNode;
  footer?: ReactNode;
}) {
  return (
    <div className="auth-page">
      <main className="auth-card">
        <div className="auth-card__brand">
          <BrandMark size={32} />
          <span className="brand__name">BestAI</span>
        </div>
        <h1 className="auth-card__title">{title}</h1>
        {subtitle ? <p className="auth-card__subtitle">{subtitle}</p> : null}
        {children}
      </main>
      {footer ? <p className="auth-page__footer">{footer}</p> : null}
    </div>
  );
}

export const MIN_PASSWORD_LENGTH = 12;

/** The email of a signed-out form, offered by the browser as the saved username; focused first. */
export function EmailField({
  id,
  value,
  onChange,
}: {
  id: string;
  value: string;
  onChange: (value: string) => void;
}) {
  return (
    <TextField
      id={id}
      label="Email"
      type="email"
      autoComplete="username"
      required
      value={value}
      onChange={(event) => onChange(event.target.value)}
      autoFocus
    />
  );
}

/** A password being chosen: at least MIN_PASSWORD_LENGTH characters, the hint turns red while it is shorter. */
export function NewPasswordField({
  id,
  label,
  value,
  onChange,
  autoFocus,
}: {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  autoFocus?: boolean;
}) {
  return (
    <TextField
      id={id}
      label={label}
      type="password"
      autoComplete="new-password"
      required
      minLength={MIN_PASSWORD_LENGTH}
      invalid={value.length > 0 && value.length < MIN_PASSWORD_LENGTH}
      hint={`At least ${MIN_PASSWORD_LENGTH} characters.`}
      value={value}
      onChange={(event) => onChange(event.target.value)}
      autoFocus={autoFocus}
    />
  );
}
