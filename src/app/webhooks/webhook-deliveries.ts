import type { Page } from '../../adapters/db/pagination.js';
import { selectEventById } from '../../adapters/db/repos/events-repo.js';
import {
  type DeliveryWithAttempts,
  insertWebhookDeliveries,
  listDeliveriesOfEndpoint,
} from '../../adapters/db/repos/webhook-deliveries-repo.js';
import {
  selectSubscribedEndpoints,
  selectWebhookEndpointById,
} from '../../adapters/db/repos/webhook-endpoints-repo.js';
import type { WebhookEndpointRow } from '../../adapters/db/schema-webhooks.js';
import { fail, missing, ok, type Result } from '../../domain/errors.js';
import type { Tenant } from '../../domain/tenant.js';
import type { ListInput, TenantContext } from '../shared/command-context.js';
import type { Deps } from '../shared/deps.js';
import { newDelivery } from './webhook-dispatch.js';

/** An endpoint's delivery log, newest first; 404 for an endpoint that is not the caller's. */
export async function listWebhookDeliveries(
  { deps, tenant }: TenantContext,
  {
    endpointId,
    filter,
    page,
  }: ListInput<{ readonly eventId?: string | undefined }> & { readonly endpointId: string },
): Promise<Result<Page<DeliveryWithAttempts>>> {
  const endpoint = await selectWebhookEndpointById(deps.db, tenant, endpointId);
  if (!endpoint) return fail(missing('webhook_endpoint'));
  return ok(await listDeliveriesOfEndpoint(deps.db, tenant, endpointId, filter, page));
}

async function redeliveryTargets(
  deps: Deps,
  tenant: Tenant,
  eventType: string,
  endpointId: string | undefined,
): Promise<Result<WebhookEndpointRow[]>> {
  if (endpointId === undefined) {
    return ok(await selectSubscribedEndpoints(deps.db, tenant, eventType));
  }
  const endpoint = await selectWebhookEndpointById(deps.db, tenant, endpointId);
  if (!endpoint)
    return fail({ ...missing('webhook_endpoint'), loc: ['redelivery', 'webhook_endpoint_id'] });
  if (endpoint.status === 'disabled') {
    return fail({
      code: 'webhook_endpoint_disabled',
      message: 'The webhook endpoint is disabled; enable it first',
      loc: ['redelivery', 'webhook_endpoint_id'],
    });
  }
  return ok([endpoint]);
}

/**
 * Sends an event again: a new delivery (due now, with the same `webhook-id`) to the given
 * endpoint, or to every enabled endpoint subscribed to its type.
 */
export async function redeliverEvent(
  { deps, tenant }: TenantContext,
  { eventId, endpointId }: { readonly eventId: string; readonly endpointId?: string | undefined },
): Promise<Result<DeliveryWithAttempts[]>> {
  const event = await selectEventById(deps.db, tenant, eventId);
  if (!event) return fail(missing('event'));
  const targets = await redeliveryTargets(deps, tenant, event.type, endpointId);
  if (!targets.ok) return targets;
  const now = deps.clock.now();
  const deliveries = targets.value.map((endpoint) =>
    newDelivery(tenant, { endpointId: endpoint.id, eventId: event.id, now }),
  );
  await insertWebhookDeliveries(deps.db, deliveries);
  return ok(deliveries.map((d) => ({ ...d, event_type: event.type, attempts: [] })));
}
