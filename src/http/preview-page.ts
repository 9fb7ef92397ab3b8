/**
 * The HTML of `/preview/:publicId`: a page that embeds the chatbot's widget exactly as a customer's site
 * would, so its owner can try it, in the admin's look (`/preview.css`, built with the admin). Every value
 * is escaped; the page has no inline script or style, so it works under the same strict
 * Content-Security-Policy as the widget.
 */
import { buildEmbedSnippet, escapeHtml } from '../chat/embed-snippet.js';

export interface PreviewPageInput {
  /** The BestAI origin (PUBLIC_URL), e.g. `https://app.bestai.example`. */
  publicUrl: string;
  publicId: string;
  chatbotName: string;
  /** Shown above everything when nothing can answer this chatbot's visitors yet. */
  noAnswerNotice?: string;
}

/** Renders the preview page for one chatbot. */
export function renderPreviewPage({
  publicUrl,
  publicId,
  chatbotName,
  noAnswerNotice,
}: PreviewPageInput): string {
  const name = escapeHtml(chatbotName);
  const snippet = buildEmbedSnippet(publicUrl, publicId);
  const notice = noAnswerNotice
    ? `<p class="preview-notice" role="status">${escapeHtml(noAnswerNotice)}</p>\n`
    : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<link rel="icon" href="data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 32 32'%3E%3Crect width='32' height='32' rx='8' fill='%235b5bd6'/%3E%3C/svg%3E">
<link rel="stylesheet" href="/preview.css">
<title>Preview: ${name} · BestAI</title>
</head>
<body>
<header class="preview-bar"><span class="preview-bar__logo" aria-hidden="true"></span>BestAI <span class="preview-bar__label">· chatbot preview</span></header>
<main class="preview">
${notice}<h1>Preview: ${name}</h1>
<p>This page shows the chat widget as visitors see it on your site. Open it with the button in the corner.</p>
<section class="preview-card">
<h2>Embed it on your site</h2>
<p>Paste this snippet before the closing <code>&lt;/body&gt;</code> tag of your pages:</p>
<pre><code>${escapeHtml(snippet)}</code></pre>
</section>
</main>
${snippet}
</body>
</html>
`;
}
