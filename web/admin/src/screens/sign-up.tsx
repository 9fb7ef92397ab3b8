/** Sign up: a new account always comes with its own workspace, of which it is the owner. */
import { useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../api-client';
import type { User, WorkspaceMembership } from '../api-types';
import { errorMessage } from '../components/ui';
import { Link, navigate, useDocumentTitle } from '../router';
import { startSession } from '../session';
import { AuthLayout, MIN_PASSWORD_LENGTH } from './auth-layout';

export function SignUpScreen() {
  useDocumentTitle('Create a workspace');
  const queryClient = useQueryClient();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [workspaceName, setWorkspaceName] = useState('');
  const isPasswordShort = password.length > 0 && password.length < MIN_PASSWORD_LENGTH;

  const signUp = useMutation({
    mutationFn: async () => {
      const created = await apiRequest<{ user: User; workspace: Pick<WorkspaceMembership, 'id' | 'name'> }>(
        '/api/auth/signup',
        { method: 'POST', body: { email, password, workspaceName }, allowSignedOut: true },
      );
      // Sign-up also signs in (the server sets the session cookie).
      await startSession(queryClient, created.workspace.id);
    },
    onSuccess: () => navigate('/', { replace: true }),
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    if (password.length < MIN_PASSWORD_LENGTH) return;
    signUp.mutate();
  }

  return (
    <AuthLayout
      title="Create your workspace"
      subtitle="Start with the platform’s own model; bring your own key whenever you like."
      footer={
        <>
          Already have an account? <Link to="/">Sign in</Link>
        </>
      }
    >
      <form className="form" onSubmit={submit}>
        <div className="field">
          <label htmlFor="sign-up-email">Email</label>
          <input
            id="sign-up-email"
            className="input"
            type="email"
            autoComplete="username"
            required
            value={email}
            onChange={(event) => setEmail(event.target.value)}
            autoFocus
          />
        </div>
        <div className="field">
          <label htmlFor="sign-up-password">Password</label>
          <input
            id="sign-up-password"
            className="input"
            type="password"
            autoComplete="new-password"
            required
            minLength={MIN_PASSWORD_LENGTH}
            aria-invalid={isPasswordShort}
            aria-describedby="sign-up-password-hint"
            value={password}
            onChange={(event) => setPassword(event.target.value)}
          />
          <p
            id="sign-up-password-hint"
            className={`field__hint${isPasswordShort ? ' field__hint--error' : ''}`}
          >
            At least {MIN_PASSWORD_LENGTH} characters.
          </p>
        </div>
        <div className="field">
          <label htmlFor="sign-up-workspace">Workspace name</label>
          <input
            id="sign-up-workspace"
            className="input"
            required
            maxLength={100}
            placeholder="Acme Support"
            value={workspaceName}
            onChange={(event) => setWorkspaceName(event.target.value)}
          />
        </div>
        {signUp.isError ? (
          <p className="form-error" role="alert">
            {errorMessage(signUp.error)}
          </p>
        ) : null}
        <button type="submit" className="button button--primary button--block" disabled={signUp.isPending}>
          {signUp.isPending ? 'Creating…' : 'Create workspace'}
        </button>
      </form>
    </AuthLayout>
  );
}
