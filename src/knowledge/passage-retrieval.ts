/**
 * The best passages of a chatbot's sources for a question, in one statement (the chat hot path runs it
 * at most once per message, and not at all for a chatbot without sources).
 *
 * PostgreSQL full-text search on both databases: the question becomes the OR of its lexemes in the
 * chatbot's language (a visitor's question rarely contains every word of the passage that answers it),
 * the GIN index finds the passages that share any of them, and `ts_rank_cd` (cover density, normalised
 * by length so long passages do not win by size alone) orders them. The caller keeps the best within a
 * character budget.
 */
import type { Database } from '../db/connect.js';
import { namedStatement } from '../db/named-statement.js';

export interface RetrievedPassage {
  passageId: number;
  sourceId: string;
  title: string;
  /** The source's URL or the crawled page's, when it came from the web. */
  url: string | null;
  location: string;
  content: string;
  rank: number;
}

export interface RetrievalLimits {
  maxPassages: number;
  maxCharacters: number;
}

export const defaultRetrievalLimits: RetrievalLimits = { maxPassages: 5, maxCharacters: 6_000 };
/** Longer questions are cut: the first words carry the question; the query stays small. */
const MAX_QUESTION_CHARACTERS = 1_000;

interface PassageRow {
  id: string | number;
  source_id: string;
  title: string;
  url: string | null;
  location: string;
  content: string;
  rank: number;
  show_source_links: boolean;
}

// Lexemes are quoted for tsquery (a quote or backslash inside one is escaped) and joined with `|`.
const selectBestPassages = namedStatement<PassageRow>(
  'bestai_knowledge_passages',
  `with settings as (
      select coalesce(chosen.language, 'english')::regconfig as config,
        coalesce(chosen.show_source_links, false) as show_source_links
      from (select 1) as always
      left join knowledge_settings chosen on chosen.chatbot_id = $1::uuid
    ),
    question as (
      select (
        select string_agg('''' || replace(replace(lexeme, '\\', '\\\\'), '''', '''''') || '''', ' | ')
        from unnest(tsvector_to_array(to_tsvector(settings.config, $2::text))) lexeme
      )::tsquery as terms
      from settings
    )
    select passage.id, passage.source_id, source.title, source.url, passage.location, passage.content,
      ts_rank_cd(passage.search_vector, question.terms, 1) as rank,
      (select show_source_links from settings) as show_source_links
    from question
    join knowledge_passages passage on passage.search_vector @@ question.terms
    join knowledge_sources source on source.id = passage.source_id
    where passage.chatbot_id = $1::uuid
    order by rank desc, passage.id
    limit $3::int`,
);

export interface RetrievedKnowledge {
  passages: RetrievedPassage[];
  /** The owner's choice: the widget may show the sources of the answer as links. */
  showSourceLinks: boolean;
}

export async function retrievePassages(
  db: Database,
  chatbotId: string,
  question: string,
  limits: RetrievalLimits = defaultRetrievalLimits,
): Promise<RetrievedPassage[]> {
  return (await retrieveKnowledge(db, chatbotId, question, limits)).passages;
}

export async function retrieveKnowledge(
  db: Database,
  chatbotId: string,
  question: string,
  limits: RetrievalLimits = defaultRetrievalLimits,
): Promise<RetrievedKnowledge> {
  const rows = await selectBestPassages(db, [
    chatbotId,
    question.slice(0, MAX_QUESTION_CHARACTERS),
    limits.maxPassages,
  ]);
  const chosen: RetrievedPassage[] = [];
  let characters = 0;
  for (const row of rows) {
    if (characters + row.content.length > limits.maxCharacters && chosen.length > 0) break;
    characters += row.content.length;
    chosen.push({
      passageId: Number(row.id),
      sourceId: row.source_id,
      title: row.title,
      url: row.location.startsWith('http') ? row.location.split(' ')[0]! : row.url,
      location: row.location,
      content: row.content,
      rank: Number(row.rank),
    });
  }
  return { passages: chosen, showSourceLinks: rows[0]?.show_source_links ?? false };
}
