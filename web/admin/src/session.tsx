/**
 * Who is signed in and which workspace they are looking at. The session itself is the server's
 * HttpOnly cookie; the admin only asks `/api/me`.
 */
import { createContext, useContext } from 'react';
import { useQuery, type QueryClient } from '@tanstack/react-query';
import { ApiError, apiRequest } from './api-client';
import type { Me, Role, WorkspaceMembership } from './api-types';

export const meQueryKey = ['me'] as const;
const workspaceStorageKey = 'bestai.workspaceId';
const sessionHintKey = 'bestai.signedIn';

/**
 * Whether this browser signed in before. The session cookie is HttpOnly, so the admin cannot see it;
 * without this hint a signed-out visit would start with a failing `/api/me` request.
 */
function hasSessionHint(): boolean {
  try {
    return window.localStorage.getItem(sessionHintKey) === '1';
  } catch {
    return true;
  }
}

export function setSessionHint(isSignedIn: boolean): void {
  try {
    if (isSignedIn) window.localStorage.setItem(sessionHintKey, '1');
    else window.localStorage.removeItem(sessionHintKey);
  } catch {
    // Without storage the admin simply asks the server each time.
  }
}

/** The signed-in user, or null when signed out. */
export function useMeQuery() {
  return useQuery({
    queryKey: meQueryKey,
    queryFn: async (): Promise<Me | null> => {
      if (!hasSessionHint()) return null;
      try {
        return await apiRequest<Me>('/api/me', { allowSignedOut: true });
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) {
          setSessionHint(false);
          return null;
        }
        throw error;
      }
    },
    staleTime: 60_000,
    retry: false,
  });
}

/** Takes the answer of login, signup or accept as the new session. */
export async function startSession(queryClient: QueryClient, workspaceId?: string): Promise<void> {
  if (workspaceId) rememberWorkspace(workspaceId);
  setSessionHint(true);
  queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== 'me' });
  await queryClient.fetchQuery({
    queryKey: meQueryKey,
    staleTime: 0,
    queryFn: () => apiRequest<Me>('/api/me', { allowSignedOut: true }),
  });
}

export function rememberWorkspace(workspaceId: string): void {
  try {
    window.localStorage.setItem(workspaceStorageKey, workspaceId);
  } catch {
    // Private browsing without storage: the first workspace is chosen on each visit.
  }
}

export function chooseWorkspace(workspaces: WorkspaceMembership[]): WorkspaceMembership | undefined {
  let remembered: string | null = null;
  try {
    remembered = window.localStorage.getItem(workspaceStorageKey);
  } catch {
    remembered = null;
  }
  return workspaces.find((workspace) => workspace.id === remembered) ?? workspaces[0];
}

export interface Session {
  me: Me;
  workspace: WorkspaceMembership;
  role: Role;
  switchWorkspace: (workspaceId: string) => void;
  signOut: () => void;
}

export const SessionContext = createContext<Session | null>(null);

/** The session of a signed-in screen. */
export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession is used outside a signed-in screen.');
  return session;
}
