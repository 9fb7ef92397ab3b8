/** Alerts: what BestAI wants owners and admins to know (failing keys, budgets, fallbacks), newest first. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiRequest, workspacePath } from '../api-client';
import type { Alert } from '../api-types';
import { Badge, EmptyState, ErrorState, LoadingState, PageHeader, RelativeTime } from '../components/ui';
import { can } from '../permissions';
import { Link, useDocumentTitle } from '../router';
import { useSession } from '../session';
import { fetchAlerts, workspaceKeys } from '../workspace-queries';

/** The workspace's alerts, refreshed now and then so the count in the navigation stays true. */
export function useAlerts() {
  const { workspace, role } = useSession();
  return useQuery({
    queryKey: workspaceKeys.alerts(workspace.id),
    queryFn: () => fetchAlerts(workspace.id),
    enabled: can(role, 'alerts.read'),
    refetchInterval: 30_000,
  });
}

const severityTones = { critical: 'danger', warning: 'warning', info: 'neutral' } as const;
const severityNames = { critical: 'Critical', warning: 'Warning', info: 'Info' } as const;

export function AlertsScreen() {
  useDocumentTitle('Alerts');
  const { workspace, role } = useSession();
  const queryClient = useQueryClient();
  const alertsQuery = useAlerts();
  const markRead = useMutation({
    mutationFn: (alert: Alert) =>
      apiRequest<void>(workspacePath(workspace.id, `alerts/${encodeURIComponent(alert.id)}/read`), {
        method: 'POST',
      }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: workspaceKeys.alerts(workspace.id) }),
  });

  const header = (
    <PageHeader
      title="Alerts"
      description="Failing keys, budgets and fallbacks of this workspace. Owners and admins also get them by mail (see Account)."
    />
  );
  if (!can(role, 'alerts.read')) {
    return (
      <>
        {header}
        <EmptyState title="Only owners and admins see alerts" />
      </>
    );
  }
  const list = alertsQuery.data;
  return (
    <>
      {header}
      {alertsQuery.isPending ? <LoadingState label="Loading alerts…" /> : null}
      {alertsQuery.isError ? (
        <ErrorState error={alertsQuery.error} onRetry={() => alertsQuery.refetch()} />
      ) : null}
      {list && list.alerts.length === 0 ? (
        <EmptyState title="No alerts">When a key fails or a budget fills up, it shows here.</EmptyState>
      ) : null}
      {list && list.alerts.length > 0 ? (
        <ul className="alert-list" aria-label="Alerts">
          {list.alerts.map((alert) => (
            <li key={alert.id} className={`card alert-item${alert.readAt ? '' : ' alert-item--unread'}`}>
              <div className="alert-item__head">
                <Badge tone={severityTones[alert.severity]}>{severityNames[alert.severity]}</Badge>
                <h2 className="alert-item__title">{alert.title}</h2>
                <span className="muted">
                  <RelativeTime iso={alert.at} />
                </span>
              </div>
              {alert.body.split(/\n{2,}/).map((paragraph, index) => (
                <p key={index} className="alert-item__body">
                  {paragraph}
                </p>
              ))}
              <div className="alert-item__actions">
                {alert.link ? (
                  <Link className="button button--small button--primary" to={alert.link}>
                    Fix it
                  </Link>
                ) : null}
                {alert.readAt ? (
                  <span className="muted">Read</span>
                ) : (
                  <button
                    type="button"
                    className="button button--small"
                    onClick={() => markRead.mutate(alert)}
                    disabled={markRead.isPending}
                    aria-label={`Mark as read: ${alert.title}`}
                  >
                    Mark as read
                  </button>
                )}
              </div>
            </li>
          ))}
        </ul>
      ) : null}
    </>
  );
}
