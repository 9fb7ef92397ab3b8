import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chunkPages, splitLongText } from './passage-chunker.js';

describe('chunkPages', () => {
  it('starts a passage at a heading once the current one is long enough, and never crosses a page', () => {
    const long = 'word '.repeat(120).trim();
    const passages = chunkPages(
      [
        {
          location: 'a',
          title: 'A',
          blocks: [
            { kind: 'heading', level: 1, text: 'One' },
            { kind: 'paragraph', text: long },
            { kind: 'heading', level: 2, text: 'Two' },
            { kind: 'paragraph', text: 'short' },
          ],
        },
        { location: 'b', title: 'B', blocks: [{ kind: 'paragraph', text: 'other page' }] },
      ],
      { maxCharacters: 2_000, minCharacters: 500 },
    );
    expect(passages.map((passage) => [passage.location, passage.heading])).toEqual([
      ['a', 'One'],
      ['a', 'One › Two'],
      ['b', ''],
    ]);
  });

  it('keeps every passage within the limit and loses no word', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ minLength: 1, maxLength: 3_000 }), { minLength: 1, maxLength: 8 }),
        (paragraphs) => {
          const passages = chunkPages(
            [{ location: '', title: '', blocks: paragraphs.map((text) => ({ kind: 'paragraph', text })) }],
            { maxCharacters: 1_000, minCharacters: 300 },
          );
          for (const passage of passages) expect(passage.content.length).toBeLessThanOrEqual(1_000);
          const squash = (text: string) => text.replace(/\s+/g, '');
          expect(squash(passages.map((passage) => passage.content).join(''))).toBe(
            squash(paragraphs.join('')),
          );
        },
      ),
    );
  });

  it('cuts a long paragraph between sentences', () => {
    const sentence = 'This sentence is about kettles and nothing else at all. ';
    const pieces = splitLongText(sentence.repeat(40), 400);
    expect(pieces.length).toBeGreaterThan(1);
    for (const piece of pieces) expect(piece.endsWith('else at all.')).toBe(true);
  });
});
