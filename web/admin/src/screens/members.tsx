/** Members: who belongs to the workspace, invitations, role changes and removals. */
import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiRequest, workspacePath } from '../api-client';
import type { InvitableRole, Invitation, Member, Role } from '../api-types';
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
import { fetchMembers, workspaceKeys } from '../workspace-queries';

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
  const ids = { email: useId(), role: useId(), link: useId() };
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
    const invitation = invite.data;
    return (
      <Dialog title="Invitation created" onClose={onClose}>
        <p className="dialog__description">
          Send this link to <strong>{invitation.email}</strong>. They choose a password and join as{' '}
          {roleNames[invitation.role].toLowerCase()}.
        </p>
        <div className="field">
          <label htmlFor={ids.link}>Accept link</label>
          <div className="copy-row">
            <input
              id={ids.link}
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
