// Builds the embeddable widget with esbuild: widget.js (the loader) and widget/chat-ui.js (the
// Preact chat UI), minified for ES2019-era browsers, and prints raw, gzip and brotli sizes.
// Usage: node web/widget/build.mjs            → dist/public/widget/
//        buildWidget({ outdir, write })       → from code (tests, bench)
import { build } from 'esbuild';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const widgetDir = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(widgetDir, '../..');

/** Where `npm run build:web` puts the widget; the server serves it at /widget.js and /widget/*. */
export const defaultOutdir = join(repoRoot, 'dist/public/widget');

/** Size budgets in bytes, gzipped. */
export const budgets = { loader: 5 * 1024, chatUi: 25 * 1024 };

const entries = { loader: 'loader.ts', chatUi: 'chat-ui.tsx' };
const outputNames = { loader: 'widget.js', chatUi: 'chat-ui.js' };

/** Raw, gzip (level 9) and brotli (quality 11) sizes of some code. */
export function measure(code) {
  const bytes = Buffer.from(code);
  return {
    raw: bytes.length,
    gzip: gzipSync(bytes, { level: 9 }).length,
    brotli: brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
}

async function bundle(entry) {
  const result = await build({
    entryPoints: [join(widgetDir, entry)],
    bundle: true,
    write: false,
    minify: true,
    format: 'iife',
    target: ['es2019', 'chrome84', 'firefox80', 'safari14.1'],
    platform: 'browser',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    tsconfig: join(widgetDir, 'tsconfig.json'),
    legalComments: 'none',
    charset: 'utf8',
    logLevel: 'warning',
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  const file = result.outputFiles[0];
  if (!file) throw new Error(`esbuild produced no output for ${entry}`);
  return file.text;
}

/**
 * Builds both bundles. With `write` (default true) writes them to `outdir`.
 * @returns {Promise<{ outdir: string, files: Record<'loader'|'chatUi', { path: string, code: string, raw: number, gzip: number, brotli: number }> }>}
 */
export async function buildWidget({ outdir = defaultOutdir, write = true } = {}) {
  const files = {};
  for (const [name, entry] of Object.entries(entries)) {
    const code = await bundle(entry);
    const path = join(outdir, outputNames[name]);
    if (write) {
      mkdirSync(outdir, { recursive: true });
      writeFileSync(path, code);
    }
    files[name] = { path, code, ...measure(code) };
  }
  return { outdir, files };
}

/** One line per bundle: name, raw, gzip, brotli, and the gzip budget. */
export function formatSizes(files) {
  const kb = (bytes) => (bytes / 1024).toFixed(2) + ' KB';
  return Object.entries(files)
    .map(
      ([name, file]) =>
        `${outputNames[name].padEnd(11)} raw ${kb(file.raw).padStart(9)}  gzip ${kb(file.gzip).padStart(8)}` +
        `  brotli ${kb(file.brotli).padStart(8)}  (budget ${kb(budgets[name])} gzip)`,
    )
    .join('\n');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { outdir, files } = await buildWidget();
  console.log(`widget → ${outdir}\n${formatSizes(files)}`);
  const over = Object.keys(files).filter((name) => files[name].gzip > budgets[name]);
  if (over.length) {
    console.error(`over the size budget: ${over.map((name) => outputNames[name]).join(', ')}`);
    process.exit(1);
  }
}
