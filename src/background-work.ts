/**
 * The background work this server does: each job kind and the function that handles it. Every instance
 * registers the same table, so any instance can take any job.
 */
import { createPasswordResetJobHandlers } from './accounts/password-reset.js';
import { createKeyAlertJobHandlers } from './alerts/key-alerts.js';
import type { AppContext } from './http/app-context.js';
import type { JobHandlers } from './jobs/job-runner.js';
import { addressPolicy } from './knowledge/fetching/address-policy.js';
import { createIndexSourceJob, INDEX_SOURCE_JOB } from './knowledge/index-source-job.js';
import { createMailJobHandlers } from './mail/mail-jobs.js';
import { createMailSender } from './mail/mail-sender.js';

export function createJobHandlers(
  context: AppContext,
  log: { error(object: object, message: string): void },
): JobHandlers {
  return {
    ...createKeyAlertJobHandlers({ db: context.database.db }),
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
    [INDEX_SOURCE_JOB]: createIndexSourceJob({
      db: context.database.db,
      read: {
        fetch: {
          isAllowedAddress: addressPolicy(context.config.KNOWLEDGE_ALLOW_PRIVATE_URLS === '1'),
          maxBytes: 10 * 1024 * 1024,
          timeoutMs: 15_000,
        },
        maxCrawlPages: 50,
      },
      log,
    }),
  };
}
