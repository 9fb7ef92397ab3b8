/**
 * Storing what the visitor sends, before any provider is called. A Retry after a failed reply sends the
 * same text again; it is recognised here — the conversation ends with that very question and a failed,
 * empty reply — and not stored twice, so the history (and the model) sees the question once.
 */
import { sql } from 'drizzle-orm';
import type { Database } from '../db/connect.js';

export interface VisitorMessageInput {
  id: string;
  conversationId: string;
  workspaceId: string;
  content: string;
  createdAt: Date;
}

/** Stores the message unless it retries the conversation's last, failed question. True when stored. */
export async function storeVisitorMessage(db: Database, message: VisitorMessageInput): Promise<boolean> {
  const { id, conversationId, workspaceId, content, createdAt } = message;
  // One statement, so there is no window between the check and the insert.
  const result = (await db.execute(sql`
    insert into messages (id, conversation_id, workspace_id, role, content, status, created_at)
    select ${id}, ${conversationId}, ${workspaceId}, 'user', ${content}, 'complete', ${createdAt.toISOString()}
    where not exists (
      select 1
      from messages reply
      join messages question
        on question.conversation_id = reply.conversation_id
       and question.role = 'user'
       and question.content = ${content}
       and question.created_at < reply.created_at
      where reply.conversation_id = ${conversationId}
        and reply.role = 'assistant' and reply.status = 'failed' and reply.content = ''
        and not exists (
          select 1 from messages later
          where later.conversation_id = reply.conversation_id and later.created_at > reply.created_at
        )
        and not exists (
          select 1 from messages between_them
          where between_them.conversation_id = reply.conversation_id
            and between_them.created_at > question.created_at and between_them.created_at < reply.created_at
        )
    )
    returning id
  `)) as unknown as { rows: unknown[] };
  return result.rows.length === 1;
}
