/** Sign up: a new account always comes with its own workspace, of which it is the owner. */
import { useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../api-client';
import type { User, WorkspaceMembership } from '../api-types';
import { errorMessage, TextField } from '../components/ui';
import { Link, navigate, useDocumentTitle } from '../router';
import { instanceQueryKey, useInstanceQuery, type Instance } from '../instance';
import { startSession } from '../session';
import { AuthLayout, EmailField, MIN_PASSWORD_LENGTH, NewPasswordField } from './auth-layout';

export function SignUpScreen() {
  useDocumentTitle('Create a workspace');
  const queryClient = useQueryClient();
  const instance = useInstanceQuery();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [workspaceName, setWorkspaceName] = useState('');

  const signUp = useMutation({
    mutationFn: async () => {
      const created = await apiRequest<{ user: User; workspace: Pick<WorkspaceMembership, 'id' | 'name'> }>(
        '/api/auth/signup',
        { method: 'POST', body: { email, password, workspaceName }, allowSignedOut: true },
      );
      // Sign-up also signs in (the server sets the session cookie).
      await startSession(queryClient, created.workspace.id);
      queryClient.setQueryData<Instance>(instanceQueryKey, (instance) =>
        instance ? { ...instance, hasAccounts: true } : instance,
      );
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
      subtitle={
        instance.data?.hasPlatformKey === false
          ? 'Then add your own provider key (Anthropic, OpenAI, Groq or DeepSeek) to start chatting.'
          : 'Start with the platform’s own model; bring your own key whenever you like.'
      }
      footer={
        <>
          Already have an account? <Link to="/sign-in">Sign in</Link>
        </>
      }
    >
      <form className="form" onSubmit={submit}>
        <EmailField id="sign-up-email" value={email} onChange={setEmail} />
        <NewPasswordField id="sign-up-password" label="Password" value={password} onChange={setPassword} />
        <TextField
          id="sign-up-workspace"
          label="Workspace name"
          required
          maxLength={100}
          placeholder="Acme Support"
          value={workspaceName}
          onChange={(event) => setWorkspaceName(event.target.value)}
        />
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
