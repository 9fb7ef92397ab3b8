/** The invitation mail: who invited whom to which workspace, with the accept link (queued, sent in the background). */
import { eq } from 'drizzle-orm';
import type { Database } from '../db/connect.js';
import { workspaces } from '../db/schema.js';
import { enqueueMail } from '../mail/mail-queue.js';
import type { Keyring } from '../vault/index.js';

export async function mailInvitation(
  db: Database,
  keyring: Keyring,
  invitation: {
    id: string;
    workspaceId: string;
    email: string;
    role: string;
    invitedBy: string;
    acceptUrl: string;
  },
): Promise<void> {
  const [workspace] = await db
    .select({ name: workspaces.name })
    .from(workspaces)
    .where(eq(workspaces.id, invitation.workspaceId));
  await enqueueMail(db, keyring, {
    to: invitation.email,
    content: {
      template: 'invitation',
      workspaceName: workspace?.name ?? 'a BestAI workspace',
      invitedBy: invitation.invitedBy,
      email: invitation.email,
      role: invitation.role,
    },
    link: invitation.acceptUrl,
  });
}
