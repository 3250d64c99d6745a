import type { Kysely } from 'kysely';
import { insertEvents } from '../../adapters/db/repos/events-repo.js';
import { failPendingDeliveries } from '../../adapters/db/repos/webhook-deliveries-repo.js';
import { updateWebhookEndpoint } from '../../adapters/db/repos/webhook-endpoints-repo.js';
import type { Database } from '../../adapters/db/schema.js';
import type {
  WebhookDisabledReason,
  WebhookEndpointRow,
} from '../../adapters/db/schema-webhooks.js';
import type { Tenant } from '../../domain/tenant.js';
import { webhookEndpointResource } from '../../resources/webhook-endpoint.js';
import { objectEvent, SYSTEM_ACTOR } from '../events/record-events.js';

const WHY: Record<WebhookDisabledReason, string> = {
  requested: 'endpoint disabled',
  gone: 'endpoint disabled: it answered 410 Gone',
  failing: 'endpoint disabled: its deliveries kept failing',
};

/**
 * Disables an endpoint (locked by the caller's transaction): nothing more is sent to it,
 * and its pending deliveries end as failed. Flint's own decisions (410 Gone, days of
 * failures) are recorded as a `webhook_endpoint.disabled` event, in the same transaction.
 */
export async function disableEndpoint(
  tx: Kysely<Database>,
  tenant: Tenant,
  {
    endpoint,
    reason,
    now,
  }: {
    readonly endpoint: WebhookEndpointRow;
    readonly reason: WebhookDisabledReason;
    readonly now: Date;
  },
): Promise<WebhookEndpointRow> {
  const disabled: WebhookEndpointRow = {
    ...endpoint,
    status: 'disabled',
    disabled_reason: reason,
    updated_at: now,
  };
  await updateWebhookEndpoint(tx, tenant, endpoint.id, {
    status: 'disabled',
    disabled_reason: reason,
    updated_at: now,
  });
  await failPendingDeliveries(tx, tenant, endpoint.id, now, WHY[reason]);
  if (reason !== 'requested') {
    const event = objectEvent(
      { tenant, actor: SYSTEM_ACTOR },
      {
        type: 'webhook_endpoint.disabled',
        objectType: 'webhook_endpoint',
        objectId: endpoint.id,
        object: webhookEndpointResource(disabled),
        now,
      },
    );
    await insertEvents(tx, [event]);
  }
  return disabled;
}

/** Ends the pending deliveries of a deleted endpoint. */
export async function endDeliveriesOfDeleted(
  tx: Kysely<Database>,
  tenant: Tenant,
  { endpointId, now }: { readonly endpointId: string; readonly now: Date },
): Promise<void> {
  await failPendingDeliveries(tx, tenant, endpointId, now, 'endpoint deleted');
}
