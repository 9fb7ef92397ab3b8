/**
 * Renders chat text with a small Markdown subset: paragraphs, line breaks, emphasis, inline code, fenced
 * code blocks, lists, tables and links. One parser for the widget (Preact) and the admin's Conversations
 * (React): each passes its own `createElement`, so text only ever becomes text children, which the
 * framework escapes; there is no HTML path at all. Links keep only http, https and mailto targets;
 * anything else stays visible as plain text.
 */

/** An element's child: an element of the framework, or text. */
export type Child<Node> = Node | string;

/** The shape shared by Preact's `h` and React's `createElement`. */
export type CreateElement<Node> = (
  type: string,
  props: Record<string, unknown> | null,
  ...children: Child<Node>[]
) => Node;

export interface SafeMarkdown<Node> {
  /** The blocks of a whole message, each with a `key`. */
  renderSafeMarkdown(source: string): Node[];
  /** Inline Markdown (code, links, bold, italic, bare URLs) as elements and text. */
  renderInline(text: string): Child<Node>[];
}

const SAFE_PROTOCOLS = ['http:', 'https:', 'mailto:'];

/** Returns the URL when it is an absolute http, https or mailto address; otherwise undefined. */
export function toSafeHref(raw: string): string | undefined {
  const candidate = raw.trim();
  if (!/^(?:https?:\/\/|mailto:)/i.test(candidate) || /[\s<>"'`\\]/.test(candidate)) return undefined;
  try {
    const url = new URL(candidate);
    return SAFE_PROTOCOLS.indexOf(url.protocol) === -1 ? undefined : url.href;
  } catch {
    return undefined;
  }
}

function isWordCharacter(character: string | undefined): boolean {
  return character !== undefined && /[0-9A-Za-z\u00C0-\uFFFF]/.test(character);
}

/** Finds `[label](url)` starting at `start`; returns the parts and where it ends. */
function matchLink(text: string, start: number): { label: string; url: string; end: number } | undefined {
  const labelEnd = text.indexOf('](', start + 1);
  if (labelEnd === -1) return undefined;
  const label = text.slice(start + 1, labelEnd);
  if (!label || label.indexOf('\n') !== -1 || label.indexOf('[') !== -1 || label.indexOf(']') !== -1) {
    return undefined;
  }
  let depth = 0;
  for (let index = labelEnd + 2; index < text.length; index++) {
    const character = text[index];
    if (character === '\n') return undefined;
    if (character === '(') depth++;
    else if (character === ')') {
      if (depth === 0) return { label, url: text.slice(labelEnd + 2, index), end: index + 1 };
      depth--;
    }
  }
  return undefined;
}

/** Finds the closing emphasis delimiter, or -1. Content may not start or end with a space. */
function findEmphasisEnd(text: string, contentStart: number, delimiter: string): number {
  if (/\s/.test(text[contentStart] ?? ' ')) return -1;
  let from = contentStart + 1;
  for (;;) {
    const end = text.indexOf(delimiter, from);
    if (end === -1) return -1;
    const isSingleStar = delimiter === '*' && (text[end + 1] === '*' || text[end - 1] === '*');
    const isBadUnderscore = delimiter[0] === '_' && isWordCharacter(text[end + delimiter.length]);
    if (!/\s/.test(text[end - 1] ?? ' ') && !isSingleStar && !isBadUnderscore) return end;
    from = end + 1;
  }
}

const AUTOLINK = /^(?:https?:\/\/|mailto:)[^\s<>"'`]+/i;

const FENCE = /^\s{0,3}(```+|~~~+)/;
const LIST_ITEM = /^\s{0,3}(?:([-*+])|(\d{1,9})[.)])\s+(.*)$/;
const HEADING = /^\s{0,3}#{1,6}\s+(.*)$/;
/** A GitHub table's delimiter row: `| --- | :-: |`, pipes at the ends optional. */
const TABLE_DELIMITER = /^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$/;

/** The cells of a table row; `\|` is a pipe inside a cell. */
function splitTableRow(line: string): string[] {
  const trimmed = line
    .trim()
    .replace(/^\|/, '')
    .replace(/(?<!\\)\|$/, '');
  return trimmed.split(/(?<!\\)\|/).map((cell) => cell.trim().replace(/\\\|/g, '|'));
}

/** Whether a table starts at `index`: a row with a pipe, then a delimiter row with as many columns. */
function isTableStart(lines: string[], index: number): boolean {
  const header = lines[index];
  const delimiter = lines[index + 1];
  if (header === undefined || delimiter === undefined || header.indexOf('|') === -1) return false;
  if (!TABLE_DELIMITER.test(delimiter) || delimiter.indexOf('-') === -1) return false;
  return splitTableRow(header).length === splitTableRow(delimiter).length;
}

function tableAlignments(delimiter: string): (string | undefined)[] {
  return splitTableRow(delimiter).map((cell) => {
    const left = cell.startsWith(':');
    const right = cell.endsWith(':');
    return left && right ? 'center' : right ? 'right' : left ? 'left' : undefined;
  });
}

/** The renderer for one framework's `createElement`. */
export function createSafeMarkdown<Node>(h: CreateElement<Node>): SafeMarkdown<Node> {
  const renderLink = (href: string, children: Child<Node>[]): Node =>
    h('a', { href, target: '_blank', rel: 'noopener nofollow' }, ...children);

  /** Parses inline Markdown (code, links, bold, italic, bare URLs) into elements and strings. */
  function renderInline(text: string, allowLinks = true): Child<Node>[] {
    const output: Child<Node>[] = [];
    let plain = '';
    let index = 0;
    const flush = () => {
      if (plain) output.push(plain);
      plain = '';
    };

    while (index < text.length) {
      const character = text[index] as string;
      const previous = text[index - 1];

      if (character === '`') {
        let run = 1;
        while (text[index + run] === '`') run++;
        const fence = '`'.repeat(run);
        const close = text.indexOf(fence, index + run);
        if (close > index + run && text[close + run] !== '`') {
          flush();
          output.push(h('code', null, text.slice(index + run, close)));
          index = close + run;
        } else {
          plain += fence;
          index += run;
        }
        continue;
      }

      if (character === '[' && allowLinks) {
        const link = matchLink(text, index);
        const href = link && toSafeHref(link.url);
        if (link && href) {
          flush();
          output.push(renderLink(href, renderInline(link.label, false)));
          index = link.end;
          continue;
        }
      }

      if ((character === '*' || character === '_') && !(character === '_' && isWordCharacter(previous))) {
        const delimiter = text[index + 1] === character ? character + character : character;
        const end = findEmphasisEnd(text, index + delimiter.length, delimiter);
        if (end !== -1) {
          flush();
          const inner = renderInline(text.slice(index + delimiter.length, end), allowLinks);
          output.push(h(delimiter.length === 2 ? 'strong' : 'em', null, ...inner));
          index = end + delimiter.length;
          continue;
        }
      }

      if (allowLinks && (character === 'h' || character === 'm') && !isWordCharacter(previous)) {
        const match = AUTOLINK.exec(text.slice(index));
        if (match) {
          const url = match[0].replace(/[.,;:!?)\]]+$/, '');
          const href = toSafeHref(url);
          if (href) {
            flush();
            output.push(renderLink(href, [url]));
            index += url.length;
            continue;
          }
        }
      }

      plain += character;
      index++;
    }
    flush();
    return output;
  }

  function renderParagraph(lines: string[], key: number): Node {
    const children: Child<Node>[] = [];
    lines.forEach((line, lineIndex) => {
      if (lineIndex > 0) children.push(h('br', null));
      children.push(...renderInline(line));
    });
    return h('p', { key }, ...children);
  }

  /** Renders a whole message. Unclosed fences (common while streaming) run to the end. */
  /** A table in a scrolling box (a wide table must not widen the chat); alignment as a class. */
  function renderTable(lines: string[], key: number): Node {
    const alignments = tableAlignments(lines[1] as string);
    const cell = (tag: string, text: string, column: number) => {
      const alignment = alignments[column];
      return h(tag, alignment ? { class: `align-${alignment}` } : null, ...renderInline(text));
    };
    const row = (tag: string, line: string) =>
      h('tr', null, ...alignments.map((_, column) => cell(tag, splitTableRow(line)[column] ?? '', column)));
    const body = lines.slice(2).map((line) => row('td', line));
    return h(
      'div',
      { key, class: 'table' },
      h(
        'table',
        null,
        h('thead', null, row('th', lines[0] as string)),
        ...(body.length ? [h('tbody', null, ...body)] : []),
      ),
    );
  }

  function renderSafeMarkdown(source: string): Node[] {
    const lines = source.replace(/\r\n?/g, '\n').split('\n');
    const blocks: Node[] = [];
    let index = 0;

    while (index < lines.length) {
      const line = lines[index] as string;
      const fence = FENCE.exec(line);
      if (fence) {
        const marker = fence[1] as string;
        const code: string[] = [];
        index++;
        while (index < lines.length && !(lines[index] as string).trim().startsWith(marker)) {
          code.push(lines[index] as string);
          index++;
        }
        index++;
        blocks.push(h('pre', { key: blocks.length }, h('code', null, code.join('\n'))));
        continue;
      }
      if (!line.trim()) {
        index++;
        continue;
      }
      const item = LIST_ITEM.exec(line);
      if (item) {
        const isOrdered = item[2] !== undefined;
        const items: string[] = [];
        const start = isOrdered ? Number(item[2]) : 1;
        while (index < lines.length) {
          const current = lines[index] as string;
          const match = LIST_ITEM.exec(current);
          if (match && (match[2] !== undefined) === isOrdered) items.push(match[3] as string);
          else if (current.trim() && /^\s/.test(current) && items.length && !FENCE.test(current)) {
            items[items.length - 1] += ' ' + current.trim();
          } else break;
          index++;
        }
        const children = items.map((text) => h('li', null, ...renderInline(text)));
        blocks.push(
          isOrdered
            ? h('ol', { key: blocks.length, start: start === 1 ? undefined : start }, ...children)
            : h('ul', { key: blocks.length }, ...children),
        );
        continue;
      }
      if (isTableStart(lines, index)) {
        const table = [line, lines[index + 1] as string];
        index += 2;
        while (
          index < lines.length &&
          (lines[index] as string).trim() &&
          (lines[index] as string).includes('|')
        ) {
          table.push(lines[index] as string);
          index++;
        }
        blocks.push(renderTable(table, blocks.length));
        continue;
      }
      const heading = HEADING.exec(line);
      if (heading) {
        blocks.push(h('p', { key: blocks.length }, h('strong', null, ...renderInline(heading[1] as string))));
        index++;
        continue;
      }
      const paragraph: string[] = [];
      while (index < lines.length) {
        const current = lines[index] as string;
        const isOtherBlock =
          FENCE.test(current) ||
          LIST_ITEM.test(current) ||
          HEADING.test(current) ||
          isTableStart(lines, index);
        if (!current.trim() || isOtherBlock) break;
        paragraph.push(current);
        index++;
      }
      blocks.push(renderParagraph(paragraph, blocks.length));
    }
    return blocks;
  }

  return { renderSafeMarkdown, renderInline: (text) => renderInline(text) };
}
