import { insertWebhookDeliveries } from '../../adapters/db/repos/webhook-deliveries-repo.js';
import {
  claimUndispatchedEvents,
  markEventsDispatched,
  selectSubscriptions,
  type WorkerScope,
} from '../../adapters/db/repos/webhook-outbox-repo.js';
import type { WebhookDeliveryRow } from '../../adapters/db/schema-webhooks.js';
import { transactValue } from '../../adapters/db/transact.js';
import type { Tenant } from '../../domain/tenant.js';
import type { Deps } from '../shared/deps.js';
import { newOwnedRow } from '../shared/ids.js';

/** A delivery of one event to one endpoint, first attempted at `dueAt`. */
export function newDelivery(
  tenant: Tenant,
  {
    endpointId,
    eventId,
    now,
    dueAt = now,
  }: {
    readonly endpointId: string;
    readonly eventId: string;
    readonly now: Date;
    readonly dueAt?: Date;
  },
): WebhookDeliveryRow {
  return {
    ...newOwnedRow('wdl', tenant),
    endpoint_id: endpointId,
    event_id: eventId,
    status: 'pending',
    attempt_count: 0,
    next_attempt_at: dueAt,
    locked_until: null,
    last_response_status: null,
    last_error: null,
    created_at: now,
    updated_at: now,
    delivered_at: null,
  };
}

/**
 * Fans out up to `batch` events from the outbox: one pending delivery per subscribed
 * endpoint (first attempted after `firstDelayMs`, the schedule's first entry), and the
 * events marked dispatched, in one transaction. Workers running side by side skip each
 * other's events. Returns how many events it took.
 */
export async function dispatchEvents(
  deps: Deps,
  {
    scope,
    batch,
    firstDelayMs = 0,
  }: { readonly scope: WorkerScope; readonly batch: number; readonly firstDelayMs?: number },
): Promise<number> {
  return transactValue(deps.db, async (tx) => {
    const events = await claimUndispatchedEvents(tx, scope, batch);
    if (events.length === 0) return 0;
    const ids = events.map((e) => e.id);
    const now = deps.clock.now();
    const dueAt = new Date(now.getTime() + firstDelayMs);
    const subscriptions = await selectSubscriptions(tx, ids);
    const tenantOf = (s: (typeof subscriptions)[number]) => ({
      accountId: s.account_id,
      mode: s.mode,
    });
    await insertWebhookDeliveries(
      tx,
      subscriptions.map((s) =>
        newDelivery(tenantOf(s), { endpointId: s.endpoint_id, eventId: s.event_id, now, dueAt }),
      ),
    );
    await markEventsDispatched(tx, ids, now);
    return events.length;
  });
}
