/** The one script tag a business pastes into its site (contract: "Widget"). */

/** Escapes text for HTML text and double-quoted attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** `<script src="{PUBLIC_URL}/widget.js" data-chatbot="{publicId}" async></script>` */
export function buildEmbedSnippet(publicUrl: string, publicId: string): string {
  const origin = publicUrl.replace(/\/+$/, '');
  return `<script src="${escapeHtml(origin)}/widget.js" data-chatbot="${escapeHtml(publicId)}" async></script>`;
}
