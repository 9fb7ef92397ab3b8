/** `/invite/:token`: an invited person chooses a password and joins the workspace. */
import { useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../api-client';
import type { Role, User } from '../api-types';
import { errorMessage } from '../components/ui';
import { Link, navigate, useDocumentTitle } from '../router';
import { startSession } from '../session';
import { AuthLayout, MIN_PASSWORD_LENGTH, NewPasswordField } from './auth-layout';

export function AcceptInvitationScreen({ token }: { token: string }) {
  useDocumentTitle('Accept invitation');
  const queryClient = useQueryClient();
  const [password, setPassword] = useState('');

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
        <NewPasswordField
          id="accept-password"
          label="Choose a password"
          value={password}
          onChange={setPassword}
          autoFocus
        />
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
