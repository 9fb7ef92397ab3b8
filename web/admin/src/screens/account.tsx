/** Account: the signed-in person's own settings — whether workspace alerts reach them by mail. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../api-client';
import type { Account } from '../api-types';
import { ErrorState, errorMessage, LoadingState, Notice, PageHeader } from '../components/ui';
import { useDocumentTitle } from '../router';

const accountQueryKey = ['account'] as const;

export function AccountScreen() {
  useDocumentTitle('Account');
  const queryClient = useQueryClient();
  const accountQuery = useQuery({
    queryKey: accountQueryKey,
    queryFn: () => apiRequest<Account>('/api/account'),
  });
  const save = useMutation({
    mutationFn: (alertEmails: boolean) =>
      apiRequest<Account>('/api/account', { method: 'PATCH', body: { alertEmails } }),
    onSuccess: (account) => queryClient.setQueryData(accountQueryKey, account),
  });

  const account = accountQuery.data;
  return (
    <>
      <PageHeader title="Account" description={account ? `Signed in as ${account.email}.` : undefined} />
      {accountQuery.isPending ? <LoadingState /> : null}
      {accountQuery.isError ? (
        <ErrorState error={accountQuery.error} onRetry={() => accountQuery.refetch()} />
      ) : null}
      {account ? (
        <section className="card form-section" aria-labelledby="mail-title">
          <h2 id="mail-title" className="form-section__title">
            Mail
          </h2>
          {!account.emailConfigured ? (
            <Notice tone="warning">
              Email is not configured on this BestAI server: no mail is sent until SMTP_URL is set. Alerts
              still show under Alerts.
            </Notice>
          ) : null}
          <label className="checkbox">
            <input
              type="checkbox"
              // The new value shows at once; the server's answer then confirms it (or the old one comes back).
              checked={save.isPending ? save.variables : account.alertEmails}
              disabled={save.isPending}
              onChange={(event) => save.mutate(event.target.checked)}
            />
            <span>
              Email me alerts (failing keys, budgets, fallbacks) of workspaces where I am an owner or admin
            </span>
          </label>
          {save.isSuccess ? <Notice tone="success">Saved.</Notice> : null}
          {save.isError ? (
            <p className="form-error" role="alert">
              {errorMessage(save.error)}
            </p>
          ) : null}
        </section>
      ) : null}
    </>
  );
}
