/**
 * `npm run demo`: the whole product on this machine with no account anywhere — BestAI on a throw-away
 * embedded database, the fake providers of test/fakes answering in the real wire formats with labelled
 * demo text, a demo workspace with a key and a chatbot, a few chats already in Conversations and Usage,
 * and a demo shop page (on its own origin, as a customer's site) with the widget. Ctrl+C stops it and
 * deletes the demo data.
 *
 * Environment: `PORT` (BestAI, default 3000) and `DEMO_SITE_PORT` (the shop page, default 3001); 0 picks
 * free ports.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureBuilt } from './lib/ensure-built.mjs';

await ensureBuilt();
// Imported after the build check so a fresh clone prints its build progress first.
const { startDemo } = await import('./demo/demo-run.js');

const dataDir = mkdtempSync(path.join(tmpdir(), 'bestai-demo-'));
const demo = await startDemo({
  dataDir,
  port: Number(process.env.PORT ?? 3000),
  sitePort: Number(process.env.DEMO_SITE_PORT ?? 3001),
}).catch((error: unknown) => {
  rmSync(dataDir, { recursive: true, force: true });
  process.stderr.write(`The BestAI demo did not start: ${(error as Error).message}\n`);
  process.exit(1);
});

process.stdout.write(
  `\nThe BestAI demo is running. Its answers come from a built-in demo provider, not a real model.\n` +
    `  Admin console:  ${demo.adminUrl}\n` +
    `  Sign in:        ${demo.email} / ${demo.password}\n` +
    `  Demo shop page: ${demo.siteUrl}  (a customer's site with the chat widget)\n` +
    `  Preview:        ${demo.previewUrl}\n` +
    `Press Ctrl+C to stop; the demo data is deleted.\n\n`,
);

let isStopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    if (isStopping) return;
    isStopping = true;
    void demo
      .stop()
      .finally(() => rmSync(dataDir, { recursive: true, force: true }))
      .then(
        () => process.exit(0),
        () => process.exit(1),
      );
  });
}
