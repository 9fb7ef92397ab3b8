/** A source row → its extracted pages, whatever its kind. */
import type { knowledgeSources } from '../db/schema.js';
import { SourceError, type ExtractedPage } from './extraction/document-blocks.js';
import { extractFile, fileTypeOf } from './extraction/file-extraction.js';
import type { SafeFetchOptions } from './fetching/safe-fetch.js';
import { readUrlSource } from './fetching/site-crawl.js';

export type SourceToRead = Pick<
  typeof knowledgeSources.$inferSelect,
  'kind' | 'title' | 'content' | 'url' | 'crawl' | 'fileName' | 'fileData'
>;

export interface ReadSourceOptions {
  fetch: SafeFetchOptions;
  /** The crawl bound: pages read from one URL source. */
  maxCrawlPages: number;
}

export async function readSource(
  source: SourceToRead,
  options: ReadSourceOptions,
): Promise<{ title: string; pages: ExtractedPage[] }> {
  switch (source.kind) {
    case 'text':
      // Pasted text may use Markdown headings; plain paragraphs read the same either way.
      return {
        title: source.title,
        pages: await extractFile('md', new TextEncoder().encode(source.content ?? ''), source.title),
      };
    case 'url':
      return readUrlSource(source.url ?? '', {
        crawl: source.crawl,
        maxPages: options.maxCrawlPages,
        fetch: options.fetch,
      });
    case 'file': {
      const type = fileTypeOf(source.fileName ?? '');
      if (!type || !source.fileData) throw new SourceError(`${source.fileName} is not a supported file.`);
      return { title: source.title, pages: await extractFile(type, source.fileData, source.title) };
    }
  }
}
