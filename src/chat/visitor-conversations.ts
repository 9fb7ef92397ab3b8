/**
 * The visitor's side of a conversation: started with a random bearer token (stored only hashed) that is
 * bound to that one conversation of that one chatbot.
 */
import { and, asc, eq } from 'drizzle-orm';
import { createSecretToken, hashSecretToken } from '../accounts/secret-token.js';
import type { Database } from '../db/connect.js';
import { isUuid } from '../db/ids.js';
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

/** A conversation id and a visitor token that could name a conversation; anything else needs no query. */
export function isWellFormedVisitor(
  conversationId: string,
  visitorToken: string | undefined,
): visitorToken is string {
  return (
    visitorToken !== undefined && visitorToken !== '' && visitorToken.length <= 128 && isUuid(conversationId)
  );
}

/**
 * The conversation a visitor token opens, with what a reply needs of its chatbot — one query. Null for an
 * unknown conversation, another chatbot's conversation or a wrong token alike.
 */
export async function findVisitorConversation(
  db: Database,
  input: { publicId: string; conversationId: string; visitorToken: string | undefined },
): Promise<VisitorConversation | null> {
  if (!isWellFormedVisitor(input.conversationId, input.visitorToken)) return null;
  const [row] = await db
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
        eq(conversations.id, input.conversationId),
        eq(conversations.visitorTokenHash, hashSecretToken(input.visitorToken)),
        eq(chatbots.publicId, input.publicId),
      ),
    )
    .limit(1);
  return row ?? null;
}

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
