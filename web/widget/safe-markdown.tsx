/** @jsxImportSource preact */
/**
 * Renders chat text with a small Markdown subset straight into Preact VNodes: paragraphs, line
 * breaks, emphasis, inline code, fenced code blocks, lists and links. Text only ever becomes
 * VNode text children, so Preact escapes it; there is no HTML path at all. Links keep only
 * http, https and mailto targets; anything else stays visible as plain text.
 */
import type { ComponentChildren, JSX } from 'preact';

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

function renderLink(href: string, children: ComponentChildren, key: number): JSX.Element {
  return (
    <a key={key} href={href} target="_blank" rel="noopener nofollow">
      {children}
    </a>
  );
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

/** Parses inline Markdown (code, links, bold, italic, bare URLs) into VNodes and strings. */
export function renderInline(text: string, allowLinks = true): ComponentChildren[] {
  const output: ComponentChildren[] = [];
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
        output.push(<code key={index}>{text.slice(index + run, close)}</code>);
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
        output.push(renderLink(href, renderInline(link.label, false), index));
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
        output.push(
          delimiter.length === 2 ? <strong key={index}>{inner}</strong> : <em key={index}>{inner}</em>,
        );
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
          output.push(renderLink(href, url, index));
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

const FENCE = /^\s{0,3}(```+|~~~+)/;
const LIST_ITEM = /^\s{0,3}(?:([-*+])|(\d{1,9})[.)])\s+(.*)$/;
const HEADING = /^\s{0,3}#{1,6}\s+(.*)$/;

function renderParagraph(lines: string[], key: number): JSX.Element {
  const children: ComponentChildren[] = [];
  lines.forEach((line, lineIndex) => {
    if (lineIndex > 0) children.push(<br key={`b${lineIndex}`} />);
    children.push(...renderInline(line));
  });
  return <p key={key}>{children}</p>;
}

/** Renders a whole message. Unclosed fences (common while streaming) run to the end. */
export function renderSafeMarkdown(source: string): JSX.Element[] {
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  const blocks: JSX.Element[] = [];
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
      blocks.push(
        <pre key={blocks.length}>
          <code>{code.join('\n')}</code>
        </pre>,
      );
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
      const children = items.map((text, itemIndex) => <li key={itemIndex}>{renderInline(text)}</li>);
      blocks.push(
        isOrdered ? (
          <ol key={blocks.length} start={start === 1 ? undefined : start}>
            {children}
          </ol>
        ) : (
          <ul key={blocks.length}>{children}</ul>
        ),
      );
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      blocks.push(
        <p key={blocks.length}>
          <strong>{renderInline(heading[1] as string)}</strong>
        </p>,
      );
      index++;
      continue;
    }
    const paragraph: string[] = [];
    while (index < lines.length) {
      const current = lines[index] as string;
      if (!current.trim() || FENCE.test(current) || LIST_ITEM.test(current) || HEADING.test(current)) break;
      paragraph.push(current);
      index++;
    }
    blocks.push(renderParagraph(paragraph, blocks.length));
  }
  return blocks;
}
