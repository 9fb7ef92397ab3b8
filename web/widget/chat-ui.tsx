/** @jsxImportSource preact */
/**
 * chat-ui.js: the chat panel, loaded by widget.js on first interest and rendered with Preact into
 * the loader's shadow root. It registers itself as `window.BestAI.mountChatUi`.
 */
import { render, type JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { useChatSession, type ChatNotice } from './chat-session.js';
import { renderSafeMarkdown } from './safe-markdown.js';
import { stringsFor, type WidgetStrings } from './strings.js';
import { fetchWidgetConfig, type WidgetConfigState } from './widget-api.js';
import { accentCss, adoptStyles, panelCss } from './widget-styles.js';
import type { ChatUiHandle, ChatUiMountOptions } from './widget-types.js';

const MAX_INPUT_HEIGHT = 120;
/** The server's limit on a visitor message (src/http/routes/widget-routes.ts). */
const MESSAGE_MAX_CHARACTERS = 8000;
/** The counter shows once a message is long enough for the limit to matter. */
const COUNTER_FROM = 7000;

function Icon({ path }: { path: string }): JSX.Element {
  return (
    <svg viewBox="0 0 24 24" aria-hidden="true">
      <path d={path} />
    </svg>
  );
}

const ICON_PLUS = 'M12 5v14M5 12h14';
const ICON_CLOSE = 'M18 6 6 18M6 6l12 12';
const ICON_SEND = 'M22 2 11 13M22 2l-7 20-4-9-9-4z';
const ICON_THUMB_UP =
  'M7 10v12M15 5.9 14 10h5.8a2 2 0 0 1 2 2.3l-1.4 8A2 2 0 0 1 18.4 22H4a2 2 0 0 1-2-2v-8a2 2 0 0 1 2-2h2.8a2 2 0 0 0 1.8-1.1L12 2a3.1 3.1 0 0 1 3 3.9z';
const ICON_THUMB_DOWN =
  'M17 14V2M9 18.1 10 14H4.2a2 2 0 0 1-2-2.3l1.4-8A2 2 0 0 1 5.6 2H20a2 2 0 0 1 2 2v8a2 2 0 0 1-2 2h-2.8a2 2 0 0 0-1.8 1.1L12 22a3.1 3.1 0 0 1-3-3.9z';

/** Seconds left before a rate-limited visitor may send again; re-renders every second. */
function useSecondsUntil(target: number | undefined): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (target === undefined) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(timer);
  }, [target]);
  return target === undefined ? 0 : Math.max(0, Math.ceil((target - now) / 1000));
}

function Notice({
  notice,
  secondsLeft,
  onRetry,
  strings,
}: {
  notice: ChatNotice;
  secondsLeft: number;
  onRetry(): void;
  strings: WidgetStrings;
}) {
  const text =
    notice.kind === 'error'
      ? notice.message
      : secondsLeft > 0
        ? strings.rateLimited(secondsLeft)
        : strings.rateLimitOver;
  return (
    <div class="notice" role="alert">
      <span>{text}</span>
      {!(notice.kind === 'error' && notice.isFinal) && (
        <button type="button" onClick={onRetry} disabled={secondsLeft > 0}>
          {strings.retry}
        </button>
      )}
    </div>
  );
}

interface ChatPanelProps {
  options: ChatUiMountOptions;
  isOpen: boolean;
  onClose(): void;
}

