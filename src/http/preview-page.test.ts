import { describe, expect, test } from 'vitest';
import { buildEmbedSnippet } from '../chat/embed-snippet.js';
import { renderPreviewPage } from './preview-page.js';

describe('preview page', () => {
  test('embeds the widget with the contract snippet', () => {
    const page = renderPreviewPage({
      publicUrl: 'https://app.example/',
      publicId: 'pub_1',
      chatbotName: 'Support',
    });
    expect(page).toContain(
      '<script src="https://app.example/widget.js" data-chatbot="pub_1" async></script>',
    );
    expect(page).toContain('<title>Preview: Support · BestAI</title>');
    expect(page).not.toMatch(/<style|style=/);
  });

  test('links the admin stylesheet and says when nothing can answer', () => {
    const input = { publicUrl: 'https://app.example', publicId: 'pub_1', chatbotName: 'Support' };
    expect(renderPreviewPage(input)).toContain('<link rel="stylesheet" href="/preview.css">');
    expect(renderPreviewPage(input)).not.toContain('preview-notice');
    const page = renderPreviewPage({ ...input, noAnswerNotice: 'Add your own key <now>' });
    expect(page).toContain('<p class="preview-notice" role="status">Add your own key &lt;now&gt;</p>');
  });

  test('escapes every value', () => {
    const page = renderPreviewPage({
      publicUrl: 'https://app.example"><script>alert(1)</script>',
      publicId: '"><img src=x onerror=alert(2)>',
      chatbotName: '<script>alert(3)</script>',
    });
    expect(page.match(/<script/g)).toHaveLength(1);
    expect(page).not.toContain('<img');
    expect(page).toContain('Preview: &lt;script&gt;alert(3)&lt;/script&gt;');
  });

  test('the snippet trims a trailing slash', () => {
    expect(buildEmbedSnippet('http://127.0.0.1:3000/', 'abc')).toBe(
      '<script src="http://127.0.0.1:3000/widget.js" data-chatbot="abc" async></script>',
    );
  });
});
