/**
 * The visitor's side of a conversation: started with a random bearer token (stored only hashed) that is
 * bound to that one conversation of that one chatbot.
 */
import { and, asc, eq, sql } from 'drizzle-orm';
import { createSecretToken, hashSecretToken } from '../accounts/secret-token.js';
import type { Database } from '../db/connect.js';
import { preparedPerDatabase } from '../db/prepared-statement.js';
import { chatbots, conversations, messages } from '../db/schema.js';

export interface VisitorConversation {
  conversationId: string;
  workspaceId: string;
  chatbotId: string;
  systemPrompt: string;
  errorMessage: string | null;
  /** The chatbot's origin rules, checked by the caller. */
  allowedOrigins: string[];
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function startConversation(
  db: Database,
  chatbot: { id: string; workspaceId: string },
): Promise<{ conversationId: string; visitorToken: string }> {
  const visitorToken = createSecretToken();
  const conversationId = crypto.randomUUID();
  await db.insert(conversations).values({
    id: conversationId,
    workspaceId: chatbot.workspaceId,
    chatbotId: chatbot.id,
    visitorTokenHash: hashSecretToken(visitorToken),
  });
  return { conversationId, visitorToken };
}

/**
 * The conversation a visitor token opens, with what a reply needs of its chatbot — one query. Null for an
 * unknown conversation, another chatbot's conversation or a wrong token alike.
 */
export async function findVisitorConversation(
  db: Database,
  input: { publicId: string; conversationId: string; visitorToken: string | undefined },
): Promise<VisitorConversation | null> {
  if (!input.visitorToken || input.visitorToken.length > 128 || !uuidPattern.test(input.conversationId))
    return null;
  const [row] = await selectVisitorConversation(db).execute({
    conversationId: input.conversationId,
    visitorTokenHash: hashSecretToken(input.visitorToken),
    publicId: input.publicId,
  });
  return row ?? null;
}

const selectVisitorConversation = preparedPerDatabase((db) =>
  db
    .select({
      conversationId: conversations.id,
      workspaceId: conversations.workspaceId,
      chatbotId: conversations.chatbotId,
      systemPrompt: chatbots.systemPrompt,
      errorMessage: chatbots.errorMessage,
      allowedOrigins: chatbots.allowedOrigins,
    })
    .from(conversations)
    .innerJoin(chatbots, eq(chatbots.id, conversations.chatbotId))
    .where(
      and(
        eq(conversations.id, sql.placeholder('conversationId')),
        eq(conversations.visitorTokenHash, sql.placeholder('visitorTokenHash')),
        eq(chatbots.publicId, sql.placeholder('publicId')),
      ),
    )
    .limit(1)
    .prepare('bestai_visitor_conversation'),
);

export interface VisitorMessage {
  id: string;
  role: 'user' | 'assistant';
  content: string;
  status: string;
  createdAt: Date;
}

/** The conversation as the visitor sees it on reload: every message with text, oldest first. */
export async function listVisitorMessages(
  db: Database,
  conversation: VisitorConversation,
): Promise<VisitorMessage[]> {
  const rows = await db
    .select({
      id: messages.id,
      role: messages.role,
      content: messages.content,
      status: messages.status,
      createdAt: messages.createdAt,
    })
    .from(messages)
    .where(
      and(
        eq(messages.conversationId, conversation.conversationId),
        eq(messages.workspaceId, conversation.workspaceId),
      ),
    )
    .orderBy(asc(messages.createdAt), asc(messages.role));
  return rows.filter((row) => row.role === 'user' || row.content !== '');
}
