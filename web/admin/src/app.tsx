/** The admin shell: the session gate, the navigation and which screen a path shows. */
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { apiRequest, onSessionExpired } from './api-client';
import { Navigation } from './components/navigation';
import { useInstanceQuery } from './instance';
import { ErrorState, LoadingState } from './components/ui';
import { can } from './permissions';
import { Link, matchPath, navigate, Redirect, useLocation } from './router';
import {
  chooseWorkspace,
  meQueryKey,
  rememberWorkspace,
  SessionContext,
  setSessionHint,
  useMeQuery,
  useSession,
  type Session,
} from './session';
import { AcceptInvitationScreen } from './screens/accept-invitation';
import { AccountScreen } from './screens/account';
import { AlertsScreen } from './screens/alerts';
import { AuditLogScreen } from './screens/audit-log';
import { ChatbotEditScreen } from './screens/chatbot-edit';
import { ChatbotsScreen } from './screens/chatbots';
import { ConversationScreen } from './screens/conversation';
import { ConversationsScreen } from './screens/conversations';
import { ForgotPasswordScreen } from './screens/forgot-password';
import { IntegrationsScreen } from './screens/integrations';
import { LlmKeysScreen } from './screens/llm-keys';
import { MembersScreen } from './screens/members';
import { PricesScreen } from './screens/prices';
import { ResetPasswordScreen } from './screens/reset-password';
import { SignInScreen } from './screens/sign-in';
import { SignUpScreen } from './screens/sign-up';
import { UsageScreen } from './screens/usage';

export function App() {
  const queryClient = useQueryClient();
  const meQuery = useMeQuery();
  const instanceQuery = useInstanceQuery();
  const { pathname } = useLocation();
  const [isSessionExpired, setSessionExpired] = useState(false);

  useEffect(() => {
    onSessionExpired(() => {
      setSessionHint(false);
      setSessionExpired(true);
      queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== 'me' });
      queryClient.setQueryData(meQueryKey, null);
    });
  }, [queryClient]);

  const invitation = matchPath('/invite/:token', pathname);
  if (invitation) return <AcceptInvitationScreen token={invitation.token!} />;
  const reset = matchPath('/reset-password/:token', pathname);
  if (reset) return <ResetPasswordScreen token={reset.token!} />;

  if (meQuery.isPending) {
    return (
      <div className="auth-page">
        <LoadingState label="Opening BestAI…" />
      </div>
    );
  }
  if (meQuery.isError) {
    return (
      <div className="auth-page">
        <ErrorState error={meQuery.error} onRetry={() => meQuery.refetch()} />
      </div>
    );
  }

  const me = meQuery.data;
  if (!me) {
    // A new instance has nobody to sign in: it opens on sign-up (the first account owns its workspace).
    const isNewInstance = instanceQuery.data?.hasAccounts === false;
    if (pathname === '/forgot-password') return <ForgotPasswordScreen />;
    if (pathname === '/sign-up' || (isNewInstance && pathname !== '/sign-in')) return <SignUpScreen />;
    if (instanceQuery.isPending) {
      return (
        <div className="auth-page">
          <LoadingState label="Opening BestAI…" />
        </div>
      );
    }
    return (
      <SignInScreen
        notice={isSessionExpired ? 'Your session has ended. Sign in again to continue.' : null}
        onSignedIn={() => {
          setSessionExpired(false);
          if (pathname === '/sign-in') navigate('/', { replace: true });
        }}
      />
    );
  }
  if (pathname === '/sign-in' || pathname === '/sign-up' || pathname === '/forgot-password') {
    return <Redirect to="/" />;
  }
  return <SignedIn />;
}

function SignedIn() {
  const queryClient = useQueryClient();
  const meQuery = useMeQuery();
  const me = meQuery.data!;
  const [workspaceId, setWorkspaceId] = useState(() => chooseWorkspace(me.workspaces)?.id);
  const workspace = me.workspaces.find((candidate) => candidate.id === workspaceId) ?? me.workspaces[0];

  const session = useMemo<Session | null>(() => {
    if (!workspace) return null;
    return {
      me,
      workspace,
      role: workspace.role,
      switchWorkspace(nextId) {
        rememberWorkspace(nextId);
        setWorkspaceId(nextId);
        navigate('/');
      },
      signOut() {
        void apiRequest('/api/auth/logout', { method: 'POST', allowSignedOut: true })
          .catch(() => undefined)
          .finally(() => {
            setSessionHint(false);
            queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== 'me' });
            queryClient.setQueryData(meQueryKey, null);
            navigate('/', { replace: true });
          });
      },
    };
  }, [me, workspace, queryClient]);

  if (!session) {
    return (
      <div className="auth-page">
        <div className="auth-card">
          <h1 className="auth-card__title">No workspace yet</h1>
          <p className="muted">
            You are signed in as {me.user.email}, but you do not belong to a workspace. Ask an owner for an
            invitation, or create your own workspace by signing up with another email.
          </p>
        </div>
      </div>
    );
  }

  return (
    <SessionContext.Provider value={session}>
      <Shell>
        <Screen key={session.workspace.id} />
      </Shell>
    </SessionContext.Provider>
  );
}

function Shell({ children }: { children: ReactNode }) {
  return (
    <div className="shell">
      <a className="skip-link" href="#content">
        Skip to content
      </a>
      <Navigation />
      <main id="content" className="content" tabIndex={-1}>
        <div className="content__inner">{children}</div>
      </main>
    </div>
  );
}

function Screen() {
  const { pathname } = useLocation();
  const { role } = useSession();
  if (pathname === '/') return <Redirect to="/chatbots" />;
  if (pathname === '/integrations') return <IntegrationsScreen />;
  if (pathname === '/integrations/llm') return <LlmKeysScreen />;
  if (pathname === '/chatbots') return <ChatbotsScreen />;
  if (pathname === '/chatbots/new') {
    return can(role, 'chatbots.write') ? <ChatbotEditScreen chatbotId={null} /> : <Redirect to="/chatbots" />;
  }
  const chatbot = matchPath('/chatbots/:id', pathname);
  if (chatbot) return <ChatbotEditScreen chatbotId={chatbot.id!} />;
  if (pathname === '/conversations') return <ConversationsScreen />;
  const conversation = matchPath('/conversations/:id', pathname);
  if (conversation) return <ConversationScreen conversationId={conversation.id!} />;
  if (pathname === '/usage') return <UsageScreen />;
  if (pathname === '/prices') return <PricesScreen />;
  if (pathname === '/members') return <MembersScreen />;
  if (pathname === '/audit-log') return <AuditLogScreen />;
  if (pathname === '/alerts') return <AlertsScreen />;
  if (pathname === '/account') return <AccountScreen />;
  return (
    <div className="state state--empty">
      <p className="state__title">This page does not exist</p>
      <p className="state__text">The link may be old or mistyped.</p>
      <div className="state__action">
        <Link className="button" to="/">
          Go to the admin home
        </Link>
      </div>
    </div>
  );
}
