import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { chunkPages } from '../passage-chunker.js';
import { SourceError } from './document-blocks.js';
import { extractFile, fileTypeOf } from './file-extraction.js';
import { extractWebPage } from './web-page-extraction.js';

const fixture = (name: string) => readFile(new URL(`../fixtures/${name}`, import.meta.url));
const textOf = (pages: Awaited<ReturnType<typeof extractFile>>) =>
  pages.flatMap((page) => page.blocks.map((block) => block.text)).join('\n');

describe('extraction of the shipped fixtures', () => {
  it('keeps an HTML page’s article and drops navigation, footer, aside and scripts', async () => {
    const page = extractWebPage(
      (await fixture('store-page.html')).toString(),
      'https://shop.example/delivery',
    );
    const text = page.blocks.map((block) => block.text).join('\n');
    expect(text).toContain('Parcels to the European Union take three to five working days.');
    expect(text).toContain('flat delivery charge of 3.95 pounds');
    for (const noise of ['Cart (0)', 'About us', 'All rights reserved', 'newsletter', 'tracking snippet']) {
      expect(text).not.toContain(noise);
    }
    expect(page.blocks).toContainEqual({ kind: 'heading', level: 2, text: 'Delivery to Europe' });
    expect(page.links).toContain('https://shop.example/shop');
    expect(page.title).toMatch(/Delivery/);
  });

  it('reads each page of a PDF as its own page', async () => {
    const pages = await extractFile('pdf', await fixture('returns-policy.pdf'), 'returns-policy.pdf');
    expect(pages.map((page) => page.location)).toEqual(['page 1', 'page 2', 'page 3']);
    expect(textOf([pages[1]!])).toContain('Refunds reach the original card within 5 business days');
    expect(textOf([pages[2]!])).toContain('replacement');
  });

  it('reads a DOCX with its headings', async () => {
    const [page] = await extractFile('docx', await fixture('warranty.docx'), 'warranty.docx');
    expect(page!.blocks).toEqual([
      { kind: 'heading', level: 1, text: 'Warranty' },
      {
        kind: 'paragraph',
        text: 'Every Brightkettle carries a two-year warranty against defects in the heating element.',
      },
      { kind: 'heading', level: 2, text: 'How to claim' },
      { kind: 'paragraph', text: 'Claims need the order number and a short description of the fault.' },
    ]);
  });

  it('reads Markdown headings and paragraphs, and passages carry their headings', async () => {
    const pages = await extractFile('md', await fixture('opening-hours.md'), 'opening-hours.md');
    expect(pages[0]!.blocks[0]).toEqual({ kind: 'heading', level: 1, text: 'Visiting our shop' });
    const passages = chunkPages(pages, { maxCharacters: 200, minCharacters: 50 });
    const hours = passages.find((passage) => passage.content.includes('Monday to Saturday'));
    expect(hours?.heading).toBe('Visiting our shop › Opening hours');
    expect(hours?.content.startsWith('Visiting our shop › Opening hours\n\n')).toBe(true);
  });

  it('reads plain text as paragraphs', async () => {
    const [page] = await extractFile('txt', Buffer.from('First line\nsame paragraph.\n\nSecond.'), 'a.txt');
    expect(page!.blocks).toEqual([
      { kind: 'paragraph', text: 'First line same paragraph.' },
      { kind: 'paragraph', text: 'Second.' },
    ]);
  });

  it('gives a readable reason for a file that is not what its name says', async () => {
    await expect(extractFile('pdf', Buffer.from('not a pdf'), 'fake.pdf')).rejects.toThrow(SourceError);
    await expect(extractFile('docx', Buffer.from('not a zip'), 'fake.docx')).rejects.toThrow(
      /fake\.docx could not be read/,
    );
  });

  it('knows the supported file types by extension', () => {
    expect(['a.TXT', 'b.md', 'c.markdown', 'd.htm', 'e.pdf', 'f.docx', 'g.doc', 'h'].map(fileTypeOf)).toEqual(
      ['txt', 'md', 'md', 'html', 'pdf', 'docx', null, null],
    );
  });
});
