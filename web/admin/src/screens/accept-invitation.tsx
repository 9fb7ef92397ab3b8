/**
 * `/invite/:token`: names the workspace, who invited, the email and the role, then lets the invited person
 * join. A new email chooses a password; an email that already has an account signs in first (the ordinary,
 * throttled sign-in) and then accepts as itself — the accept endpoint never checks an existing password.
 */
import { useState, type FormEvent, type ReactNode } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../api-client';
import type { InvitationPreview, Me, Role, User } from '../api-types';
import { ErrorState, errorMessage, LoadingState, TextField } from '../components/ui';
import { roleNames } from '../format';
import { Link, navigate, useDocumentTitle } from '../router';
import { setSessionHint, startSession, useMeQuery } from '../session';
import { AuthLayout, MIN_PASSWORD_LENGTH, NewPasswordField } from './auth-layout';

type Accepted = { user: User; workspace: { id: string; role: Role } };

export function AcceptInvitationScreen({ token }: { token: string }) {
  useDocumentTitle('Accept invitation');
  const queryClient = useQueryClient();
  const meQuery = useMeQuery();
  const accept = useMutation({
    mutationFn: async (password: string | undefined) => {
      // The server names the workspace joined: open that one.
      const answer = await apiRequest<Accepted>(`/api/invitations/${encodeURIComponent(token)}/accept`, {
        method: 'POST',
        body: password === undefined ? {} : { password },
        allowSignedOut: true,
      });
      await startSession(queryClient, answer.workspace.id);
    },
    onSuccess: () => navigate('/', { replace: true }),
  });
  const previewQuery = useQuery({
    queryKey: ['invitation', token],
    queryFn: () =>
      apiRequest<InvitationPreview>(`/api/invitations/${encodeURIComponent(token)}`, {
        allowSignedOut: true,
      }),
    retry: false,
    // Once accepted the token is used up: the new session must not ask for it again.
    enabled: accept.isIdle || accept.isError,
  });

  if (previewQuery.isPending || meQuery.isPending) {
    return (
      <div className="auth-page">
        <LoadingState label="Opening the invitation…" />
      </div>
    );
  }
  if (previewQuery.isError) {
    return (
      <AuthLayout title="This invitation cannot be used" footer={<Link to="/">Go to BestAI</Link>}>
        <ErrorState error={previewQuery.error} />
      </AuthLayout>
    );
  }

  const invitation = previewQuery.data;
  const signedInEmail = meQuery.data?.user.email ?? null;
  const subtitle = (
    <>
      {invitation.invitedBy ? <strong>{invitation.invitedBy}</strong> : 'A member'} invited{' '}
      <strong>{invitation.email}</strong> to join <strong>{invitation.workspaceName}</strong> as{' '}
      <strong>{roleNames[invitation.role].toLowerCase()}</strong>.
    </>
  );
  const error = accept.isError ? (
    <p className="form-error" role="alert">
      {errorMessage(accept.error)}
    </p>
  ) : null;

  let body;
  if (!invitation.hasAccount) {
    body = <ChoosePasswordForm isBusy={accept.isPending} error={error} onSubmit={accept.mutate} />;
  } else if (signedInEmail === invitation.email) {
    body = (
      <form
        className="form"
        onSubmit={(event) => {
          event.preventDefault();
          accept.mutate(undefined);
        }}
      >
        <p>You are signed in as {signedInEmail}.</p>
        {error}
        <button type="submit" className="button button--primary button--block" disabled={accept.isPending}>
          {accept.isPending ? 'Joining…' : 'Accept invitation'}
        </button>
      </form>
    );
  } else if (signedInEmail) {
    body = (
      <p className="form-error" role="alert">
        You are signed in as {signedInEmail}. This invitation is for {invitation.email}: sign out, then open
        this link again and sign in as {invitation.email}.
      </p>
    );
  } else {
    body = <SignInToAcceptForm email={invitation.email} />;
  }

  return (
    <AuthLayout
      title={`Join ${invitation.workspaceName} on BestAI`}
      subtitle={subtitle}
      footer={<Link to="/">Go to BestAI</Link>}
    >
      {body}
    </AuthLayout>
  );
}

function ChoosePasswordForm({
  isBusy,
  error,
  onSubmit,
}: {
  isBusy: boolean;
  error: ReactNode;
  onSubmit: (password: string) => void;
}) {
  const [password, setPassword] = useState('');
  function submit(event: FormEvent) {
    event.preventDefault();
    if (password.length < MIN_PASSWORD_LENGTH) return;
    onSubmit(password);
  }
  return (
    <form className="form" onSubmit={submit}>
      <NewPasswordField
        id="accept-password"
        label="Choose a password"
        value={password}
        onChange={setPassword}
        autoFocus
      />
      {error}
      <button type="submit" className="button button--primary button--block" disabled={isBusy}>
        {isBusy ? 'Joining…' : 'Accept invitation'}
      </button>
    </form>
  );
}

/** The invited email already has an account: the normal sign-in, after which the page offers to accept. */
function SignInToAcceptForm({ email }: { email: string }) {
  const queryClient = useQueryClient();
  const [password, setPassword] = useState('');
  const signIn = useMutation({
    mutationFn: () =>
      apiRequest<Me>('/api/auth/login', { method: 'POST', body: { email, password }, allowSignedOut: true }),
    onSuccess: async () => {
      setSessionHint(true);
      await startSession(queryClient);
    },
  });
  return (
    <form
      className="form"
      onSubmit={(event) => {
        event.preventDefault();
        signIn.mutate();
      }}
    >
      <p>{email} already has a BestAI account. Sign in to accept.</p>
      <TextField
        id="accept-email"
        label="Email"
        type="email"
        autoComplete="username"
        readOnly
        value={email}
      />
      <TextField
        id="accept-sign-in-password"
        label="Password"
        type="password"
        autoComplete="current-password"
        required
        autoFocus
        value={password}
        onChange={(event) => setPassword(event.target.value)}
      />
      {signIn.isError ? (
        <p className="form-error" role="alert">
          {errorMessage(signIn.error)}
        </p>
      ) : null}
      <button type="submit" className="button button--primary button--block" disabled={signIn.isPending}>
        {signIn.isPending ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
}
