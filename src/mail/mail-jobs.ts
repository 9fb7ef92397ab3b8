/**
 * The mail jobs: `mail.send` renders and sends one queued mail; `alert.mail` turns a new alert into one
 * mail per owner and admin who wants alert mail (each its own job, so one bad address holds up no other).
 */
import { and, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import { ALERT_MAIL_JOB } from '../alerts/raise-alert.js';
import type { Config } from '../config.js';
import type { Database } from '../db/connect.js';
import { alerts, memberships, users, workspaces } from '../db/schema.js';
import { PermanentJobError, type JobHandlers } from '../jobs/job-runner.js';
import type { Keyring } from '../vault/index.js';
import { enqueueMail, openMailLink, SEND_MAIL_JOB } from './mail-queue.js';
import { MailRejectedError, type MailSender } from './mail-sender.js';
import { mailContentSchema, renderMail } from './mail-templates.js';

const sendMailPayload = z.object({ to: z.string(), content: mailContentSchema, sealedLink: z.string() });
const alertMailPayload = z.object({ alertId: z.string() });

interface MailJobContext {
  db: Database;
  keyring: Keyring;
  config: Pick<Config, 'publicUrl'>;
  /** Null without `SMTP_URL`: alert mails are then not queued at all. */
  sender: MailSender | null;
}

export function createMailJobHandlers(context: MailJobContext): JobHandlers {
  const { db, keyring, config, sender } = context;
  return {
    async [SEND_MAIL_JOB](job) {
      const payload = sendMailPayload.safeParse(job.payload);
      if (!payload.success) throw new PermanentJobError('The queued mail is not readable.');
      // Mail queued while SMTP was configured, on a server started without it: wait for the configuration.
      if (!sender) throw new Error('Email is not configured on this instance.');
      const link = openMailLink(keyring, payload.data.sealedLink);
      const rendered = renderMail(payload.data.content, link, config.publicUrl);
      try {
        await sender.send({ to: payload.data.to, ...rendered });
      } catch (error) {
        if (error instanceof MailRejectedError) throw new PermanentJobError(error.message);
        throw error;
      }
    },

    async [ALERT_MAIL_JOB](job) {
      if (!sender) return;
      const payload = alertMailPayload.safeParse(job.payload);
      if (!payload.success) throw new PermanentJobError('The alert job is not readable.');
      const [alert] = await db
        .select({
          id: alerts.id,
          workspaceId: alerts.workspaceId,
          title: alerts.title,
          body: alerts.body,
          link: alerts.link,
          workspaceName: workspaces.name,
        })
        .from(alerts)
        .innerJoin(workspaces, eq(workspaces.id, alerts.workspaceId))
        .where(eq(alerts.id, payload.data.alertId));
      // The workspace was deleted since: nobody to tell.
      if (!alert) return;
      const recipients = await db
        .select({ userId: users.id, email: users.email })
        .from(memberships)
        .innerJoin(users, eq(users.id, memberships.userId))
        .where(
          and(
            eq(memberships.workspaceId, alert.workspaceId),
            inArray(memberships.role, ['owner', 'admin']),
            eq(users.alertEmails, true),
          ),
        );
      for (const recipient of recipients) {
        await enqueueMail(db, keyring, {
          to: recipient.email,
          content: {
            template: 'alert',
            workspaceName: alert.workspaceName,
            title: alert.title,
            body: alert.body,
          },
          link: `${config.publicUrl}${alert.link ?? '/alerts'}`,
          dedupeKey: `${ALERT_MAIL_JOB}:${alert.id}:${recipient.userId}`,
        });
      }
    },
  };
}
