/**
 * Visitors' thumbs up and down on answers: one rating per answer (the latest click counts, `null` takes it
 * back), stored on the assistant message, shown in Conversations and counted in Usage.
 */
import { and, eq, gte, lt, sql } from 'drizzle-orm';
import { notFound } from '../app-error.js';
import type { Database } from '../db/connect.js';
import { messages } from '../db/schema.js';

export type Rating = 'up' | 'down';

const ratingValues: Record<Rating, number> = { up: 1, down: -1 };

/** The API's word for a stored rating. */
export function toRating(value: number | null): Rating | null {
  return value === 1 ? 'up' : value === -1 ? 'down' : null;
}

/** Rates a finished answer of the visitor's own conversation; anything else is "not found". */
export async function rateAnswer(
  db: Database,
  input: { conversationId: string; messageId: string; rating: Rating | null },
): Promise<void> {
  const updated = await db
    .update(messages)
    .set({ rating: input.rating === null ? null : ratingValues[input.rating] })
    .where(
      and(
        eq(messages.id, input.messageId),
        eq(messages.conversationId, input.conversationId),
        eq(messages.role, 'assistant'),
        eq(messages.status, 'complete'),
      ),
    )
    .returning({ id: messages.id });
  if (updated.length === 0) throw notFound('The answer');
}

/** Thumbs up and down given to a workspace's answers between two UTC days (both included). */
export async function countRatings(
  db: Database,
  workspaceId: string,
  period: { from: string; to: string },
): Promise<{ up: number; down: number }> {
  const from = new Date(`${period.from}T00:00:00Z`);
  const to = new Date(new Date(`${period.to}T00:00:00Z`).getTime() + 24 * 60 * 60 * 1000);
  const [row] = await db
    .select({
      up: sql<string | number>`count(*) filter (where ${messages.rating} = 1)`,
      down: sql<string | number>`count(*) filter (where ${messages.rating} = -1)`,
    })
    .from(messages)
    .where(
      and(
        eq(messages.workspaceId, workspaceId),
        eq(messages.role, 'assistant'),
        gte(messages.createdAt, from),
        lt(messages.createdAt, to),
      ),
    );
  return { up: Number(row?.up ?? 0), down: Number(row?.down ?? 0) };
}
