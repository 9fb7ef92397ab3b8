/** Audit log: who changed what, newest first; keys appear only as their masks. */
import { useState } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { EmptyState, ErrorState, LoadingState, PageHeader, RelativeTime } from '../components/ui';
import { auditActionLabel, auditDetails, formatExactTime, providerName } from '../format';
import { can } from '../permissions';
import { useDocumentTitle } from '../router';
import { useSession } from '../session';
import { fetchAuditPage, workspaceKeys } from '../workspace-queries';

const PAGE_SIZE = 25;

export function AuditLogScreen() {
  useDocumentTitle('Audit log');
  const { workspace, role } = useSession();
  // The cursors of the pages before the current one; the current page's cursor is the last.
  const [cursors, setCursors] = useState<Array<string | null>>([null]);
  const cursor = cursors[cursors.length - 1] ?? null;
  const canRead = can(role, 'audit_log.read');
  const pageQuery = useQuery({
    queryKey: [...workspaceKeys.auditLog(workspace.id), cursor],
    queryFn: () => fetchAuditPage(workspace.id, cursor, PAGE_SIZE),
    placeholderData: keepPreviousData,
    enabled: canRead,
  });

  const header = (
    <PageHeader
      title="Audit log"
      description="Every change to keys, members and chatbots in this workspace. Keys are only ever recorded masked."
    />
  );
  if (!canRead) {
    return (
      <>
        {header}
        <EmptyState title="Only owners and admins can read the audit log" />
      </>
    );
  }

  const page = pageQuery.data;
  const pageNumber = cursors.length;
  return (
    <>
      {header}
      {pageQuery.isPending ? <LoadingState label="Loading the audit log…" /> : null}
      {pageQuery.isError ? <ErrorState error={pageQuery.error} onRetry={() => pageQuery.refetch()} /> : null}
      {page && page.entries.length === 0 && pageNumber === 1 ? (
        <EmptyState title="Nothing recorded yet">
          Changes to keys, members and chatbots will appear here.
        </EmptyState>
      ) : null}
      {page && page.entries.length > 0 ? (
        <div className="card card--flush">
          <div className="table-scroll">
            <table className="table" aria-busy={pageQuery.isFetching}>
              <thead>
                <tr>
                  <th scope="col">Time</th>
                  <th scope="col">Actor</th>
                  <th scope="col">Action</th>
                  <th scope="col">Provider</th>
                  <th scope="col">Key</th>
                </tr>
              </thead>
              <tbody>
                {page.entries.map((entry) => (
                  <tr key={entry.id}>
                    <td className="nowrap">
                      <span title={formatExactTime(entry.at)}>
                        <RelativeTime iso={entry.at} />
                      </span>
                    </td>
                    <td>{entry.actor.email ?? <span className="muted">Deleted user</span>}</td>
                    <td>
                      <span className="action-label" data-action={entry.action}>
                        {auditActionLabel(entry.action)}
                      </span>
                      {auditDetails(entry.action, entry.details) ? (
                        <span className="action-details">{auditDetails(entry.action, entry.details)}</span>
                      ) : null}
                    </td>
                    <td>
                      {entry.provider ? providerName(entry.provider) : <span className="muted">—</span>}
                    </td>
                    <td>
                      {entry.maskedKey ? (
                        <code className="mask">{entry.maskedKey}</code>
                      ) : (
                        <span className="muted">—</span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <nav className="pagination" aria-label="Audit log pages">
            <span className="muted">Page {pageNumber}</span>
            <div className="pagination__buttons">
              <button
                type="button"
                className="button button--small"
                disabled={pageNumber === 1}
                onClick={() => setCursors((previous) => previous.slice(0, -1))}
              >
                Newer
              </button>
              <button
                type="button"
                className="button button--small"
                disabled={!page.nextCursor || pageQuery.isPlaceholderData}
                onClick={() => page.nextCursor && setCursors((previous) => [...previous, page.nextCursor])}
              >
                Older
              </button>
            </div>
          </nav>
        </div>
      ) : null}
    </>
  );
}
