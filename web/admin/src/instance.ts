/** What the admin knows about this BestAI server before anyone signs in (`GET /api/instance`). */
import { useQuery } from '@tanstack/react-query';
import { apiRequest } from './api-client';

export interface Instance {
  /** False on a new instance: the admin opens on sign-up. */
  hasAccounts: boolean;
  /** False when the server has no `PLATFORM_ANTHROPIC_API_KEY`: only a workspace's own keys answer. */
  hasPlatformKey: boolean;
}

export const instanceQueryKey = ['instance'] as const;

export function useInstanceQuery() {
  return useQuery({
    queryKey: instanceQueryKey,
    queryFn: () => apiRequest<Instance>('/api/instance', { allowSignedOut: true }),
    staleTime: 60_000,
  });
}

/** The same sentence as the start banner and the preview page (src/llm/platform-key-notice.ts). */
export const noAnswerNotice =
  'This server has no platform key: visitors get no answer yet. Add your own key to start chatting, or set PLATFORM_ANTHROPIC_API_KEY.';
