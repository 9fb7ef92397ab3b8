/**
 * Queues a mail as a background job, so sending never holds up a request and survives a restart. The
 * button's link may carry a secret (an invitation or reset token): it is stored sealed under the
 * application secret, like a provider key, and opened only to render the mail.
 */
import type { Database } from '../db/connect.js';
import { enqueueJob } from '../jobs/job-queue.js';
import { openProviderKey, sealProviderKey, type Keyring } from '../vault/index.js';
import type { MailContent } from './mail-templates.js';

export const SEND_MAIL_JOB = 'mail.send';

/** Mail is retried for hours (backoff capped at 15 minutes), so an SMTP outage of an afternoon loses nothing. */
const MAIL_MAX_ATTEMPTS = 20;

/** The vault binds each sealed value to a context; mail links have their own, so they open nowhere else. */
const linkContext = { workspaceId: 'mail', provider: 'link' };

export interface QueuedMail {
  to: string;
  content: MailContent;
  /** The absolute URL of the mail's button. */
  link: string;
  /** One mail per key, whoever queues it and however often. */
  dedupeKey?: string;
}

export async function enqueueMail(db: Database, keyring: Keyring, mail: QueuedMail): Promise<string | null> {
  return enqueueJob(db, {
    kind: SEND_MAIL_JOB,
    payload: {
      to: mail.to,
      content: mail.content,
      sealedLink: sealProviderKey(keyring, mail.link, linkContext).ciphertext,
    },
    dedupeKey: mail.dedupeKey,
    maxAttempts: MAIL_MAX_ATTEMPTS,
  });
}

export function openMailLink(keyring: Keyring, sealedLink: string): string {
  return openProviderKey(keyring, sealedLink, linkContext);
}
