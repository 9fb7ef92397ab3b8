import { describe, expect, test } from 'vitest';
import { strings } from './strings.js';

describe('widget strings', () => {
  test('the contract words are exact', () => {
    expect(strings.openChat).toBe('Open chat');
    expect(strings.closeChat).toBe('Close chat');
    expect(strings.messageLabel).toBe('Message');
    expect(strings.send).toBe('Send');
    expect(strings.newConversation).toBe('New conversation');
    expect(strings.unavailable).toBe('This chat is not available here.');
  });

  test('every entry is non-empty plain text', () => {
    for (const [name, value] of Object.entries(strings)) {
      const text = typeof value === 'function' ? value(3, 8000) : value;
      expect(text.trim(), name).not.toBe('');
      expect(text, name).not.toMatch(/[<>]/);
    }
  });

  test('the rate-limit sentence names the seconds', () => {
    expect(strings.rateLimited(12)).toContain('Try again in 12 s.');
  });
});
