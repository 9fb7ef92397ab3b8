/**
 * Hands mail to the SMTP server of `SMTP_URL` through nodemailer. Without `SMTP_URL` there is no sender
 * and nothing is sent. Failures say whether retrying can help: a server that is down or busy (4xx, no
 * connection) is retried, a recipient it refuses for good (550–553) is not.
 */
import nodemailer from 'nodemailer';
import type { Config } from '../config.js';
import type { RenderedMail } from './mail-templates.js';

export interface MailSender {
  send(message: RenderedMail & { to: string }): Promise<void>;
}

export class MailRejectedError extends Error {
  override name = 'MailRejectedError';
}

/** Refusals of the recipient or address themselves; anything else (auth, a busy server) may pass later. */
const permanentRefusals = new Set([501, 550, 551, 552, 553]);

export function createMailSender(config: Pick<Config, 'SMTP_URL' | 'mailFrom'>): MailSender | null {
  if (!config.SMTP_URL) return null;
  const transport = nodemailer.createTransport({
    url: config.SMTP_URL,
    // Bounded, so a silent server fails the attempt well inside the job's lease.
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
  return {
    async send(message) {
      try {
        await transport.sendMail({ from: config.mailFrom, ...message });
      } catch (error) {
        const responseCode = (error as { responseCode?: number }).responseCode;
        // Never the server's whole reply text: it may quote the login. The code and nodemailer's label suffice.
        const summary = `The mail server did not take the mail (${(error as { code?: string }).code ?? 'error'}${responseCode ? ` ${responseCode}` : ''}).`;
        if (responseCode && permanentRefusals.has(responseCode)) throw new MailRejectedError(summary);
        throw new Error(summary);
      }
    },
  };
}
