import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { renderSafeMarkdown, toSafeHref } from './safe-markdown.js';
import { vnodeToHtml } from './test-support/vnode-to-html.js';

const html = (markdown: string) => vnodeToHtml(renderSafeMarkdown(markdown));

describe('safe markdown', () => {
  test('paragraphs, line breaks, emphasis and code', () => {
    expect(html('Hello **bold** and *italic* and _also_ and `a < b`\nnext line\n\nSecond')).toBe(
      '<p>Hello <strong>bold</strong> and <em>italic</em> and <em>also</em> and <code>a &lt; b</code><br>next line</p>' +
        '<p>Second</p>',
    );
  });

  test('fenced code blocks keep their text verbatim, even unclosed while streaming', () => {
    expect(html('Try:\n```js\nconst a = "<b>";\n**not bold**\n```\nDone')).toBe(
      '<p>Try:</p><pre><code>const a = "&lt;b&gt;";\n**not bold**</code></pre><p>Done</p>',
    );
    expect(html('```\npartial')).toBe('<pre><code>partial</code></pre>');
  });

  test('bulleted and numbered lists', () => {
    expect(html('- one\n- **two**\n\n3. three\n4. four')).toBe(
      '<ul><li>one</li><li><strong>two</strong></li></ul><ol start="3"><li>three</li><li>four</li></ol>',
    );
  });

  test('links get rel="noopener nofollow" and open in a new tab', () => {
    expect(html('See [the docs](https://example.com/a_(b)) or mail@x, https://example.org/x.')).toBe(
      '<p>See <a href="https://example.com/a_(b)" target="_blank" rel="noopener nofollow">the docs</a> or mail@x, ' +
        '<a href="https://example.org/x" target="_blank" rel="noopener nofollow">https://example.org/x</a>.</p>',
    );
    expect(html('[write](mailto:help@example.com)')).toContain('href="mailto:help@example.com"');
  });

  test('snake_case words and lone stars are not emphasis', () => {
    expect(html('use my_var_name and 2 * 3 * 4')).toBe('<p>use my_var_name and 2 * 3 * 4</p>');
  });

  test.each([
    ['<img src=x onerror=alert(1)>', '<p>&lt;img src=x onerror=alert(1)&gt;</p>'],
    ['<script>alert(1)</script>', '<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>'],
    ['[x](javascript:alert(1))', '<p>[x](javascript:alert(1))</p>'],
    ['[x](JaVaScRiPt:alert(1))', '<p>[x](JaVaScRiPt:alert(1))</p>'],
    [
      '[x](data:text/html,<script>alert(1)</script>)',
      '<p>[x](data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;)</p>',
    ],
    ['[x](vbscript:msgbox)', '<p>[x](vbscript:msgbox)</p>'],
    ['[x](//evil.example)', '<p>[x](//evil.example)</p>'],
    ['[x](/relative)', '<p>[x](/relative)</p>'],
    [
      '[x](https://a.example" onclick="alert(1))',
      '<p>[x](<a href="https://a.example/" target="_blank" rel="noopener nofollow">https://a.example</a>' +
        '" onclick="alert(1))</p>',
    ],
    ['<a href="javascript:alert(1)">y</a>', '<p>&lt;a href="javascript:alert(1)"&gt;y&lt;/a&gt;</p>'],
    ['&lt;b&gt; &amp;', '<p>&amp;lt;b&amp;gt; &amp;amp;</p>'],
  ])('hostile input stays inert text: %s', (input, expected) => {
    expect(html(input)).toBe(expected);
  });

  test('toSafeHref allows only absolute http, https and mailto', () => {
    expect(toSafeHref('https://example.com')).toBe('https://example.com/');
    expect(toSafeHref('http://example.com/a?b=c')).toBe('http://example.com/a?b=c');
    expect(toSafeHref('mailto:a@b.example')).toBe('mailto:a@b.example');
    for (const bad of [
      'javascript:alert(1)',
      ' javascript:x',
      'java\tscript:x',
      'data:,x',
      'ftp://x',
      'https://a b',
      '',
    ]) {
      expect(toSafeHref(bad)).toBeUndefined();
    }
  });

  test('any input renders without elements outside the allowed set or unsafe links', () => {
    const allowed = new Set(['p', 'br', 'strong', 'em', 'code', 'pre', 'ul', 'ol', 'li', 'a']);
    for (const tag of ['div', 'table', 'thead', 'tbody', 'tr', 'th', 'td']) allowed.add(tag);
    // Random text, and random text shaped as a table (so cells get the same scrutiny).
    const tableShaped = fc
      .tuple(
        fc.string({ unit: 'grapheme-ascii', maxLength: 60 }),
        fc.string({ unit: 'grapheme-ascii', maxLength: 60 }),
      )
      .map(([header, row]) => `${header}|x\n---|---\n${row}|y`);
    const input = fc.oneof(fc.string({ unit: 'grapheme-ascii', maxLength: 200 }), tableShaped);
    fc.assert(
      fc.property(input, (input) => {
        const output = html(input);
        for (const [, tag] of output.matchAll(/<([a-z0-9]+)[\s>]/g))
          expect(allowed.has(tag as string)).toBe(true);
        for (const [, href] of output.matchAll(/ href="([^"]*)"/g))
          expect(href).toMatch(/^(https?:\/\/|mailto:)/);
      }),
      { numRuns: 500 },
    );
  });
});

describe('tables', () => {
  test('a GitHub table becomes a table with a header row, alignment and inline markdown in cells', () => {
    expect(html('Prices:\n| Bean | Price |\n| :-- | --: |\n| **Guji** | €14 |\n| Huila | €12 |\nAfter')).toBe(
      '<p>Prices:</p><div class="table"><table><thead><tr><th class="align-left">Bean</th>' +
        '<th class="align-right">Price</th></tr></thead><tbody><tr><td class="align-left"><strong>Guji</strong></td>' +
        '<td class="align-right">€14</td></tr><tr><td class="align-left">Huila</td><td class="align-right">€12</td>' +
        '</tr></tbody></table></div><p>After</p>',
    );
  });

  test('a missing cell is empty, an escaped pipe stays text, markup in a cell stays text; a line without a pipe ends it', () => {
    expect(html('a | b\n---|---\n<script> \\| x\nonly')).toBe(
      '<div class="table"><table><thead><tr><th>a</th><th>b</th></tr></thead><tbody><tr><td>&lt;script&gt; | x</td>' +
        '<td></td></tr></tbody></table></div><p>only</p>',
    );
  });

  test('a pipe without a delimiter row is an ordinary paragraph', () => {
    expect(html('yes | no\nmaybe')).toBe('<p>yes | no<br>maybe</p>');
  });
});
