/**
 * Assistant text as the visitor saw it: the widget's safe Markdown renderer (web/shared/safe-markdown.ts)
 * with React's `createElement`. Text only ever becomes React text children, so nothing is parsed as HTML.
 */
import { createElement, type ReactNode } from 'react';
import { createSafeMarkdown, type CreateElement } from '../../../shared/safe-markdown';

/** React calls the attribute `className`; the shared renderer speaks HTML's `class`. */
const createReactElement: CreateElement<ReactNode> = (type, props, ...children) => {
  if (props && 'class' in props) {
    const { class: className, ...rest } = props;
    return createElement(type, { ...rest, className }, ...children);
  }
  return createElement(type, props, ...children);
};

const markdown = createSafeMarkdown<ReactNode>(createReactElement);

export function Markdown({ text }: { text: string }) {
  return <div className="markdown">{markdown.renderSafeMarkdown(text)}</div>;
}
