import type { ReactNode } from 'react';
import { BrandMark } from '../components/icons';

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
