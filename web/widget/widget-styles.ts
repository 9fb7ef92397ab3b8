/**
 * The widget's CSS, applied through constructable stylesheets (`adoptedStyleSheets`) inside the
 * shadow root, so a host page's Content-Security-Policy needs no `style-src` entry for it and the
 * host page's CSS cannot reach in. `:host` resets everything the page might set on our element.
 */

/** Styles the loader needs for the launcher button. Kept small: it ships in widget.js. */
export const launcherCss = `
:host{all:initial!important}
[hidden]{display:none!important}
.launcher{position:fixed;bottom:20px;right:20px;z-index:2147483000;box-sizing:border-box;display:flex;align-items:center;justify-content:center;width:56px;height:56px;margin:0;padding:0;border:0;border-radius:50%;background:var(--accent);color:var(--on-accent);box-shadow:0 6px 20px rgba(15,23,42,.28);cursor:pointer;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;transition:transform .15s ease,box-shadow .15s ease;-webkit-tap-highlight-color:transparent}
.launcher.left{right:auto;left:20px}
.launcher:hover{transform:scale(1.06);box-shadow:0 8px 26px rgba(15,23,42,.32)}
.launcher:focus-visible{outline:3px solid var(--accent);outline-offset:3px}
.launcher svg{width:26px;height:26px;fill:none;stroke:currentColor;stroke-width:2;stroke-linecap:round;stroke-linejoin:round;pointer-events:none}
.launcher .icon-close,.launcher[aria-expanded=true] .icon-open{display:none}
.launcher[aria-expanded=true] .icon-close{display:block}
@media (prefers-reduced-motion:reduce){.launcher{transition:none}}
`;

/** The dark colours, for a panel matched by `scope` (the dark theme, or the automatic one at night). */
const darkCss = (scope: string) =>
  `${scope}{background:#17181c;color:#e7e9ec;color-scheme:dark}
${scope} .log{background:#0f1013}
${scope} .message.assistant{background:#202228;color:#e7e9ec;border-color:#2e3138}
${scope} .composer,${scope} .footer,${scope} .counter{background:#17181c;border-color:#2e3138}
${scope} .composer textarea{background:#0f1013;color:#e7e9ec;border-color:#3a3e46}
${scope} .composer textarea::placeholder,${scope} .footer,${scope} .counter{color:#9aa1ab}
${scope} .state{color:#c4c8ce}
${scope} .starters button{background:#202228;color:#e7e9ec;border-color:#3a3e46}
${scope} .notice{background:#3a1512;border-color:#6b2620;color:#ffd9d4}`;

