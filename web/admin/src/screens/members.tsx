/** Members: who belongs to the workspace, invitations, role changes and removals. */
import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiRequest, workspacePath } from '../api-client';
import type { InvitableRole, Invitation, Member, PendingInvitation, Role } from '../api-types';
import { ConfirmDialog, Dialog } from '../components/dialog';
import { PlusIcon } from '../components/icons';
import {
  CopyButton,
  EmptyState,
  ErrorState,
  errorMessage,
  LoadingState,
  Notice,
  PageHeader,
  RelativeTime,
  TextField,
  type NoticeTone,
} from '../components/ui';
import { roleDescriptions, roleNames } from '../format';
import { can } from '../permissions';
import { useDocumentTitle } from '../router';
import { useSession } from '../session';
import { fetchMembers, fetchPendingInvitations, workspaceKeys } from '../workspace-queries';

const invitableRoles: InvitableRole[] = ['admin', 'viewer', 'support'];

export function MembersScreen() {
  useDocumentTitle('Members');
  const { workspace, role, me } = useSession();
  const queryClient = useQueryClient();
  const membersQuery = useQuery({
    queryKey: workspaceKeys.members(workspace.id),
    queryFn: () => fetchMembers(workspace.id),
  });
  const [isInviting, setInviting] = useState(false);
  const [removing, setRemoving] = useState<Member | null>(null);
  const [notice, setNotice] = useState<{ tone: NoticeTone; text: ReactNode } | null>(null);
  const canChangeRoles = can(role, 'members.change_role');
  const canRemove = can(role, 'members.remove');

  function refresh() {
    void queryClient.invalidateQueries({ queryKey: workspaceKeys.members(workspace.id) });
    void queryClient.invalidateQueries({ queryKey: workspaceKeys.invitations(workspace.id) });
    void queryClient.invalidateQueries({ queryKey: workspaceKeys.auditLog(workspace.id) });
  }

  const changeRole = useMutation({
    mutationFn: ({ member, nextRole }: { member: Member; nextRole: Role }) =>
      apiRequest<Member>(workspacePath(workspace.id, `members/${encodeURIComponent(member.userId)}`), {
        method: 'PATCH',
        body: { role: nextRole },
      }),
    onSuccess: (_answer, { member, nextRole }) =>
      setNotice({ tone: 'success', text: `${member.email} is now ${roleNames[nextRole].toLowerCase()}.` }),
    onError: (error) => setNotice({ tone: 'error', text: errorMessage(error) }),
    onSettled: refresh,
  });

  const remove = useMutation({
    mutationFn: (member: Member) =>
      apiRequest<void>(workspacePath(workspace.id, `members/${encodeURIComponent(member.userId)}`), {
        method: 'DELETE',
      }),
    onSuccess: (_answer, member) => {
      // The row leaves together with the notice, not a refetch later.
      queryClient.setQueryData<Member[]>(workspaceKeys.members(workspace.id), (current) =>
        current?.filter((candidate) => candidate.userId !== member.userId),
      );
      setRemoving(null);
      setNotice({ tone: 'success', text: `${member.email} was removed from ${workspace.name}.` });
    },
    onSettled: refresh,
  });

  const members = membersQuery.data;
  return (
    <>
      <PageHeader
        title="Members"
        description={`The people who can sign in to ${workspace.name}, and what each may do.`}
        actions={
          can(role, 'members.invite') ? (
            <button type="button" className="button button--primary" onClick={() => setInviting(true)}>
              <PlusIcon />
              Invite member
            </button>
          ) : null
        }
      />
      {notice ? (
        <Notice tone={notice.tone} onDismiss={() => setNotice(null)}>
          {notice.text}
        </Notice>
      ) : null}
      {membersQuery.isPending ? <LoadingState label="Loading members…" /> : null}
      {membersQuery.isError ? (
        <ErrorState error={membersQuery.error} onRetry={() => membersQuery.refetch()} />
      ) : null}
      {members && members.length === 0 ? <EmptyState title="No members" /> : null}
      {members && members.length > 0 ? (
        <div className="card card--flush">
          <div className="table-scroll">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Member</th>
                  <th scope="col">Role</th>
                  <th scope="col">Joined</th>
                  {canRemove ? (
                    <th scope="col">
                      <span className="visually-hidden">Actions</span>
                    </th>
                  ) : null}
                </tr>
              </thead>
              <tbody>
                {members.map((member) => {
                  const isSelf = member.userId === me.user.id;
                  const isEditable = canChangeRoles && !isSelf && member.role !== 'owner';
                  return (
                    <tr key={member.userId}>
                      <td>
                        <span className="member-cell">
                          <span className="user-chip__avatar" aria-hidden="true">
                            {member.email.charAt(0).toUpperCase()}
                          </span>
                          <span>{member.email}</span>
                          {isSelf ? <span className="pill">You</span> : null}
                        </span>
                      </td>
                      <td>
                        {isEditable ? (
                          <select
                            className="select select--compact"
                            aria-label={`Role of ${member.email}`}
                            value={member.role}
                            disabled={changeRole.isPending}
                            onChange={(event) =>
                              changeRole.mutate({ member, nextRole: event.target.value as Role })
                            }
                          >
                            {invitableRoles.map((choice) => (
                              <option key={choice} value={choice}>
                                {roleNames[choice]}
                              </option>
                            ))}
                          </select>
                        ) : (
                          <span className={`role role--${member.role}`}>{roleNames[member.role]}</span>
                        )}
                      </td>
                      <td className="nowrap">
                        <RelativeTime iso={member.createdAt} />
                      </td>
                      {canRemove ? (
                        <td className="actions-cell">
                          {!isSelf && member.role !== 'owner' ? (
                            <button
                              type="button"
                              className="button button--small button--danger-ghost"
                              onClick={() => {
                                remove.reset();
                                setRemoving(member);
                              }}
                            >
                              Remove
                            </button>
                          ) : null}
                        </td>
                      ) : null}
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </div>
      ) : null}
      {can(role, 'members.invite') ? (
        <PendingInvitations workspaceId={workspace.id} onChanged={refresh} onNotice={setNotice} />
      ) : null}
      <RoleGuide />
      {isInviting ? (
        <InviteDialog workspaceId={workspace.id} onInvited={refresh} onClose={() => setInviting(false)} />
      ) : null}
      {removing ? (
        <ConfirmDialog
          title={`Remove ${removing.email}?`}
          description={`They lose access to ${workspace.name} at once. Their past changes stay in the audit log.`}
          confirmLabel="Remove member"
          isBusy={remove.isPending}
          error={remove.isError ? errorMessage(remove.error) : null}
          onConfirm={() => remove.mutate(removing)}
          onClose={() => setRemoving(null)}
        />
      ) : null}
    </>
  );
}

function RoleGuide() {
  return (
    <section className="role-guide" aria-label="Roles">
      {(Object.keys(roleNames) as Role[]).map((role) => (
        <div key={role} className="role-guide__item">
          <span className={`role role--${role}`}>{roleNames[role]}</span>
          <span className="muted">{roleDescriptions[role]}</span>
        </div>
      ))}
    </section>
  );
}

function InviteDialog({
  workspaceId,
  onInvited,
  onClose,
}: {
  workspaceId: string;
  onInvited: () => void;
  onClose: () => void;
}) {
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<InvitableRole>('viewer');
  const ids = { email: useId(), role: useId() };
  const invite = useMutation({
    mutationFn: () =>
      apiRequest<Invitation>(workspacePath(workspaceId, 'invitations'), {
        method: 'POST',
        body: { email, role },
      }),
    onSuccess: onInvited,
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    invite.mutate();
  }

  if (invite.data) {
    return <InvitationLinkDialog title="Invitation created" invitation={invite.data} onClose={onClose} />;
  }

  return (
    <Dialog
      title="Invite member"
      description="They get a link to choose a password and join."
      onClose={onClose}
      isBusy={invite.isPending}
    >
      <form className="form" onSubmit={submit}>
        <TextField
          id={ids.email}
          label="Email"
          type="email"
          required
          data-autofocus
          value={email}
          onChange={(event) => setEmail(event.target.value)}
        />
        <fieldset className="field">
          <legend>Role</legend>
          <div className="choice-list">
            {invitableRoles.map((choice) => (
              <label key={choice} className="choice">
                <input
                  type="radio"
                  name={ids.role}
                  value={choice}
                  checked={role === choice}
                  onChange={() => setRole(choice)}
                />
                <span>
                  <span className="choice__title">{roleNames[choice]}</span>
                  <span className="choice__text">{roleDescriptions[choice]}</span>
                </span>
              </label>
            ))}
          </div>
        </fieldset>
        {invite.isError ? (
          <p className="form-error" role="alert">
            {errorMessage(invite.error)}
          </p>
        ) : null}
        <div className="dialog__actions">
          <button type="button" className="button" onClick={onClose} disabled={invite.isPending}>
            Cancel
          </button>
          <button type="submit" className="button button--primary" disabled={invite.isPending}>
            {invite.isPending ? 'Inviting…' : 'Create invitation'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/** The accept link of a new or renewed invitation, shown once: only its hash is kept on the server. */
function InvitationLinkDialog({
  title,
  invitation,
  note,
  onClose,
}: {
  title: string;
  invitation: Invitation;
  note?: string;
  onClose: () => void;
}) {
  const linkId = useId();
  return (
    <Dialog title={title} onClose={onClose}>
      {invitation.emailSent === true ? (
        <Notice tone="success">
          The invitation was mailed to {invitation.email}. You can also pass the link on yourself.
        </Notice>
      ) : null}
      {invitation.emailSent === false ? (
        <Notice tone="warning">Email is not configured on this server, so no mail was sent.</Notice>
      ) : null}
      <p className="dialog__description">
        Send this link to <strong>{invitation.email}</strong>. They join as{' '}
        {roleNames[invitation.role].toLowerCase()}: with a new password, or by signing in if they already have
        a BestAI account.{note ? ` ${note}` : ''}
      </p>
      <div className="field">
        <label htmlFor={linkId}>Accept link</label>
        <div className="copy-row">
          <input
            id={linkId}
            className="input input--mono"
            readOnly
            value={invitation.acceptUrl}
            onFocus={(event) => event.target.select()}
          />
          <CopyButton text={invitation.acceptUrl} />
        </div>
      </div>
      <div className="dialog__actions">
        <button type="button" className="button button--primary" onClick={onClose}>
          Done
        </button>
      </div>
    </Dialog>
  );
}

/** Invitations not yet accepted: a fresh link to copy again, or revoke. */
function PendingInvitations({
  workspaceId,
  onChanged,
  onNotice,
}: {
  workspaceId: string;
  onChanged: () => void;
  onNotice: (notice: { tone: NoticeTone; text: ReactNode }) => void;
}) {
  const invitationsQuery = useQuery({
    queryKey: workspaceKeys.invitations(workspaceId),
    queryFn: () => fetchPendingInvitations(workspaceId),
  });
  const [revoking, setRevoking] = useState<PendingInvitation | null>(null);
  const renew = useMutation({
    mutationFn: (invitation: PendingInvitation) =>
      apiRequest<Invitation>(
        workspacePath(workspaceId, `invitations/${encodeURIComponent(invitation.id)}/link`),
        { method: 'POST' },
      ),
    onError: (error) => onNotice({ tone: 'error', text: errorMessage(error) }),
    onSettled: onChanged,
  });
  const revoke = useMutation({
    mutationFn: (invitation: PendingInvitation) =>
      apiRequest<void>(workspacePath(workspaceId, `invitations/${encodeURIComponent(invitation.id)}`), {
        method: 'DELETE',
      }),
    onSuccess: (_answer, invitation) => {
      setRevoking(null);
      onNotice({ tone: 'success', text: `The invitation of ${invitation.email} was revoked.` });
    },
    onSettled: onChanged,
  });

  const pending = invitationsQuery.data;
  if (invitationsQuery.isError) {
    return <ErrorState error={invitationsQuery.error} onRetry={() => invitationsQuery.refetch()} />;
  }
  if (!pending || pending.length === 0) return null;
  return (
    <section className="pending-invitations" aria-labelledby="pending-invitations-title">
      <h2 id="pending-invitations-title" className="form-section__title">
        Pending invitations
      </h2>
      <div className="card card--flush">
        <div className="table-scroll">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Email</th>
                <th scope="col">Role</th>
                <th scope="col">Invited by</th>
                <th scope="col">Expires</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {pending.map((invitation) => (
                <tr key={invitation.id}>
                  <td>{invitation.email}</td>
                  <td>
                    <span className={`role role--${invitation.role}`}>{roleNames[invitation.role]}</span>
                  </td>
                  <td>{invitation.invitedBy ?? '—'}</td>
                  <td className="nowrap">
                    <RelativeTime iso={invitation.expiresAt} />
                  </td>
                  <td className="actions-cell">
                    <button
                      type="button"
                      className="button button--small"
                      disabled={renew.isPending}
                      onClick={() => renew.mutate(invitation)}
                    >
                      Copy link
                    </button>{' '}
                    <button
                      type="button"
                      className="button button--small button--danger-ghost"
                      onClick={() => {
                        revoke.reset();
                        setRevoking(invitation);
                      }}
                    >
                      Revoke
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>
      {renew.data ? (
        <InvitationLinkDialog
          title="Invitation link"
          invitation={renew.data}
          note="This is a new link: earlier links to this invitation no longer work."
          onClose={() => renew.reset()}
        />
      ) : null}
      {revoking ? (
        <ConfirmDialog
          title={`Revoke the invitation of ${revoking.email}?`}
          description="Its link stops working at once. You can invite them again later."
          confirmLabel="Revoke invitation"
          isBusy={revoke.isPending}
          error={revoke.isError ? errorMessage(revoke.error) : null}
          onConfirm={() => revoke.mutate(revoking)}
          onClose={() => setRevoking(null)}
        />
      ) : null}
    </section>
  );
}
