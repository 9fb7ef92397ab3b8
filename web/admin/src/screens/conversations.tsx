/**
 * Conversations: what visitors asked, filtered by chatbot and date, with each conversation's cost and an
 * Export CSV of the same filter. Every role may read them.
 */
import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { ConversationIcon } from '../components/icons';
import { EmptyState, ErrorState, LoadingState, PageHeader, RelativeTime, TextField } from '../components/ui';
import { formatExactTime, formatNumber, formatUsd } from '../format';
import { Link, navigate, useDocumentTitle, useLocation } from '../router';
import { useSession } from '../session';
import { csvExportPath, fetchChatbots, fetchConversations, workspaceKeys } from '../workspace-queries';

export function ConversationsScreen() {
  useDocumentTitle('Conversations');
  const { workspace } = useSession();
  const { search } = useLocation();
  const filter = {
    chatbotId: search.get('chatbotId') ?? '',
    from: search.get('from') ?? '',
    to: search.get('to') ?? '',
  };
  const chatbotsQuery = useQuery({
    queryKey: workspaceKeys.chatbots(workspace.id),
    queryFn: () => fetchChatbots(workspace.id),
  });
  const conversationsQuery = useInfiniteQuery({
    queryKey: [...workspaceKeys.conversations(workspace.id), filter],
    queryFn: ({ pageParam }) => fetchConversations(workspace.id, filter, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.nextCursor,
    // Visitors add conversations at any time: each visit shows the current list.
    staleTime: 0,
    placeholderData: keepPreviousData,
  });

  function setFilter(change: Partial<typeof filter>) {
    const next = new URLSearchParams();
    for (const [name, value] of Object.entries({ ...filter, ...change })) if (value) next.set(name, value);
    const query = next.toString();
    navigate(query ? `/conversations?${query}` : '/conversations', { replace: true });
  }

  const isFiltered = Boolean(filter.chatbotId || filter.from || filter.to);
  const conversations = conversationsQuery.data?.pages.flatMap((page) => page.conversations);
  return (
    <>
      <PageHeader
        title="Conversations"
        description="What visitors asked your chatbots, what they answered, and what it cost."
        actions={
          <a className="button" href={csvExportPath(workspace.id, 'conversations.csv', filter)} download>
            Export CSV
          </a>
        }
      />
      <div className="toolbar" role="group" aria-label="Filter conversations">
        <div className="field field--inline">
          <label htmlFor="conversation-chatbot">Chatbot</label>
          <select
            id="conversation-chatbot"
            className="select select--compact"
            value={filter.chatbotId}
            onChange={(event) => setFilter({ chatbotId: event.target.value })}
          >
            <option value="">All chatbots</option>
            {chatbotsQuery.data?.map((chatbot) => (
              <option key={chatbot.id} value={chatbot.id}>
                {chatbot.name}
              </option>
            ))}
          </select>
        </div>
        <TextField
          id="conversation-from"
          label="From"
          inline
          className="input input--compact"
          type="date"
          value={filter.from}
          max={filter.to || undefined}
          onChange={(event) => setFilter({ from: event.target.value })}
        />
        <TextField
          id="conversation-to"
          label="To"
          inline
          className="input input--compact"
          type="date"
          value={filter.to}
          min={filter.from || undefined}
          onChange={(event) => setFilter({ to: event.target.value })}
        />
        {isFiltered ? (
          <button
            type="button"
            className="button button--ghost button--small"
            onClick={() => setFilter({ chatbotId: '', from: '', to: '' })}
          >
            Clear filters
          </button>
        ) : null}
      </div>
      {conversationsQuery.isPending ? <LoadingState label="Loading conversations…" /> : null}
      {conversationsQuery.isError ? (
        <ErrorState error={conversationsQuery.error} onRetry={() => conversationsQuery.refetch()} />
      ) : null}
      {conversations && conversations.length === 0 ? (
        <EmptyState
          icon={<ConversationIcon />}
          title={isFiltered ? 'No conversations match these filters' : 'No conversations yet'}
        >
          {isFiltered
            ? 'Try another chatbot or a wider date range.'
            : 'When visitors chat with one of your chatbots, their conversations appear here.'}
        </EmptyState>
      ) : null}
      {conversations && conversations.length > 0 ? (
        <ul className="conversation-list card card--flush" aria-busy={conversationsQuery.isFetching}>
          {conversations.map((conversation) => (
            <li key={conversation.id}>
              <Link to={`/conversations/${encodeURIComponent(conversation.id)}`} className="conversation-row">
                <span className="conversation-row__main">
                  <span className="conversation-row__preview">{conversation.preview || 'No messages'}</span>
                  <span className="conversation-row__meta">
                    <span className="pill pill--quiet">{conversation.chatbotName}</span>
                    <span>
                      {formatNumber(conversation.messageCount)} message
                      {conversation.messageCount === 1 ? '' : 's'}
                    </span>
                    <span title={formatExactTime(conversation.createdAt)}>
                      Started <RelativeTime iso={conversation.createdAt} />
                    </span>
                    {conversation.costUsd !== null ? (
                      <span>Cost {formatUsd(conversation.costUsd)}</span>
                    ) : null}
                  </span>
                </span>
                <span className="conversation-row__time">
                  <RelativeTime iso={conversation.updatedAt} />
                </span>
              </Link>
            </li>
          ))}
        </ul>
      ) : null}
      {conversations && conversationsQuery.hasNextPage ? (
        <div className="load-more">
          <button
            type="button"
            className="button"
            disabled={conversationsQuery.isFetchingNextPage}
            onClick={() => void conversationsQuery.fetchNextPage()}
          >
            {conversationsQuery.isFetchingNextPage ? 'Loading…' : 'Show older conversations'}
          </button>
        </div>
      ) : null}
    </>
  );
}
