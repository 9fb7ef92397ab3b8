/**
 * The origins a chatbot's widget was refused on lately, so the admin can tell an owner "your widget was
 * asked for on https://www.shop.example, which is not on the list". Recording is best effort and bounded:
 * anyone can send any Origin header, so a chatbot keeps at most `MAX_ORIGINS_PER_CHATBOT` rows.
 */
import { and, desc, eq, gt, sql } from 'drizzle-orm';
import type { Database } from '../db/connect.js';
import { chatbotRefusedOrigins } from '../db/schema.js';

const MAX_ORIGINS_PER_CHATBOT = 50;
/** What "recently" means on the chatbot screen. */
const RECENT_DAYS = 7;

export interface RefusedOrigin {
  origin: string;
  refusals: number;
  lastRefusedAt: Date;
}

/** Counts one refusal of `origin` for the chatbot; a new origin is added only while there is room. */
export async function recordRefusedOrigin(db: Database, chatbotId: string, origin: string): Promise<void> {
  const table = chatbotRefusedOrigins;
  await db.execute(sql`
    insert into ${table} (chatbot_id, origin)
    select ${chatbotId}, ${origin.slice(0, 300)}
    where (select count(*) from ${table} where ${table.chatbotId} = ${chatbotId}) < ${MAX_ORIGINS_PER_CHATBOT}
       or exists (select 1 from ${table} where ${table.chatbotId} = ${chatbotId} and ${table.origin} = ${origin.slice(0, 300)})
    on conflict (chatbot_id, origin)
    do update set refusals = ${table.refusals} + 1, last_refused_at = now()`);
}

/** The origins refused in the last week, most recent first (at most 10). */
export async function listRecentRefusedOrigins(db: Database, chatbotId: string): Promise<RefusedOrigin[]> {
  const since = new Date(Date.now() - RECENT_DAYS * 24 * 60 * 60 * 1000);
  return db
    .select({
      origin: chatbotRefusedOrigins.origin,
      refusals: chatbotRefusedOrigins.refusals,
      lastRefusedAt: chatbotRefusedOrigins.lastRefusedAt,
    })
    .from(chatbotRefusedOrigins)
    .where(
      and(eq(chatbotRefusedOrigins.chatbotId, chatbotId), gt(chatbotRefusedOrigins.lastRefusedAt, since)),
    )
    .orderBy(desc(chatbotRefusedOrigins.lastRefusedAt))
    .limit(10);
}
