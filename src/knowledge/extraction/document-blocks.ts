/**
 * What every extractor produces, whatever the format: a source's text as headings and paragraphs in
 * reading order, grouped in pages (a crawled URL, a PDF page). The chunker works on this alone.
 */
import { parseHTML } from 'linkedom';

export type DocumentBlock =
  { kind: 'heading'; level: number; text: string } | { kind: 'paragraph'; text: string };

export interface ExtractedPage {
  /** Where the text sits inside the source: a page's URL, "page 3" of a PDF, or "". */
  location: string;
  title: string;
  blocks: DocumentBlock[];
}

/** A failure whose message can be shown to the owner as the reason a source did not index. */
export class SourceError extends Error {
  override name = 'SourceError';
}

const blockSelector = 'h1,h2,h3,h4,h5,h6,p,li,pre,blockquote,td,th,dt,dd,figcaption';

/** Collapses runs of white space, as a browser would when it renders the text. */
export function normalizeWhitespace(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * Headings and paragraphs of an HTML fragment (from Readability, mammoth or marked). Nested blocks (a
 * paragraph inside a list item) are read once, as part of the outer block; text outside any block
 * element is read as one paragraph, so nothing is lost from a loosely written page.
 */
export function blocksFromHtml(html: string): DocumentBlock[] {
  const { document } = parseHTML(`<!doctype html><html><body>${html}</body></html>`);
  for (const element of document.querySelectorAll('script,style,noscript,template')) element.remove();
  const blocks: DocumentBlock[] = [];
  for (const element of document.querySelectorAll(blockSelector)) {
    if (element.parentElement?.closest(blockSelector)) continue;
    const text = normalizeWhitespace(element.textContent ?? '');
    if (!text) continue;
    const heading = /^H([1-6])$/.exec(element.tagName.toUpperCase());
    blocks.push(heading ? { kind: 'heading', level: Number(heading[1]), text } : { kind: 'paragraph', text });
  }
  if (blocks.length === 0) {
    const text = normalizeWhitespace(document.body?.textContent ?? '');
    if (text) blocks.push({ kind: 'paragraph', text });
  }
  return blocks;
}

/** Plain text: paragraphs are separated by blank lines. */
export function blocksFromPlainText(text: string): DocumentBlock[] {
  return text
    .split(/\r?\n\s*\r?\n/)
    .map(normalizeWhitespace)
    .filter((paragraph) => paragraph.length > 0)
    .map((paragraph) => ({ kind: 'paragraph', text: paragraph }));
}
