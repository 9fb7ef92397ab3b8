/**
 * Reads a URL source: the page itself, or with `crawl` the same-site pages it links to, breadth first,
 * at most `maxPages`, skipping what the site's robots.txt disallows for BestAI's crawler (robots-parser).
 * Every request goes through `fetchSafely`. A crawled page that fails is skipped; the first page must work.
 */
import robotsParserModule from 'robots-parser';
import { SourceError, type ExtractedPage } from '../extraction/document-blocks.js';
import { extractFile, fileTypeOfMediaType } from '../extraction/file-extraction.js';
import { extractWebPage } from '../extraction/web-page-extraction.js';
import { fetchSafely, USER_AGENT, type SafeFetchOptions } from './safe-fetch.js';

interface RobotsRules {
  isAllowed(url: string, userAgent?: string): boolean | undefined;
}
// The package is CommonJS and its types declare no call signature for the default import under NodeNext.
const robotsParser = robotsParserModule as unknown as (url: string, text: string) => RobotsRules;

export interface CrawlOptions {
  crawl: boolean;
  maxPages: number;
  fetch: SafeFetchOptions;
}

export interface ReadPages {
  /** The title of the first page, for the source's name. */
  title: string;
  pages: ExtractedPage[];
}

export async function readUrlSource(startUrl: string, options: CrawlOptions): Promise<ReadPages> {
  const first = await readPage(startUrl, options.fetch);
  const pages = [...first.pages];
  if (!options.crawl) return { title: first.title, pages };

  const origin = new URL(first.finalUrl).origin;
  const robots = await readRobots(origin, options.fetch);
  const seen = new Set([startUrl, first.finalUrl]);
  const queue = first.links.filter((link) => new URL(link).origin === origin);
  let pageCount = 1;
  while (queue.length > 0 && pageCount < options.maxPages) {
    const url = queue.shift()!;
    if (seen.has(url)) continue;
    seen.add(url);
    if (robots.isAllowed(url, USER_AGENT) === false) continue;
    try {
      const next = await readPage(url, options.fetch);
      // A link that redirects off the site, or to a page already read, adds nothing.
      const isNewPage = next.finalUrl === url || !seen.has(next.finalUrl);
      if (new URL(next.finalUrl).origin !== origin || !isNewPage) continue;
      seen.add(next.finalUrl);
      pages.push(...next.pages);
      pageCount += 1;
      for (const link of next.links) {
        if (!seen.has(link) && new URL(link).origin === origin) queue.push(link);
      }
    } catch (error) {
      // One broken link does not fail the site; a refused address is still never fetched.
      if (!(error instanceof SourceError)) throw error;
    }
  }
  return { title: first.title, pages };
}

async function readPage(url: string, options: SafeFetchOptions) {
  const resource = await fetchSafely(url, options);
  if (resource.status < 200 || resource.status >= 300) {
    throw new SourceError(`${url} answered with HTTP ${resource.status}.`);
  }
  const type = fileTypeOfMediaType(resource.contentType);
  if (!type) {
    throw new SourceError(`${url} is not a page BestAI can read (${resource.contentType ?? 'no type'}).`);
  }
  if (type === 'html') {
    const page = extractWebPage(resource.body.toString('utf8'), resource.url);
    return { finalUrl: resource.url, title: page.title, pages: [page], links: page.links };
  }
  const pages = (await extractFile(type, resource.body, resource.url)).map((page) => ({
    ...page,
    location: page.location ? `${resource.url} (${page.location})` : resource.url,
  }));
  return { finalUrl: resource.url, title: resource.url, pages, links: [] as string[] };
}

/** A missing or unreadable robots.txt allows everything, as crawlers agree. */
async function readRobots(origin: string, options: SafeFetchOptions) {
  const robotsUrl = `${origin}/robots.txt`;
  let text = '';
  try {
    const resource = await fetchSafely(robotsUrl, { ...options, maxBytes: 500_000 });
    if (resource.status >= 200 && resource.status < 300) text = resource.body.toString('utf8');
  } catch (error) {
    if (!(error instanceof SourceError)) throw error;
  }
  return robotsParser(robotsUrl, text);
}
