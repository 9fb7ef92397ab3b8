/**
 * The `bestai` command.
 *   bestai serve           start the server (what `npm start` does)
 *   bestai migrate         apply database migrations and exit
 *   bestai rotate-secret   re-wrap every stored key under the current BESTAI_SECRET
 *   bestai generate-secret print a new value for BESTAI_SECRET
 */
import { loadKeyring } from '../boot/application-secret.js';
import { BootError } from '../boot/boot-error.js';
import { ConfigError, loadConfig } from '../config.js';
import { databaseTargetOf, openDatabase } from '../db/connect.js';
import { DataDirLockedError } from '../db/data-dir-lock.js';
import { rotateSecret } from '../llm/keys/rotate-secret.js';
import { generateSecret, VaultError } from '../vault/index.js';

const usage = `Usage: bestai <serve | migrate | rotate-secret | generate-secret>`;

async function run(command: string | undefined): Promise<void> {
  switch (command) {
    case 'serve':
      await import('../main.js');
      return;
    case 'generate-secret':
      process.stdout.write(`${generateSecret()}\n`);
      return;
    case 'migrate': {
      const database = await openDatabase(databaseTargetOf(loadConfig()));
      await database.close();
      process.stdout.write('Migrations applied.\n');
      return;
    }
    case 'rotate-secret': {
      const config = loadConfig();
      const { keyring } = loadKeyring(config);
      const database = await openDatabase(databaseTargetOf(config));
      try {
        const result = await rotateSecret(database.db, keyring, {
          onBatch: ({ rewrapped, remaining }) =>
            process.stdout.write(`Re-wrapped ${rewrapped}; ${remaining} to go.\n`),
        });
        process.stdout.write(
          `Done: ${result.rewrapped} key(s) re-wrapped under the current BESTAI_SECRET. ` +
            'You may now remove the old secret from BESTAI_PREVIOUS_SECRETS.\n',
        );
      } finally {
        await database.close();
      }
      return;
    }
    default:
      process.stderr.write(`${usage}\n`);
      process.exitCode = 2;
  }
}

run(process.argv[2]).catch((error: unknown) => {
  const isKnown =
    error instanceof ConfigError ||
    error instanceof BootError ||
    error instanceof DataDirLockedError ||
    error instanceof VaultError;
  process.stderr.write(
    `bestai: ${isKnown ? (error as Error).message : error instanceof Error ? error.stack : String(error)}\n`,
  );
  process.exit(1);
});
