/** Integrations: what BestAI connects to. Today that is the LLM providers (bring your own key). */
import { useQuery } from '@tanstack/react-query';
import { KeyIcon } from '../components/icons';
import { PageHeader } from '../components/ui';
import { providerColor, providerIds, providerName } from '../format';
import { Link, useDocumentTitle } from '../router';
import { useSession } from '../session';
import { fetchLlmKeys, workspaceKeys } from '../workspace-queries';

export function IntegrationsScreen() {
  useDocumentTitle('Integrations');
  const { workspace } = useSession();
  const keysQuery = useQuery({
    queryKey: workspaceKeys.llmKeys(workspace.id),
    queryFn: () => fetchLlmKeys(workspace.id),
    staleTime: 0,
  });
  const enabledCount = keysQuery.data?.keys.filter((row) => row.enabled).length;

  return (
    <>
      <PageHeader
        title="Integrations"
        description="Connect BestAI to the services your business already uses."
      />
      <div className="integration-grid">
        <Link to="/integrations/llm" className="integration-card">
          <span className="integration-card__icon">
            <KeyIcon />
          </span>
          <span className="integration-card__title">LLM providers</span>
          <span className="integration-card__text">
            Bring your own key from Anthropic, OpenAI, Groq or DeepSeek, and choose the model.
          </span>
          <span className="integration-card__providers" aria-hidden="true">
            {providerIds.map((provider) => (
              <span key={provider} className="provider-chip">
                <span className="provider-dot" style={{ background: providerColor(provider) }} />
                {providerName(provider)}
              </span>
            ))}
          </span>
          <span className="integration-card__status">
            {enabledCount === undefined
              ? 'Checking…'
              : enabledCount === 0
                ? 'Using the platform default'
                : `${enabledCount} key${enabledCount === 1 ? '' : 's'} enabled`}
          </span>
        </Link>
      </div>
    </>
  );
}
