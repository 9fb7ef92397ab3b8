/** Query keys and fetchers for one workspace's resources, so screens share the cache. */
import { apiRequest, withQuery, workspacePath } from './api-client';
import type {
  AlertList,
  AuditPage,
  Chatbot,
  Conversation,
  ConversationPage,
  LlmKeyList,
  Member,
  PendingInvitation,
  PriceList,
  Usage,
  UsageGrouping,
} from './api-types';

export const workspaceKeys = {
  all: (workspaceId: string) => ['workspace', workspaceId] as const,
  llmKeys: (workspaceId: string) => ['workspace', workspaceId, 'llm-keys'] as const,
  auditLog: (workspaceId: string) => ['workspace', workspaceId, 'audit-log'] as const,
  chatbots: (workspaceId: string) => ['workspace', workspaceId, 'chatbots'] as const,
  conversations: (workspaceId: string) => ['workspace', workspaceId, 'conversations'] as const,
  members: (workspaceId: string) => ['workspace', workspaceId, 'members'] as const,
  invitations: (workspaceId: string) => ['workspace', workspaceId, 'invitations'] as const,
  usage: (workspaceId: string) => ['workspace', workspaceId, 'usage'] as const,
  prices: (workspaceId: string) => ['workspace', workspaceId, 'prices'] as const,
  alerts: (workspaceId: string) => ['workspace', workspaceId, 'alerts'] as const,
};

export function fetchPrices(workspaceId: string): Promise<PriceList> {
  return apiRequest<PriceList>(workspacePath(workspaceId, 'prices'));
}

export function fetchLlmKeys(workspaceId: string): Promise<LlmKeyList> {
  return apiRequest<LlmKeyList>(workspacePath(workspaceId, 'llm-keys'));
}

export function fetchAuditPage(
  workspaceId: string,
  cursor: string | null,
  limit: number,
): Promise<AuditPage> {
  return apiRequest<AuditPage>(withQuery(workspacePath(workspaceId, 'audit-log'), { cursor, limit }));
}

export async function fetchChatbots(workspaceId: string): Promise<Chatbot[]> {
  const answer = await apiRequest<{ chatbots: Chatbot[] }>(workspacePath(workspaceId, 'chatbots'));
  return answer.chatbots;
}

export function fetchChatbot(workspaceId: string, chatbotId: string): Promise<Chatbot> {
  return apiRequest<Chatbot>(workspacePath(workspaceId, `chatbots/${encodeURIComponent(chatbotId)}`));
}

/** One page of conversations, newest first; `cursor` is the previous page's `nextCursor`. */
export function fetchConversations(
  workspaceId: string,
  filter: { chatbotId: string; from: string; to: string },
  cursor: string | null = null,
): Promise<ConversationPage> {
  return apiRequest<ConversationPage>(
    withQuery(workspacePath(workspaceId, 'conversations'), { ...filter, cursor }),
  );
}

export function fetchConversation(workspaceId: string, conversationId: string): Promise<Conversation> {
  return apiRequest<Conversation>(
    workspacePath(workspaceId, `conversations/${encodeURIComponent(conversationId)}`),
  );
}

export async function fetchMembers(workspaceId: string): Promise<Member[]> {
  const answer = await apiRequest<{ members: Member[] }>(workspacePath(workspaceId, 'members'));
  return answer.members;
}

export function fetchUsage(
  workspaceId: string,
  request: { from: string; to: string; groupBy: UsageGrouping },
): Promise<Usage> {
  return apiRequest<Usage>(withQuery(workspacePath(workspaceId, 'usage'), request));
}

/** Where a spreadsheet export of usage or conversations downloads from (same filters as the screen). */
export function csvExportPath(
  workspaceId: string,
  what: 'usage.csv' | 'conversations.csv',
  filter: Record<string, string | undefined>,
): string {
  return withQuery(workspacePath(workspaceId, what), filter);
}

export async function fetchPendingInvitations(workspaceId: string): Promise<PendingInvitation[]> {
  const answer = await apiRequest<{ invitations: PendingInvitation[] }>(
    workspacePath(workspaceId, 'invitations'),
  );
  return answer.invitations;
}

export function fetchAlerts(workspaceId: string): Promise<AlertList> {
  return apiRequest<AlertList>(workspacePath(workspaceId, 'alerts'));
}
