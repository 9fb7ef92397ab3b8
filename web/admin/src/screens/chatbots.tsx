/** Chatbots: the assistants of this workspace, each with its own prompt, look and embed snippet. */
import { useQuery } from '@tanstack/react-query';
import { ChatbotIcon, PlusIcon } from '../components/icons';
import { EmptyState, ErrorState, LoadingState, PageHeader, RelativeTime } from '../components/ui';
import { can } from '../permissions';
import { Link, useDocumentTitle } from '../router';
import { useSession } from '../session';
import { fetchChatbots, workspaceKeys } from '../workspace-queries';

export function ChatbotsScreen() {
  useDocumentTitle('Chatbots');
  const { workspace, role } = useSession();
  const chatbotsQuery = useQuery({
    queryKey: workspaceKeys.chatbots(workspace.id),
    queryFn: () => fetchChatbots(workspace.id),
  });
  const canWrite = can(role, 'chatbots.write');
  const newButton = canWrite ? (
    <Link to="/chatbots/new" className="button button--primary">
      <PlusIcon />
      New chatbot
    </Link>
  ) : null;

  const chatbots = chatbotsQuery.data;
  return (
    <>
      <PageHeader
        title="Chatbots"
        description="Each chatbot has its own instructions, look and embed snippet for your website."
        actions={chatbots && chatbots.length > 0 ? newButton : null}
      />
      {chatbotsQuery.isPending ? <LoadingState label="Loading chatbots…" /> : null}
      {chatbotsQuery.isError ? (
        <ErrorState error={chatbotsQuery.error} onRetry={() => chatbotsQuery.refetch()} />
      ) : null}
      {chatbots && chatbots.length === 0 ? (
        <EmptyState icon={<ChatbotIcon />} title="No chatbots yet" action={newButton}>
          {canWrite
            ? 'Create one, paste its snippet into your website, and visitors can start chatting.'
            : 'An owner or admin can create one.'}
        </EmptyState>
      ) : null}
      {chatbots && chatbots.length > 0 ? (
        <ul className="chatbot-grid">
          {chatbots.map((chatbot) => (
            <li key={chatbot.id}>
              <Link to={`/chatbots/${encodeURIComponent(chatbot.id)}`} className="chatbot-card">
                <span
                  className="chatbot-card__avatar"
                  style={{ background: chatbot.color || 'var(--accent)' }}
                >
                  <ChatbotIcon />
                </span>
                <span className="chatbot-card__body">
                  <span className="chatbot-card__name">{chatbot.name}</span>
                  <span className="chatbot-card__meta">{describeOrigins(chatbot.allowedOrigins)}</span>
                  <span className="chatbot-card__meta">
                    Updated <RelativeTime iso={chatbot.updatedAt} />
                  </span>
                </span>
              </Link>
            </li>
          ))}
        </ul>
      ) : null}
    </>
  );
}

/** "www.example.com", "www.example.com + 2 more", or "Any website" when no origin is set. */
function describeOrigins(origins: string[]): string {
  const hosts = origins.map((origin) => {
    try {
      return new URL(origin).host;
    } catch {
      return origin;
    }
  });
  if (hosts.length === 0) return 'Any website';
  return hosts.length === 1 ? hosts[0]! : `${hosts[0]} + ${hosts.length - 1} more`;
}
