/**
 * Text of an uploaded file or a fetched non-HTML resource, each format through its own library:
 * unpdf (pdf.js) for PDF, mammoth for DOCX, marked for Markdown, Readability for HTML.
 */
import mammoth from 'mammoth';
import { marked } from 'marked';
import { extractText, getDocumentProxy } from 'unpdf';
import { blocksFromHtml, blocksFromPlainText, SourceError, type ExtractedPage } from './document-blocks.js';
import { extractWebPage } from './web-page-extraction.js';

export const supportedFileTypes = ['txt', 'md', 'html', 'pdf', 'docx'] as const;
export type SupportedFileType = (typeof supportedFileTypes)[number];

/** The file type from a name's extension (`.htm` and `.markdown` too), or null when not supported. */
export function fileTypeOf(fileName: string): SupportedFileType | null {
  const extension = /\.([a-z0-9]+)$/i.exec(fileName)?.[1]?.toLowerCase();
  if (extension === 'htm') return 'html';
  if (extension === 'markdown') return 'md';
  return (supportedFileTypes as readonly string[]).includes(extension ?? '')
    ? (extension as SupportedFileType)
    : null;
}

/** The file type of a fetched resource from its Content-Type, or null when it cannot be read. */
export function fileTypeOfMediaType(contentType: string | undefined): SupportedFileType | null {
  const mediaType = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (mediaType === 'text/html' || mediaType === 'application/xhtml+xml') return 'html';
  if (mediaType === 'application/pdf') return 'pdf';
  if (mediaType === 'text/markdown') return 'md';
  if (mediaType === 'text/plain') return 'txt';
  if (mediaType === 'application/vnd.openxmlformats-officedocument.wordprocessingml.document') return 'docx';
  return null;
}

export async function extractFile(
  type: SupportedFileType,
  bytes: Uint8Array,
  name: string,
): Promise<ExtractedPage[]> {
  switch (type) {
    case 'txt':
      return [{ location: '', title: name, blocks: blocksFromPlainText(decodeText(bytes)) }];
    case 'md':
      return [{ location: '', title: name, blocks: blocksFromHtml(await marked.parse(decodeText(bytes))) }];
    case 'html': {
      const page = extractWebPage(decodeText(bytes), name);
      return [{ location: '', title: page.title === name ? name : page.title, blocks: page.blocks }];
    }
    case 'pdf':
      return extractPdf(bytes, name);
    case 'docx':
      return [{ location: '', title: name, blocks: blocksFromHtml(await convertDocx(bytes, name)) }];
  }
}

function decodeText(bytes: Uint8Array): string {
  return new TextDecoder('utf-8').decode(bytes);
}

async function extractPdf(bytes: Uint8Array, name: string): Promise<ExtractedPage[]> {
  let pages: string[];
  try {
    // pdf.js takes ownership of the buffer it is given: hand it a copy.
    const document = await getDocumentProxy(new Uint8Array(bytes));
    pages = (await extractText(document, { mergePages: false })).text;
  } catch (error) {
    throw new SourceError(`${name} could not be read as a PDF.`, { cause: error });
  }
  return pages.map((text, index) => ({
    location: `page ${index + 1}`,
    title: name,
    blocks: blocksFromPlainText(text),
  }));
}

async function convertDocx(bytes: Uint8Array, name: string): Promise<string> {
  try {
    return (await mammoth.convertToHtml({ buffer: Buffer.from(bytes) })).value;
  } catch (error) {
    throw new SourceError(`${name} could not be read as a Word document (.docx).`, { cause: error });
  }
}
