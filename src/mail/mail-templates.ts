/**
 * Every mail BestAI sends, from one layout: a few paragraphs, one button (the one click that matters) and
 * a footer, rendered as plain text and as simple HTML with every value escaped.
 */
import { z } from 'zod';

export const mailContentSchema = z.discriminatedUnion('template', [
  z.object({
    template: z.literal('invitation'),
    workspaceName: z.string(),
    invitedBy: z.string().nullable(),
    email: z.string(),
    role: z.string(),
  }),
  z.object({ template: z.literal('password_reset'), email: z.string() }),
  z.object({
    template: z.literal('alert'),
    workspaceName: z.string(),
    title: z.string(),
    body: z.string(),
  }),
]);

/** What a mail says; its link comes separately (it may be secret, see `mail-queue.ts`). */
export type MailContent = z.infer<typeof mailContentSchema>;

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

interface MailLayout {
  subject: string;
  paragraphs: string[];
  action: { label: string; url: string };
  footer: string;
}

const roleNames: Record<string, string> = { admin: 'an admin', viewer: 'a viewer', support: 'support' };

function layoutOf(content: MailContent, link: string, publicUrl: string): MailLayout {
  switch (content.template) {
    case 'invitation': {
      const who = content.invitedBy ?? 'A member';
      return {
        subject: `${who} invited you to ${content.workspaceName} on BestAI`,
        paragraphs: [
          `${who} invited ${content.email} to join the workspace “${content.workspaceName}” on BestAI as ${roleNames[content.role] ?? content.role}.`,
          'The link works once and expires in 7 days.',
        ],
        action: { label: 'Accept the invitation', url: link },
        footer: 'If you did not expect this invitation, ignore this mail: nothing happens without the link.',
      };
    }
    case 'password_reset':
      return {
        subject: 'Reset your BestAI password',
        paragraphs: [
          `Someone asked to reset the password of the BestAI account ${content.email}.`,
          'The link works once, for one hour. Choosing a new password signs you out everywhere else.',
        ],
        action: { label: 'Choose a new password', url: link },
        footer: 'If you did not ask for this, ignore this mail: your password stays as it is.',
      };
    case 'alert':
      return {
        subject: `${content.title} — ${content.workspaceName}`,
        paragraphs: content.body.split(/\n{2,}/).filter((paragraph) => paragraph.trim() !== ''),
        action: { label: 'Open in BestAI', url: link },
        footer: `You get this as an owner or admin of ${content.workspaceName}. Turn alert mails off under Account: ${publicUrl}/account`,
      };
  }
}

const htmlEscapes: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => htmlEscapes[character]!);
}

/** Renders a mail's subject, plain text and HTML; `link` is the button's absolute URL. */
export function renderMail(content: MailContent, link: string, publicUrl: string): RenderedMail {
  const layout = layoutOf(content, link, publicUrl);
  const text = [
    ...layout.paragraphs,
    `${layout.action.label}: ${layout.action.url}`,
    '—',
    layout.footer,
  ].join('\n\n');
  const paragraph = (body: string) => `<p style="margin:0 0 16px">${escapeHtml(body)}</p>`;
  const html = [
    '<!doctype html><html><body style="font-family:system-ui,sans-serif;color:#111827;line-height:1.5">',
    '<div style="max-width:560px;margin:0 auto;padding:24px">',
    ...layout.paragraphs.map(paragraph),
    `<p style="margin:24px 0"><a href="${escapeHtml(layout.action.url)}" style="background:#4f46e5;color:#ffffff;padding:10px 16px;border-radius:6px;text-decoration:none">${escapeHtml(layout.action.label)}</a></p>`,
    `<p style="margin:0 0 16px;color:#6b7280;font-size:13px">${escapeHtml(layout.footer)}</p>`,
    '</div></body></html>',
  ].join('\n');
  return { subject: layout.subject, text, html };
}
