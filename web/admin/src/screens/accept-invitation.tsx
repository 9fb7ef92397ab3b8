/** `/invite/:token`: an invited person chooses a password and joins the workspace. */
import { useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../api-client';
import type { Role, User } from '../api-types';
import { errorMessage } from '../components/ui';
import { Link, navigate, useDocumentTitle } from '../router';
import { startSession } from '../session';
import { AuthLayout, MIN_PASSWORD_LENGTH } from './auth-layout';

export function AcceptInvitationScreen({ token }: { token: string }) {
  useDocumentTitle('Accept invitation');
  const queryClient = useQueryClient();
  const [password, setPassword] = useState('');
  const isPasswordShort = password.length > 0 && password.length < MIN_PASSWORD_LENGTH;

  const accept = useMutation({
    mutationFn: async () => {
      // The server signs the new member in and names the workspace they joined: open that one.
      const answer = await apiRequest<{ user: User; workspace: { id: string; role: Role } }>(
        `/api/invitations/${encodeURIComponent(token)}/accept`,
        { method: 'POST', body: { password }, allowSignedOut: true },
      );
      await startSession(queryClient, answer.workspace.id);
    },
    onSuccess: () => navigate('/', { replace: true }),
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    if (password.length < MIN_PASSWORD_LENGTH) return;
    accept.mutate();
  }

  return (
    <AuthLayout
      title="Join your team on BestAI"
      subtitle="You have been invited to a workspace. Choose a password to accept."
      footer={
        <>
          Already a member? <Link to="/">Sign in</Link>
        </>
      }
    >
      <form className="form" onSubmit={submit}>
        <div className="field">
          <label htmlFor="accept-password">Choose a password</label>
          <input
            id="accept-password"
            className="input"
            type="password"
            autoComplete="new-password"
            required
            minLength={MIN_PASSWORD_LENGTH}
            aria-invalid={isPasswordShort}
            aria-describedby="accept-password-hint"
            value={password}
            onChange={(event) => setPassword(event.target.value)}
            autoFocus
          />
          <p
            id="accept-password-hint"
            className={`field__hint${isPasswordShort ? ' field__hint--error' : ''}`}
          >
            At least {MIN_PASSWORD_LENGTH} characters.
          </p>
        </div>
        {accept.isError ? (
          <p className="form-error" role="alert">
            {errorMessage(accept.error)}
          </p>
        ) : null}
        <button type="submit" className="button button--primary button--block" disabled={accept.isPending}>
          {accept.isPending ? 'Joining…' : 'Accept invitation'}
        </button>
      </form>
    </AuthLayout>
  );
}
