/**
 * The widget's Markdown: the shared safe renderer (web/shared/safe-markdown.ts) with Preact's `h`, so
 * chat text becomes Preact VNodes with no HTML path.
 */
import { h, type VNode } from 'preact';
import { createSafeMarkdown, type CreateElement } from '../shared/safe-markdown.js';

export { toSafeHref } from '../shared/safe-markdown.js';

const markdown = createSafeMarkdown<VNode>(h as unknown as CreateElement<VNode>);

/** Renders a whole message as Preact VNodes. */
export const renderSafeMarkdown: (source: string) => VNode[] = markdown.renderSafeMarkdown;
