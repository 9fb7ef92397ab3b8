/**
 * An HTML page's main text, without navigation, footers and ads: Mozilla Readability (Firefox's reader
 * view) over a linkedom DOM. The page's links are read first, for the crawler, because Readability
 * rewrites the document it is given.
 */
import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import { blocksFromHtml, normalizeWhitespace, type ExtractedPage } from './document-blocks.js';

export interface ExtractedWebPage extends ExtractedPage {
  /** Absolute http(s) links of the page, without fragments, in page order. */
  links: string[];
}

export function extractWebPage(html: string, pageUrl: string): ExtractedWebPage {
  const { document } = parseHTML(html);
  const links = readLinks(document, pageUrl);
  const documentTitle = normalizeWhitespace(document.querySelector('title')?.textContent ?? '');
  const article = new Readability(document as unknown as ConstructorParameters<typeof Readability>[0], {
    charThreshold: 100,
  }).parse();
  let blocks = article?.content ? blocksFromHtml(article.content) : [];
  if (blocks.length === 0) {
    // Too little text for Readability to call it an article: keep the body without the page's furniture.
    const { document: fallback } = parseHTML(html);
    for (const element of fallback.querySelectorAll('nav,header,footer,aside,script,style,noscript,form')) {
      element.remove();
    }
    blocks = blocksFromHtml(fallback.querySelector('body')?.innerHTML ?? '');
  }
  return {
    location: pageUrl,
    title: normalizeWhitespace(article?.title ?? '') || documentTitle || pageUrl,
    blocks,
    links,
  };
}

function readLinks(document: ReturnType<typeof parseHTML>['document'], pageUrl: string): string[] {
  const base = document.querySelector('base[href]')?.getAttribute('href');
  const links = new Set<string>();
  for (const anchor of document.querySelectorAll('a[href]')) {
    try {
      const url = new URL(anchor.getAttribute('href') ?? '', new URL(base ?? pageUrl, pageUrl));
      if (url.protocol !== 'http:' && url.protocol !== 'https:') continue;
      url.hash = '';
      links.add(url.href);
    } catch {
      // Not a URL: nothing to follow.
    }
  }
  return [...links];
}
