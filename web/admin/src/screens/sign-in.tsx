/** Sign in: the first screen of the product docs ("Sign in to the admin"). */
import { useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../api-client';
import type { Me } from '../api-types';
import { errorMessage, Notice, TextField } from '../components/ui';
import { Link, useDocumentTitle } from '../router';
import { chooseWorkspace, meQueryKey, rememberWorkspace, setSessionHint } from '../session';
import { AuthLayout, EmailField } from './auth-layout';

export function SignInScreen({ notice, onSignedIn }: { notice: string | null; onSignedIn: () => void }) {
  useDocumentTitle('Sign in');
  const queryClient = useQueryClient();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');

  const signIn = useMutation({
    mutationFn: () =>
      apiRequest<Me>('/api/auth/login', { method: 'POST', body: { email, password }, allowSignedOut: true }),
    onSuccess: (answer) => {
      const workspace = chooseWorkspace(answer.workspaces);
      if (workspace) rememberWorkspace(workspace.id);
      setSessionHint(true);
      queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== 'me' });
      queryClient.setQueryData(meQueryKey, { user: answer.user, workspaces: answer.workspaces });
      onSignedIn();
    },
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    signIn.mutate();
  }

  return (
    <AuthLayout
      title="Sign in to BestAI"
      subtitle="Manage your chat assistants, keys and team."
      footer={
        <>
          New to BestAI? <Link to="/sign-up">Create a workspace</Link>
        </>
      }
    >
      {notice && !signIn.isError ? <Notice tone="info">{notice}</Notice> : null}
      <form className="form" onSubmit={submit} noValidate={false}>
        <EmailField id="sign-in-email" value={email} onChange={setEmail} />
        <TextField
          id="sign-in-password"
          label="Password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(event) => setPassword(event.target.value)}
        />
        <p className="form-aside">
          <Link to="/forgot-password">Forgot password?</Link>
        </p>
        {signIn.isError ? (
          <p className="form-error" role="alert">
            {errorMessage(signIn.error)}
          </p>
        ) : null}
        <button type="submit" className="button button--primary button--block" disabled={signIn.isPending}>
          {signIn.isPending ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </AuthLayout>
  );
}
