/** The BestAI server process: `npm start` runs the built copy of this file. */
import { BootError } from './boot/boot-error.js';
import { describeBootFailure } from './boot/boot-failure.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { DataDirLockedError } from './db/data-dir-lock.js';
import { noPlatformKeyNotice } from './llm/platform-key-notice.js';
import { startServer } from './server.js';

let config: Readonly<Config> | undefined;

async function main(): Promise<void> {
  const startedAt = performance.now();
  config = loadConfig();
  const server = await startServer(config, {
    onProgress: (step) => process.stdout.write(`${step}\n`),
  });
  const elapsed = Math.round(performance.now() - startedAt);
  // Listen for signals before saying we run: a supervisor may send SIGTERM as soon as it reads the line.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      server.app.log.info({ signal }, 'Shutting down');
      server.stop().then(
        () => process.exit(0),
        (error: unknown) => {
          server.app.log.error({ err: error }, 'Shutdown failed');
          process.exit(1);
        },
      );
    });
  }
  const databaseLabel =
    server.database.kind === 'pglite' ? `embedded database in ${config.BESTAI_DATA_DIR}` : 'PostgreSQL';
  // Without PUBLIC_URL, print where the server really listens (PORT=0 picks a free port).
  const url = config.PUBLIC_URL ? config.publicUrl : server.url;
  process.stdout.write(
    `\nBestAI is running at ${url} (${databaseLabel}, ready in ${elapsed} ms).\n` +
      `Next step: open ${url}/ and sign up — the first account owns its workspace.\n` +
      (config.PLATFORM_ANTHROPIC_API_KEY ? '' : `${noPlatformKeyNotice}\n`) +
      '\n',
  );
}

main().catch((error: unknown) => {
  // One sentence for the operator, whatever failed: the known refusals say it themselves.
  const sentence =
    error instanceof ConfigError || error instanceof BootError || error instanceof DataDirLockedError
      ? error.message
      : describeBootFailure(error, config);
  process.stderr.write(`BestAI did not start: ${sentence}\n`);
  process.exit(1);
});
