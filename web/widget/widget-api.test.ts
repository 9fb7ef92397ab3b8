import { describe, expect, test } from 'vitest';
import { buildWidgetUrl, normalizeConfig, parseRetryAfter } from './widget-api.js';
import { accentCss } from './widget-styles.js';

describe('widget api helpers', () => {
  test('config values are checked before they reach a stylesheet', () => {
    expect(
      normalizeConfig({ title: 'Hi', greeting: 'Hello', color: '#0a7', position: 'left' }),
    ).toMatchObject({
      title: 'Hi',
      greeting: 'Hello',
      color: '#0a7',
      position: 'left',
    });
    const hostile = normalizeConfig({ color: 'red;}:host{display:none', position: 'top', title: 3 });
    expect(hostile).toEqual({
      title: '',
      greeting: '',
      color: '#4f46e5',
      position: 'right',
      theme: 'light',
      language: 'en',
      starterQuestions: [],
    });
    expect(
      normalizeConfig({ theme: 'dark', language: 'de', starterQuestions: ['a', 2, 'b', 'c', 'd', 'e'] }),
    ).toMatchObject({ theme: 'dark', language: 'de', starterQuestions: ['a', 'b', 'c', 'd'] });
    expect(normalizeConfig(null).color).toBe('#4f46e5');
  });

  test('Retry-After in seconds or as a date', () => {
    expect(parseRetryAfter('7')).toBe(7);
    expect(parseRetryAfter('0')).toBe(1);
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
    const now = Date.parse('2030-01-01T00:00:00Z');
    expect(parseRetryAfter('Tue, 01 Jan 2030 00:00:30 GMT', now)).toBe(30);
  });

  test('the public id is escaped in API URLs', () => {
    expect(buildWidgetUrl('https://a.example', 'x/../y', '/config')).toBe(
      'https://a.example/api/widget/x%2F..%2Fy/config',
    );
  });

  test('text on the accent colour keeps contrast', () => {
    expect(accentCss('#4f46e5')).toContain('--on-accent:#fff');
    expect(accentCss('#fde047')).toContain('--on-accent:#111827');
    expect(accentCss('#fff')).toContain('--on-accent:#111827');
  });
});
