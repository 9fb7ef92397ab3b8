/**
 * The background work this server does: each job kind and the function that handles it. Every instance
 * registers the same table, so any instance can take any job.
 */
import { createPasswordResetJobHandlers } from './accounts/password-reset.js';
import type { AppContext } from './http/app-context.js';
import type { JobHandlers } from './jobs/job-runner.js';
import { createMailJobHandlers } from './mail/mail-jobs.js';
import { createMailSender } from './mail/mail-sender.js';

export function createJobHandlers(context: AppContext): JobHandlers {
  return {
    ...createPasswordResetJobHandlers({
      db: context.database.db,
      keyring: context.keyring,
      publicUrl: context.config.publicUrl,
    }),
    ...createMailJobHandlers({
      db: context.database.db,
      keyring: context.keyring,
      config: context.config,
      sender: createMailSender(context.config),
    }),
  };
}
