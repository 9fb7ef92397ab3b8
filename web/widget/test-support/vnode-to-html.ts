/**
 * Serialises Preact VNodes to an HTML string for unit tests, escaping text and attributes the
 * way the DOM would show them. Throws on props that would inject raw HTML.
 */
import type { ComponentChildren, VNode } from 'preact';

const escapeText = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const escapeAttribute = (text: string) => escapeText(text).replace(/"/g, '&quot;');
const VOID_ELEMENTS = new Set(['br', 'hr', 'img', 'input']);

export function vnodeToHtml(node: ComponentChildren): string {
  if (node === null || node === undefined || typeof node === 'boolean') return '';
  if (typeof node === 'string' || typeof node === 'number' || typeof node === 'bigint') {
    return escapeText(String(node));
  }
  if (Array.isArray(node)) return node.map(vnodeToHtml).join('');
  const vnode = node as VNode<Record<string, unknown>>;
  if (typeof vnode.type !== 'string') throw new Error('components are not expected in rendered markdown');
  const { children, ...attributes } = vnode.props;
  if ('dangerouslySetInnerHTML' in attributes) throw new Error('raw HTML prop found');
  const attributeText = Object.entries(attributes)
    .filter(([, value]) => value !== undefined && value !== null && value !== false)
    .map(([name, value]) => ` ${name}="${escapeAttribute(String(value))}"`)
    .join('');
  const open = `<${vnode.type}${attributeText}>`;
  return VOID_ELEMENTS.has(vnode.type)
    ? open
    : `${open}${vnodeToHtml(children as ComponentChildren)}</${vnode.type}>`;
}
