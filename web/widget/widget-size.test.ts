/** The size budgets (CI): widget.js ≤ 5 KB gzipped, chat-ui.js ≤ 25 KB gzipped, framework included. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { budgets, buildWidget } from './build.mjs';

describe('widget bundles', () => {
  test('stay within their gzip budgets', async () => {
    const { files } = await buildWidget({ write: false });
    expect(files.loader.gzip).toBeLessThanOrEqual(budgets.loader);
    expect(files.chatUi.gzip).toBeLessThanOrEqual(budgets.chatUi);
    expect(budgets).toEqual({ loader: 5 * 1024, chatUi: 25 * 1024 });
  }, 60_000);

  test('contain no eval, no Function constructor and no cookies', async () => {
    const { files } = await buildWidget({ write: false });
    for (const file of [files.loader, files.chatUi]) {
      expect(file.code).not.toMatch(/\beval\(|new Function|document\.cookie/);
    }
  }, 60_000);

  test('our sources have no raw-HTML path', () => {
    const directory = import.meta.dirname;
    const sources = readdirSync(directory).filter(
      (name) => /\.tsx?$/.test(name) && !name.endsWith('.test.ts'),
    );
    expect(sources.length).toBeGreaterThan(5);
    for (const name of sources) {
      const code = readFileSync(join(directory, name), 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
      expect(code, name).not.toMatch(
        /innerHTML|outerHTML|insertAdjacentHTML|dangerouslySetInnerHTML|DOMParser|document\.write/,
      );
    }
  });
});
