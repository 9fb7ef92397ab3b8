/**
 * Splits extracted pages into passages of about 1–2k characters for retrieval: a passage starts at a
 * heading once the current one has enough text, never crosses a page, and carries the headings above it
 * (so "Returns" under "Shipping › Europe" still says where it is). A paragraph longer than a passage is
 * cut at sentence boundaries (Intl.Segmenter), and a sentence longer than that at word boundaries.
 */
import type { ExtractedPage } from './extraction/document-blocks.js';

export interface Passage {
  location: string;
  /** The headings above the passage, outermost first, joined by " › "; "" when there are none. */
  heading: string;
  /** The passage as the model sees it: its heading line, then its paragraphs. */
  content: string;
}

export interface ChunkLimits {
  maxCharacters: number;
  /** A heading starts a new passage only once the current one is at least this long. */
  minCharacters: number;
}

export const defaultChunkLimits: ChunkLimits = { maxCharacters: 1_800, minCharacters: 500 };

export function chunkPages(pages: ExtractedPage[], limits: ChunkLimits = defaultChunkLimits): Passage[] {
  return pages.flatMap((page) => chunkPage(page, limits));
}

function chunkPage(page: ExtractedPage, limits: ChunkLimits): Passage[] {
  const passages: Passage[] = [];
  const headings: string[] = [];
  let heading = '';
  let paragraphs: string[] = [];
  let length = 0;

  const flush = () => {
    if (paragraphs.length > 0) {
      const content = (heading ? [heading, ...paragraphs] : paragraphs).join('\n\n');
      passages.push({ location: page.location, heading, content });
    }
    paragraphs = [];
    length = 0;
  };

  for (const block of page.blocks) {
    if (block.kind === 'heading') {
      if (length >= limits.minCharacters) flush();
      headings.length = Math.min(headings.length, block.level - 1);
      headings[block.level - 1] = block.text;
      if (paragraphs.length === 0) heading = headings.filter(Boolean).join(' › ');
      else paragraphs.push(block.text);
      continue;
    }
    for (const piece of splitLongText(block.text, limits.maxCharacters - heading.length - 2)) {
      if (length > 0 && length + piece.length + 2 > limits.maxCharacters - heading.length) {
        flush();
        heading = headings.filter(Boolean).join(' › ');
      }
      paragraphs.push(piece);
      length += piece.length + 2;
    }
  }
  flush();
  return passages;
}

const sentences = new Intl.Segmenter('en', { granularity: 'sentence' });

/** Pieces of at most `limit` characters, cut between sentences, or between words inside a long one. */
export function splitLongText(text: string, limit: number): string[] {
  const size = Math.max(limit, 200);
  if (text.length <= size) return [text];
  const pieces: string[] = [];
  let current = '';
  for (const { segment } of sentences.segment(text)) {
    for (const part of segment.length > size ? splitWords(segment, size) : [segment]) {
      if (current.length + part.length > size) {
        pieces.push(current.trim());
        current = '';
      }
      current += part;
    }
  }
  if (current.trim()) pieces.push(current.trim());
  return pieces.filter((piece) => piece.length > 0);
}

function splitWords(text: string, size: number): string[] {
  const parts: string[] = [];
  let current = '';
  for (const word of text.split(/(?<=\s)/)) {
    // A "word" longer than a passage (a URL, a hash) is cut where it must be.
    for (let start = 0; start < word.length; start += size) {
      const part = word.slice(start, start + size);
      if (current.length + part.length > size && current) {
        parts.push(current);
        current = '';
      }
      current += part;
    }
  }
  if (current) parts.push(current);
  return parts;
}
