/**
 * widget.js: the tiny script a business pastes into its site.
 * `<script src="{origin}/widget.js" data-chatbot="{publicId}" async></script>`
 * It reads the chatbot's look, draws the launcher inside an open shadow root, and fetches the
 * chat UI (chat-ui.js) only on the first hover, focus or click of the launcher, or when the
 * browser is idle. No framework, no cookies, no eval, one global (`window.BestAI`).
 */
import { launcherStringsFor } from './launcher-strings.js';
import { fetchWidgetConfig, type WidgetConfigState } from './widget-api.js';
import { accentCss, adoptStyles, launcherCss } from './widget-styles.js';
import type { BestAINamespace, ChatUiHandle } from './widget-types.js';

const SVG_NS = 'http://www.w3.org/2000/svg';
const CHAT_ICON =
  'M21 11.5a8.4 8.4 0 0 1-.9 3.8 8.5 8.5 0 0 1-7.6 4.7 8.4 8.4 0 0 1-3.8-.9L3 21l1.9-5.7a8.4 8.4 0 0 1-.9-3.8 8.5 8.5 0 0 1 4.7-7.6 8.4 8.4 0 0 1 3.8-.9h.5a8.5 8.5 0 0 1 8 8z';
const CLOSE_ICON = 'M18 6 6 18M6 6l12 12';

function createIcon(className: string, path: string): SVGSVGElement {
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('class', className);
  const shape = document.createElementNS(SVG_NS, 'path');
  shape.setAttribute('d', path);
  svg.appendChild(shape);
  return svg;
}

function whenBodyReady(): Promise<void> {
  return new Promise((resolve) => {
    if (document.body) resolve();
    else document.addEventListener('DOMContentLoaded', () => resolve(), { once: true });
  });
}

/** Under Trusted Types (`require-trusted-types-for 'script'`) a script URL must come from a policy. */
function toScriptUrl(namespace: BestAINamespace, url: string): string {
  if (namespace.scriptPolicy === undefined) {
    const factory = (window as { trustedTypes?: { createPolicy(name: string, rules: object): unknown } })
      .trustedTypes;
    try {
      namespace.scriptPolicy = factory
        ? (factory.createPolicy('bestai', {
            createScriptURL: (value: string) => value,
          }) as BestAINamespace['scriptPolicy'])
        : null;
    } catch {
      namespace.scriptPolicy = null;
    }
  }
  return (namespace.scriptPolicy ? namespace.scriptPolicy.createScriptURL(url) : url) as string;
}

function drawLauncher(root: ShadowRoot, state: WidgetConfigState): HTMLButtonElement {
  const launcher = document.createElement('button');
  launcher.type = 'button';
  launcher.className =
    'launcher' + (state.status === 'ready' && state.config.position === 'left' ? ' left' : '');
  launcher.setAttribute(
    'aria-label',
    launcherStringsFor(state.status === 'ready' ? state.config.language : 'en').openChat,
  );
  launcher.setAttribute('aria-expanded', 'false');
  launcher.setAttribute('aria-haspopup', 'dialog');
  launcher.append(createIcon('icon-open', CHAT_ICON), createIcon('icon-close', CLOSE_ICON));
  root.appendChild(launcher);
  return launcher;
}

async function start(script: HTMLScriptElement, namespace: BestAINamespace): Promise<void> {
  const publicId = script.getAttribute('data-chatbot');
  if (!publicId) return;
  const origin = new URL(script.src).origin;
  const bodyReady = whenBodyReady();
  const state = await fetchWidgetConfig(origin, publicId);
  await bodyReady;
  performance.mark('bestai:config-loaded');
  if (state.status === 'missing') return;
  if (state.status === 'forbidden') {
    // Not allowed on this site: draw nothing a visitor could click, and tell the site's developer why.
    console.warn(`BestAI: ${location.origin} is not an allowed origin of chatbot ${publicId}.`);
    return;
  }

  const host = document.createElement('bestai-widget');
  const root = host.attachShadow({ mode: 'open' });
  adoptStyles(root, launcherCss + accentCss(state.status === 'ready' ? state.config.color : '#4f46e5'));
  const launcher = drawLauncher(root, state);
  const strings = launcherStringsFor(state.status === 'ready' ? state.config.language : 'en');
  document.body.appendChild(host);
  performance.mark('bestai:launcher-drawn');

  let loading: Promise<ChatUiHandle> | undefined;
  const loadChatUi = (): Promise<ChatUiHandle> => {
    loading ||= new Promise<ChatUiHandle>((resolve, reject) => {
      const element = document.createElement('script');
      element.async = true;
      element.onload = () => {
        element.remove();
        const mount = namespace.mountChatUi;
        if (!mount) return reject(new Error('chat UI did not register'));
        resolve(
          mount({
            root,
            launcher,
            origin,
            publicId,
            config: state,
            onOpenChange(isOpen) {
              launcher.setAttribute('aria-label', isOpen ? strings.closeChat : strings.openChat);
              launcher.setAttribute('aria-expanded', String(isOpen));
            },
          }),
        );
      };
      element.onerror = () => {
        element.remove();
        loading = undefined;
        reject(new Error('chat UI failed to load'));
      };
      element.src = toScriptUrl(namespace, `${origin}/widget/chat-ui.js`);
      root.appendChild(element);
    });
    return loading;
  };
  const preload = () => void loadChatUi().catch(() => undefined);

  launcher.addEventListener('pointerenter', preload, { once: true });
  launcher.addEventListener('focus', preload, { once: true });
  launcher.addEventListener('click', () => {
    if (launcher.getAttribute('aria-expanded') !== 'true') performance.mark('bestai:open-requested');
    loadChatUi().then(
      (ui) => ui.setOpen(!ui.isOpen()),
      () => undefined,
    );
  });
  if (window.requestIdleCallback) window.requestIdleCallback(preload, { timeout: 5000 });
  else setTimeout(preload, 3000);
}

const currentScript = document.currentScript as HTMLScriptElement | null;
if (currentScript && currentScript.src) {
  const namespace = (window.BestAI ||= { version: '1' });
  void start(currentScript, namespace);
}
