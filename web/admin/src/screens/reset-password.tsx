/** The page of a reset link: choose a new password; every session of the account ends. */
import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../api-client';
import { errorMessage, LoadingState, Notice } from '../components/ui';
import { Link, useDocumentTitle } from '../router';
import { meQueryKey, setSessionHint } from '../session';
import { AuthLayout, MIN_PASSWORD_LENGTH, NewPasswordField } from './auth-layout';

export function ResetPasswordScreen({ token }: { token: string }) {
  useDocumentTitle('Choose a new password');
  const queryClient = useQueryClient();
  const [password, setPassword] = useState('');
  const path = `/api/auth/password-reset/${encodeURIComponent(token)}`;
  const check = useQuery({
    queryKey: ['password-reset', token],
    queryFn: () => apiRequest<{ usable: true }>(path, { allowSignedOut: true }),
    retry: false,
  });
  const reset = useMutation({
    mutationFn: () =>
      apiRequest<{ ok: true }>(path, { method: 'POST', body: { password }, allowSignedOut: true }),
    onSuccess: () => {
      // This browser's session ended with all the others.
      setSessionHint(false);
      queryClient.setQueryData(meQueryKey, null);
    },
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    reset.mutate();
  }

  const footer = <Link to="/sign-in">Back to sign in</Link>;
  if (check.isPending) {
    return (
      <AuthLayout title="Choose a new password" footer={footer}>
        <LoadingState label="Checking the link…" />
      </AuthLayout>
    );
  }
  if (check.isError) {
    return (
      <AuthLayout title="This link cannot be used" footer={footer}>
        <Notice tone="error">
          This reset link is invalid, expired or already used.{' '}
          <Link to="/forgot-password">Ask for a new one</Link>.
        </Notice>
      </AuthLayout>
    );
  }
  if (reset.isSuccess) {
    return (
      <AuthLayout title="Your password is changed" footer={footer}>
        <Notice tone="success">
          You are signed out everywhere. <Link to="/sign-in">Sign in</Link> with your new password.
        </Notice>
      </AuthLayout>
    );
  }
  return (
    <AuthLayout
      title="Choose a new password"
      subtitle="Signing in anywhere else ends when you save it."
      footer={footer}
    >
      <form className="form" onSubmit={submit}>
        <NewPasswordField
          id="reset-password"
          label="New password"
          value={password}
          onChange={setPassword}
          autoFocus
        />
        {reset.isError ? (
          <p className="form-error" role="alert">
            {errorMessage(reset.error)}
          </p>
        ) : null}
        <button
          type="submit"
          className="button button--primary button--block"
          disabled={reset.isPending || password.length < MIN_PASSWORD_LENGTH}
        >
          {reset.isPending ? 'Saving…' : 'Set new password'}
        </button>
      </form>
    </AuthLayout>
  );
}
