/**
 * Widget bench: bundle sizes (raw, gzip, brotli) of widget.js and chat-ui.js, and in Chromium the
 * time from the script tag to the launcher drawn and from a click on the launcher to the chat UI
 * ready (performance marks `bestai:launcher-drawn`, `bestai:open-requested`, `bestai:ui-ready`
 * set by the widget). Runs against the real BestAI app on localhost (fake LLM providers), so network time is ~0.
 *
 *   npx tsx bench/widget-bench.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildWidget } from '../web/widget/build.mjs';
import { launchChromium, widgetControls } from '../web/widget/test-support/browser.js';
import { startWidgetBackend } from '../web/widget/test-support/real-widget-backend.js';

const RUNS = 7;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const value = sorted.length % 2 ? sorted[middle] : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
  return Math.round((value ?? 0) * 10) / 10;
}

/** Builds the widget, measures its bundles and times it in Chromium; values in bytes and ms. */
export async function runWidgetBench(): Promise<Record<string, number>> {
  const widgetDir = mkdtempSync(join(tmpdir(), 'bestai-widget-bench-'));
  const { files } = await buildWidget({ outdir: widgetDir });
  const results: Record<string, number> = {
    loaderRawBytes: files.loader.raw,
    loaderGzipBytes: files.loader.gzip,
    loaderBrotliBytes: files.loader.brotli,
    chatUiRawBytes: files.chatUi.raw,
    chatUiGzipBytes: files.chatUi.gzip,
    chatUiBrotliBytes: files.chatUi.brotli,
  };

  const backend = await startWidgetBackend();
  const browser = await launchChromium();
  const scriptToLauncher: number[] = [];
  const navigationToLauncher: number[] = [];
  const clickToUiReady: number[] = [];
  try {
    for (let run = 0; run < RUNS; run++) {
      const context = await browser.newContext();
      const page = await context.newPage();
      const controls = widgetControls(page);
      await page.goto(backend.hostPageUrl());
      await controls.openButton.waitFor();
      await controls.openButton.click();
      await controls.message.waitFor();
      await page.waitForFunction(() => performance.getEntriesByName('bestai:ui-ready').length > 0);
      // Plain expressions only: tsx would wrap a named helper in `__name`, which the page lacks.
      const [launcherDrawn, openRequested, uiReady, scriptStart] = await page.evaluate(() =>
        ['bestai:launcher-drawn', 'bestai:open-requested', 'bestai:ui-ready', '/widget.js'].map(
          (name) =>
            (name.startsWith('/')
              ? performance.getEntriesByType('resource').find((entry) => entry.name.endsWith(name))
              : performance.getEntriesByName(name)[0]
            )?.startTime ?? NaN,
        ),
      );
      const timing = {
        launcherDrawn: launcherDrawn ?? NaN,
        openRequested: openRequested ?? NaN,
        uiReady: uiReady ?? NaN,
        scriptStart: scriptStart ?? NaN,
      };
      scriptToLauncher.push(timing.launcherDrawn - timing.scriptStart);
      navigationToLauncher.push(timing.launcherDrawn);
      clickToUiReady.push(timing.uiReady - timing.openRequested);
      await context.close();
    }
  } finally {
    await browser.close();
    await backend.close();
    rmSync(widgetDir, { recursive: true, force: true });
  }
  results.scriptTagToLauncherDrawnMs = median(scriptToLauncher);
  results.navigationToLauncherDrawnMs = median(navigationToLauncher);
  results.clickToUiReadyMs = median(clickToUiReady);
  return results;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const results = await runWidgetBench();
  console.log(JSON.stringify(results, null, 2));
}
