/** Forgot password: asks for a reset mail. The answer is the same whether or not the email has an account. */
import { useState, type FormEvent } from 'react';
import { useMutation } from '@tanstack/react-query';
import { apiRequest } from '../api-client';
import { errorMessage, Notice } from '../components/ui';
import { Link, useDocumentTitle } from '../router';
import { AuthLayout, EmailField } from './auth-layout';

export function ForgotPasswordScreen() {
  useDocumentTitle('Forgot password');
  const [email, setEmail] = useState('');
  const request = useMutation({
    mutationFn: () =>
      apiRequest<{ emailConfigured: boolean }>('/api/auth/password-reset', {
        method: 'POST',
        body: { email },
        allowSignedOut: true,
      }),
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    request.mutate();
  }

  return (
    <AuthLayout
      title="Forgot your password?"
      subtitle="We mail you a link to choose a new one."
      footer={<Link to="/sign-in">Back to sign in</Link>}
    >
      {request.data?.emailConfigured === false ? (
        <Notice tone="warning">
          Email is not configured on this BestAI server, so no reset mail can be sent. Ask the person who runs
          it to set SMTP_URL, or another owner of your workspace to invite you again.
        </Notice>
      ) : null}
      {request.data?.emailConfigured ? (
        <Notice tone="success">
          If an account exists for {email}, a reset link is on its way. It works once, for one hour.
        </Notice>
      ) : (
        <form className="form" onSubmit={submit}>
          <EmailField id="forgot-email" value={email} onChange={setEmail} />
          {request.isError ? (
            <p className="form-error" role="alert">
              {errorMessage(request.error)}
            </p>
          ) : null}
          <button type="submit" className="button button--primary button--block" disabled={request.isPending}>
            {request.isPending ? 'Sending…' : 'Send reset link'}
          </button>
        </form>
      )}
    </AuthLayout>
  );
}