function ChatPanel({ options, isOpen, onClose }: ChatPanelProps): JSX.Element {
  const [configState, setConfigState] = useState<WidgetConfigState>(options.config);
  const [hasOpened, setHasOpened] = useState(isOpen);
  const [draft, setDraft] = useState('');
  const config = configState.status === 'ready' ? configState.config : undefined;
  const strings = stringsFor(config?.language);
  const chat = useChatSession(options.origin, options.publicId, hasOpened && config !== undefined, strings);
  const secondsLeft = useSecondsUntil(chat.notice?.kind === 'rate-limited' ? chat.notice.retryAt : undefined);
  const panelRef = useRef<HTMLDivElement>(null);
  const logRef = useRef<HTMLDivElement>(null);
  const inputRef = useRef<HTMLTextAreaElement>(null);
  const title = config?.title || strings.defaultTitle;

  useEffect(() => {
    if (!isOpen) return;
    setHasOpened(true);
    (inputRef.current ?? panelRef.current)?.focus();
    if (performance.getEntriesByName('bestai:ui-ready').length === 0) performance.mark('bestai:ui-ready');
  }, [isOpen, config]);

  // Follow the answer only while the visitor is at the bottom: one who scrolled up to read stays there.
  // Scroll events arrive a frame late, after the content may have grown again: only a position above our
  // own last scroll means the visitor moved up.
  const isFollowingRef = useRef(true);
  const autoScrollTopRef = useRef(0);
  useEffect(() => {
    const log = logRef.current;
    if (!log || !isFollowingRef.current) return;
    log.scrollTop = log.scrollHeight;
    autoScrollTopRef.current = log.scrollTop;
  }, [chat.messages, chat.isWaiting, chat.notice, isOpen]);

  const isTooLong = draft.trim().length > MESSAGE_MAX_CHARACTERS;
  const canSend = draft.trim() !== '' && !isTooLong && !chat.isBusy && secondsLeft === 0;
  const submit = () => {
    if (!canSend) return;
    isFollowingRef.current = true;
    chat.send(draft.trim());
    setDraft('');
    if (inputRef.current) inputRef.current.style.height = '';
  };
  const resizeInput = (input: HTMLTextAreaElement) => {
    input.style.height = 'auto';
    input.style.height = Math.min(input.scrollHeight + 2, MAX_INPUT_HEIGHT) + 'px';
  };
  const reloadConfig = () => {
    void fetchWidgetConfig(options.origin, options.publicId).then((state) => {
      if (state.status === 'ready') adoptStyles(options.root, accentCss(state.config.color));
      setConfigState(state);
    });
  };
  const position = config?.position === 'left' ? ' left' : '';
  const theme = config && config.theme !== 'light' ? ` theme-${config.theme}` : '';
  const sendStarter = (question: string) => {
    if (chat.isBusy || secondsLeft > 0) return;
    isFollowingRef.current = true;
    chat.send(question);
  };

  let body: JSX.Element;
  if (!config) {
    const isUnavailable = configState.status !== 'failed';
    body = (
      <div class="state" role="status">
        <p>{isUnavailable ? strings.unavailable : strings.loadFailed}</p>
        {!isUnavailable && (
          <div class="notice">
            <button type="button" onClick={reloadConfig}>
              {strings.retry}
            </button>
          </div>
        )}
      </div>
    );
  } else {
    body = (
      <>
        <div
          class="log"
          ref={logRef}
          role="log"
          aria-live="polite"
          aria-label={strings.conversationLog}
          aria-busy={chat.isBusy ? 'true' : 'false'}
          tabIndex={0}
          onScroll={(event) => {
            const log = event.currentTarget;
            const isNearBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 24;
            isFollowingRef.current = isNearBottom || log.scrollTop >= autoScrollTopRef.current - 1;
          }}
        >
          {config.greeting && <div class="message assistant">{renderSafeMarkdown(config.greeting)}</div>}
          {chat.messages.map((message) => (
            <div key={message.key} class={`message ${message.role}`}>
              <span class="visually-hidden">
                {message.role === 'user' ? strings.you : strings.assistant}:{' '}
              </span>
              {message.role === 'user' ? message.content : renderSafeMarkdown(message.content)}
              {message.id && !message.isStreaming && (
                <div class="rating">
                  <button
                    type="button"
                    aria-label={strings.helpful}
                    aria-pressed={message.rating === 'up' ? 'true' : 'false'}
                    onClick={() => chat.rate(message.key, 'up')}
                  >
                    <Icon path={ICON_THUMB_UP} />
                  </button>
                  <button
                    type="button"
                    aria-label={strings.notHelpful}
                    aria-pressed={message.rating === 'down' ? 'true' : 'false'}
                    onClick={() => chat.rate(message.key, 'down')}
                  >
                    <Icon path={ICON_THUMB_DOWN} />
                  </button>
                </div>
              )}
            </div>
          ))}
          {chat.messages.length === 0 && !chat.isLoadingHistory && config.starterQuestions.length > 0 && (
            <div class="starters" role="group" aria-label={strings.starterQuestions}>
              {config.starterQuestions.map((question) => (
                <button type="button" key={question} onClick={() => sendStarter(question)}>
                  {question}
                </button>
              ))}
            </div>
          )}
          {chat.isLoadingHistory && <p class="visually-hidden">{strings.loadingHistory}</p>}
          {chat.isWaiting && (
            <div class="message assistant typing" role="status">
              <span class="visually-hidden">{strings.typing}</span>
              <i />
              <i />
              <i />
            </div>
          )}
          {chat.notice && (
            <Notice notice={chat.notice} secondsLeft={secondsLeft} onRetry={chat.retry} strings={strings} />
          )}
        </div>
        <form
          class="composer"
          onSubmit={(event) => {
            event.preventDefault();
            submit();
          }}
        >
          <label class="visually-hidden" for="bestai-message">
            {strings.messageLabel}
          </label>
          <textarea
            id="bestai-message"
            ref={inputRef}
            rows={1}
            placeholder={strings.messagePlaceholder}
            aria-invalid={isTooLong ? 'true' : undefined}
            aria-describedby={draft.length >= COUNTER_FROM ? 'bestai-counter' : undefined}
            value={draft}
            onInput={(event) => {
              setDraft(event.currentTarget.value);
              resizeInput(event.currentTarget);
            }}
            onKeyDown={(event) => {
              if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
                event.preventDefault();
                submit();
              }
            }}
          />
          <button class="send" type="submit" aria-label={strings.send} disabled={!canSend}>
            <Icon path={ICON_SEND} />
          </button>
        </form>
        {draft.length >= COUNTER_FROM && (
          <p id="bestai-counter" class={'counter' + (isTooLong ? ' over' : '')} aria-live="polite">
            {isTooLong ? strings.tooLong(MESSAGE_MAX_CHARACTERS) + ' ' : ''}
            {strings.characterCount(draft.trim().length, MESSAGE_MAX_CHARACTERS)}
          </p>
        )}
        <p class="footer">{strings.poweredBy}</p>
      </>
    );
  }

  return (
    <div
      class={'panel' + position + theme}
      ref={panelRef}
      id="bestai-panel"
      role="dialog"
      aria-label={title}
      tabIndex={-1}
      hidden={!isOpen}
      onKeyDown={(event) => {
        if (event.key === 'Escape') onClose();
      }}
    >
      <div class="header">
        <h2 class="title">{title}</h2>
        {config && (
          <button
            type="button"
            class="header-button"
            onClick={() => {
              chat.startNewConversation();
              setDraft('');
              inputRef.current?.focus();
            }}
          >
            <Icon path={ICON_PLUS} />
            {strings.newConversation}
          </button>
        )}
        <button
          type="button"
          class="header-button close-button"
          aria-label={strings.closeChat}
          onClick={onClose}
        >
          <Icon path={ICON_CLOSE} />
        </button>
      </div>
      {body}
    </div>
  );
}

/** Mounts the panel (closed) into the loader's shadow root and returns its open/close handle. */
export function mountChatUi(options: ChatUiMountOptions): ChatUiHandle {
  adoptStyles(options.root, panelCss);
  const container = document.createElement('div');
  options.root.appendChild(container);
  options.launcher.setAttribute('aria-controls', 'bestai-panel');
  let isOpen = false;
  const handle: ChatUiHandle = {
    isOpen: () => isOpen,
    setOpen(next) {
      isOpen = next;
      options.onOpenChange(next);
      draw();
    },
  };
  const close = () => {
    handle.setOpen(false);
    options.launcher.focus();
  };
  const draw = () => render(<ChatPanel options={options} isOpen={isOpen} onClose={close} />, container);
  draw();
  return handle;
}

const namespace = (window.BestAI ||= { version: '1' });
namespace.mountChatUi = mountChatUi;
