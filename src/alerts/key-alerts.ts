/**
 * Words the `key.failing` and `key.recovered` alerts. The database notices the incidents (migration
 * `0004_key_incident_trigger.sql`: 3 failed messages in a row or 2 minutes of failing, closed by the next
 * success) and queues a `key.alert` job; this handler turns it into an alert, once per incident.
 */
import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Database } from '../db/connect.js';
import { chatbots } from '../db/schema.js';
import { PermanentJobError, type JobHandlers } from '../jobs/job-runner.js';
import { providerIds, providerNameOf } from '../llm/provider-table.js';
import { raiseAlert } from './raise-alert.js';

export const KEY_ALERT_JOB = 'key.alert';

const keyAlertPayload = z.object({
  event: z.enum(['failing', 'recovered']),
  workspaceId: z.string(),
  chatbotId: z.string().nullable(),
  provider: z.enum(providerIds),
  errorCode: z.string().nullable(),
  incidentId: z.string(),
});

/** What the owner can do about each failure, in one sentence. */
const remedies: Record<string, string> = {
  invalid_key: 'The provider rejects the key: replace it with a working one.',
  quota_exceeded: "The provider account is out of credit or quota: top it up in the provider's console.",
  rate_limited: "The provider is limiting requests: raise the account's limits or lower the traffic.",
  provider_unavailable:
    'The provider is not answering: it usually comes back by itself; check its status page.',
  model_not_found: 'The provider does not offer the chosen model: pick another model for the key.',
};

export function createKeyAlertJobHandlers(context: { db: Database }): JobHandlers {
  return {
    async [KEY_ALERT_JOB](job) {
      const payload = keyAlertPayload.safeParse(job.payload);
      if (!payload.success) throw new PermanentJobError('The key alert job is not readable.');
      const { event, workspaceId, chatbotId, provider, errorCode, incidentId } = payload.data;
      const providerName = providerNameOf(provider);
      let keyName = `Your ${providerName} key`;
      let link = '/integrations/llm';
      if (chatbotId) {
        const [chatbot] = await context.db
          .select({ name: chatbots.name })
          .from(chatbots)
          .where(and(eq(chatbots.id, chatbotId), eq(chatbots.workspaceId, workspaceId)));
        if (!chatbot) return;
        keyName = `The ${providerName} key of the chatbot “${chatbot.name}”`;
        link = `/chatbots/${chatbotId}`;
      }
      const scope = chatbotId ? 'this chatbot' : 'the chatbots that use the workspace keys';
      const keyRef = `${chatbotId ?? 'workspace'}:${provider}`;
      if (event === 'failing') {
        await raiseAlert(context.db, {
          workspaceId,
          kind: 'key.failing',
          severity: 'critical',
          title: `${keyName} is failing`,
          body: [
            `${keyName} failed 3 messages in a row or has been failing for 2 minutes (last error: ${errorCode ?? 'unknown'}).`,
            `Meanwhile visitors of ${scope} get your error message instead of an answer, unless you turned on fallback to another provider.`,
            remedies[errorCode ?? ''] ?? 'Open the key, read its last error and run Test.',
          ].join('\n\n'),
          link,
          dedupeKey: `key.failing:${keyRef}:${incidentId}`,
        });
      } else {
        await raiseAlert(context.db, {
          workspaceId,
          kind: 'key.recovered',
          severity: 'info',
          title: `${keyName} works again`,
          body: `${keyName} answered a message again. Visitors of ${scope} get answers as before.`,
          link,
          dedupeKey: `key.recovered:${keyRef}:${incidentId}`,
        });
      }
    },
  };
}
