/**
 * One conversation: the visitor's words as plain text, the answers as the widget showed them (safe
 * Markdown); each answer with its provider, model, tokens and status.
 */
import { useQuery } from '@tanstack/react-query';
import type { ConversationMessage } from '../api-types';
import { ArrowLeftIcon } from '../components/icons';
import { Markdown } from '../components/markdown';
import { Badge, ErrorState, LoadingState, PageHeader } from '../components/ui';
import { formatExactTime, formatNumber, formatShortTime, formatUsd, providerName, sumUsd } from '../format';
import { Link, useDocumentTitle } from '../router';
import { useSession } from '../session';
import { fetchConversation, workspaceKeys } from '../workspace-queries';

const statusWords: Record<string, { label: string; tone: 'danger' | 'warning' | 'neutral' }> = {
  failed: { label: 'Failed', tone: 'danger' },
  interrupted: { label: 'Interrupted', tone: 'warning' },
  streaming: { label: 'Still answering', tone: 'neutral' },
  pending: { label: 'Waiting', tone: 'neutral' },
};

export function ConversationScreen({ conversationId }: { conversationId: string }) {
  useDocumentTitle('Conversation');
  const { workspace } = useSession();
  const conversationQuery = useQuery({
    queryKey: [...workspaceKeys.conversations(workspace.id), 'one', conversationId],
    queryFn: () => fetchConversation(workspace.id, conversationId),
    staleTime: 0,
  });

  const back = (
    <Link to="/conversations" className="back-link">
      <ArrowLeftIcon />
      Conversations
    </Link>
  );
  const conversation = conversationQuery.data;
  const chatbotName = conversation?.chatbotName;
  const totals = conversation && {
    input: conversation.messages.reduce((sum, message) => sum + (message.inputTokens ?? 0), 0),
    output: conversation.messages.reduce((sum, message) => sum + (message.outputTokens ?? 0), 0),
    costUsd: sumUsd(conversation.messages.map((message) => message.costUsd)),
  };

  return (
    <>
      <PageHeader
        eyebrow={back}
        title={chatbotName ? `Conversation with ${chatbotName}` : 'Conversation'}
        description={
          conversation && totals ? (
            <>
              Started {formatExactTime(conversation.createdAt)} · {conversation.messages.length} messages ·{' '}
              {formatNumber(totals.input)} input and {formatNumber(totals.output)} output tokens · cost{' '}
              {formatUsd(totals.costUsd)}
            </>
          ) : undefined
        }
      />
      {conversationQuery.isPending ? <LoadingState label="Loading the conversation…" /> : null}
      {conversationQuery.isError ? (
        <ErrorState error={conversationQuery.error} onRetry={() => conversationQuery.refetch()} />
      ) : null}
      {conversation && conversation.messages.length === 0 ? (
        <p className="muted">This conversation has no messages.</p>
      ) : null}
      {conversation && conversation.messages.length > 0 ? (
        <ol className="transcript">
          {conversation.messages.map((message) => (
            <MessageItem key={message.id} message={message} />
          ))}
        </ol>
      ) : null}
    </>
  );
}

function MessageItem({ message }: { message: ConversationMessage }) {
  const isAssistant = message.role === 'assistant';
  const status = statusWords[message.status];
  return (
    <li className={`message message--${message.role}`}>
      <div className="message__header">
        <span className="message__author">{isAssistant ? 'Assistant' : 'Visitor'}</span>
        <time dateTime={message.createdAt} title={formatExactTime(message.createdAt)} className="muted">
          {formatShortTime(message.createdAt)}
        </time>
        {status ? <Badge tone={status.tone}>{status.label}</Badge> : null}
      </div>
      {/* Visitors' words as plain text; assistant text as the widget showed it (safe Markdown, no HTML). */}
      <div
        className={`message__content${isAssistant && message.content ? ' message__content--markdown' : ''}`}
      >
        {isAssistant && message.content ? (
          <Markdown text={message.content} />
        ) : (
          message.content ||
          (message.status === 'failed' ? (
            <span className="muted">
              No answer: the provider failed, so the visitor saw the chatbot’s error message.
            </span>
          ) : (
            <span className="muted">(no text)</span>
          ))
        )}
      </div>
      {isAssistant ? (
        <dl className="message__meta">
          <div>
            <dt>Provider</dt>
            <dd>{providerName(message.provider)}</dd>
          </div>
          <div>
            <dt>Model</dt>
            <dd>{message.model ? <code>{message.model}</code> : '—'}</dd>
          </div>
          <div>
            <dt>Tokens</dt>
            <dd>
              {message.inputTokens === null && message.outputTokens === null
                ? '—'
                : `${formatNumber(message.inputTokens ?? 0)} in · ${formatNumber(message.outputTokens ?? 0)} out`}
              {message.cacheReadTokens ? ` · ${formatNumber(message.cacheReadTokens)} from cache` : ''}
            </dd>
          </div>
          <div>
            <dt>Cost</dt>
            <dd>
              <MessageCost message={message} />
            </dd>
          </div>
          {message.sources.length > 0 ? (
            <div>
              <dt>Sources</dt>
              <dd>{message.sources.map((source) => source.title).join(' · ')}</dd>
            </div>
          ) : null}
          {message.rating ? (
            <div>
              <dt>Visitor rating</dt>
              <dd>{message.rating === 'up' ? '👍 Helpful' : '👎 Not helpful'}</dd>
            </div>
          ) : null}
        </dl>
      ) : null}
    </li>
  );
}

/** The reply's cost; a reply with tokens but no price says so and links to Prices. */
function MessageCost({ message }: { message: ConversationMessage }) {
  if (message.costUsd !== null) return <>{formatUsd(message.costUsd)}</>;
  const hasTokens = (message.inputTokens ?? 0) + (message.outputTokens ?? 0) > 0;
  if (!hasTokens) return <>—</>;
  return (
    <>
      price unknown — <Link to="/prices">add it</Link>
    </>
  );
}
