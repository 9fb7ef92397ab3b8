/** Types shared by the loader (widget.js) and the chat UI (chat-ui.js). */
import type { WidgetConfigState } from './widget-api.js';

export interface ChatUiMountOptions {
  /** The open shadow root the loader created; the chat UI renders its panel into it. */
  root: ShadowRoot;
  /** The launcher button drawn by the loader; focus returns to it when the panel closes. */
  launcher: HTMLButtonElement;
  origin: string;
  publicId: string;
  config: WidgetConfigState;
  /** Called whenever the panel opens or closes, so the loader can relabel the launcher. */
  onOpenChange(isOpen: boolean): void;
}

export interface ChatUiHandle {
  setOpen(isOpen: boolean): void;
  isOpen(): boolean;
}

/** `window.BestAI`: the only global the widget creates. */
export interface BestAINamespace {
  version: string;
  /** Set by chat-ui.js when it loads. */
  mountChatUi?: (options: ChatUiMountOptions) => ChatUiHandle;
  /** The Trusted Types policy `bestai`, created once per page when the browser has Trusted Types. */
  scriptPolicy?: { createScriptURL(url: string): unknown } | null;
}

declare global {
  interface Window {
    BestAI?: BestAINamespace;
  }
}