/** Styles of the chat panel; shipped in chat-ui.js (pure, so the loader's bundle drops it). */
export const panelCss = /* @__PURE__ */ (() => `
.panel{position:fixed;bottom:88px;right:20px;z-index:2147483000;box-sizing:border-box;display:flex;flex-direction:column;width:380px;max-width:calc(100vw - 40px);height:600px;max-height:calc(100vh - 112px);overflow:hidden;background:#fff;color:#1f2328;border-radius:18px;box-shadow:0 16px 48px rgba(15,23,42,.22),0 2px 8px rgba(15,23,42,.08);font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;text-align:left;-webkit-font-smoothing:antialiased;animation:bestai-in .18s ease-out}
.panel.left{right:auto;left:20px}
.panel *,.panel *::before,.panel *::after{box-sizing:border-box}
@keyframes bestai-in{from{opacity:0;transform:translateY(8px)}to{opacity:1;transform:none}}
.header{display:flex;align-items:center;gap:8px;padding:14px 12px 14px 18px;background:var(--accent);color:var(--on-accent)}
.title{flex:1;min-width:0;margin:0;font-size:16px;font-weight:600;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.header-button{display:inline-flex;align-items:center;gap:6px;margin:0;padding:6px 10px;border:1px solid rgba(127,127,127,.45);border-radius:999px;background:transparent;color:inherit;font:inherit;font-size:13px;font-weight:500;cursor:pointer}
.header-button:hover{background:rgba(127,127,127,.2)}
.header-button:focus-visible,.notice button:focus-visible{outline:2px solid currentColor;outline-offset:2px}
.header-button svg,.send svg{width:18px;height:18px;fill:none;stroke:currentColor;stroke-width:2;stroke-linecap:round;stroke-linejoin:round}
.close-button{display:none;padding:6px}
.log{flex:1;display:flex;flex-direction:column;gap:10px;overflow-y:auto;overscroll-behavior:contain;padding:18px 16px;background:#f6f7f9}
.message{max-width:85%;padding:10px 14px;border-radius:18px;overflow-wrap:anywhere;word-break:break-word}
.message.user{align-self:flex-end;white-space:pre-wrap;background:var(--accent);color:var(--on-accent);border-bottom-right-radius:6px}
.message.assistant{align-self:flex-start;background:#fff;color:#1f2328;border:1px solid #e3e6ea;border-bottom-left-radius:6px}
.message p{margin:0}
.message p+p,.message ul,.message ol,.message pre{margin:8px 0 0}
.message>:first-child{margin-top:0}
.message ul,.message ol{padding-left:22px}
.message a{color:inherit;text-decoration:underline;text-underline-offset:2px}
.message code{padding:1px 5px;border-radius:5px;background:rgba(127,127,127,.15);font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.88em}
.message pre{overflow-x:auto;padding:10px 12px;border-radius:10px;background:#0f172a;color:#e2e8f0;white-space:pre}
.message pre code{padding:0;background:none;color:inherit}
.message .table{max-width:100%;margin:8px 0 0;overflow-x:auto}
.message table{border-collapse:collapse;font-size:14px}
.message th,.message td{padding:4px 10px;border:1px solid rgba(127,127,127,.35);text-align:left;vertical-align:top}
.message th{font-weight:600;background:rgba(127,127,127,.1)}
.message .align-center{text-align:center}
.message .align-right{text-align:right}
.typing{display:inline-flex;gap:5px;align-items:center;padding:14px 16px}
.typing i{width:7px;height:7px;border-radius:50%;background:#9aa1ab;animation:bestai-dot 1.2s infinite ease-in-out}
.typing i:nth-child(2){animation-delay:.15s}
.typing i:nth-child(3){animation-delay:.3s}
@keyframes bestai-dot{0%,80%,100%{opacity:.35;transform:translateY(0)}40%{opacity:1;transform:translateY(-3px)}}
.notice{display:flex;align-items:center;justify-content:space-between;gap:10px;padding:10px 12px;border:1px solid #f5c2c0;border-radius:12px;background:#fdf0ef;color:#8a1c14;font-size:14px}
.notice button{flex:none;margin:0;padding:6px 14px;border:0;border-radius:8px;background:#8a1c14;color:#fff;font:inherit;font-weight:600;cursor:pointer}
.notice button:disabled{opacity:.5;cursor:not-allowed}
.composer{display:flex;align-items:flex-end;gap:8px;padding:12px 12px 8px;border-top:1px solid #e3e6ea;background:#fff}
.composer textarea{flex:1;min-height:44px;max-height:120px;margin:0;padding:11px 14px;resize:none;border:1px solid #cfd4da;border-radius:14px;background:#fff;color:#1f2328;font:inherit;line-height:1.4;outline:none}
.composer textarea::placeholder{color:#6b7280}
.composer textarea:focus{border-color:var(--accent);box-shadow:0 0 0 1px var(--accent)}
.send{display:flex;flex:none;align-items:center;justify-content:center;width:44px;height:44px;margin:0;padding:0;border:0;border-radius:14px;background:var(--accent);color:var(--on-accent);cursor:pointer}
.send:disabled{opacity:.4;cursor:default}
.send:focus-visible{outline:2px solid var(--accent);outline-offset:2px}
.counter{margin:0;padding:0 16px 6px;background:#fff;color:#6b7280;font-size:12px;text-align:right}
.counter.over{color:#b42318;font-weight:600}
.footer{margin:0;padding:0 0 8px;background:#fff;color:#6b7280;font-size:11px;text-align:center}
.state{flex:1;display:flex;flex-direction:column;align-items:center;justify-content:center;gap:12px;padding:24px;color:#4b5563;text-align:center}
.visually-hidden{position:absolute!important;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}
@media (max-width:480px),(pointer:coarse){.composer textarea{font-size:16px}}
@media (max-width:480px){.panel,.panel.left{inset:0;width:100%;max-width:none;height:100%;max-height:none;border-radius:0}.close-button{display:inline-flex}.launcher[aria-expanded=true]{display:none}}
@media (prefers-reduced-motion:reduce){.panel,.typing i{animation:none}}
.starters{display:flex;flex-direction:column;align-items:flex-start;gap:8px}
.starters button{max-width:85%;margin:0;padding:8px 14px;border:1px solid #cfd4da;border-radius:14px;background:#fff;color:#1f2328;font:inherit;font-size:14px;text-align:left;cursor:pointer}
.starters button:hover{border-color:var(--accent)}
.starters button:focus-visible,.rating button:focus-visible{outline:2px solid var(--accent);outline-offset:2px}
.rating{display:flex;gap:4px;margin:6px 0 0}
.rating button{display:inline-flex;margin:0;padding:3px;border:0;border-radius:6px;background:transparent;color:inherit;opacity:.55;cursor:pointer}
.rating button:hover,.rating button[aria-pressed=true]{opacity:1}
.rating button[aria-pressed=true]{color:var(--accent)}
.rating svg{width:15px;height:15px;fill:none;stroke:currentColor;stroke-width:2;stroke-linecap:round;stroke-linejoin:round}
${darkCss('.panel.theme-dark')}
@media (prefers-color-scheme:dark){${darkCss('.panel.theme-auto')}}
`)();

function channel(value: number): number {
  const srgb = value / 255;
  return srgb <= 0.03928 ? srgb / 12.92 : Math.pow((srgb + 0.055) / 1.055, 2.4);
}

/** Relative luminance (WCAG 2) of a `#rgb` or `#rrggbb` colour. */
function luminance(hex: string): number {
  const digits = hex.length === 4 ? hex.replace(/[0-9a-f]/gi, '$&$&').slice(1) : hex.slice(1);
  const number = parseInt(digits, 16);
  return (
    0.2126 * channel(number >> 16) + 0.7152 * channel((number >> 8) & 255) + 0.0722 * channel(number & 255)
  );
}

/** The accent colour variables: text on the accent is white or near-black, whichever contrasts more. */
export function accentCss(color: string): string {
  const accent = luminance(color);
  const contrastWithWhite = 1.05 / (accent + 0.05);
  const contrastWithDark = (accent + 0.05) / (luminance('#111827') + 0.05);
  const onAccent = contrastWithWhite >= contrastWithDark ? '#fff' : '#111827';
  return `:host{--accent:${color};--on-accent:${onAccent}}`;
}

/**
 * Adds CSS to a shadow root as a constructable stylesheet, which a Content-Security-Policy does
 * not block. Browsers without constructable stylesheets get a `<style>` element instead (which
 * needs `style-src 'unsafe-inline'` there).
 */
export function adoptStyles(root: ShadowRoot, css: string): void {
  try {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
  } catch {
    const style = document.createElement('style');
    style.textContent = css;
    root.appendChild(style);
  }
}
