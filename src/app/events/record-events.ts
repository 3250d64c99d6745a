import type { Kysely } from 'kysely';
import { insertEvents } from '../../adapters/db/repos/events-repo.js';
import type { Database, EventRow } from '../../adapters/db/schema.js';
import type { EventType } from '../../domain/event-types.js';
import type { NetAmounts } from '../../domain/pricing.js';
import type { Tenant } from '../../domain/tenant.js';
import type { OrderView } from '../../resources/order.js';
import { netAmounts, orderResource } from '../../resources/order.js';
import { previousAttributes } from '../../resources/previous-attributes.js';
import { newId } from '../shared/ids.js';

/** Who made a change: the API key that called, the operator, or Flint itself. */
export interface Actor {
  readonly type: EventRow['actor_type'];
  readonly id: string | null;
}

/** Flint itself: workers, processor webhooks, expiries, test helpers. */
export const SYSTEM_ACTOR: Actor = { type: 'system', id: null };

export type OrderEventType = Extract<EventType, `order.${string}`>;

/** What an event is about. */
export interface EventSubject {
  readonly type: EventType;
  readonly objectType: string;
  readonly objectId: string;
}

/**
 * An event about any object, to be written in the transaction that made the change.
 * `previous` (the object as it was, for `*.updated` events) gives
 * `data.previous_attributes`: the fields that changed, with their values before.
 */
export function objectEvent(
  tenant: Tenant,
  actor: Actor,
  event: EventSubject,
  object: Record<string, unknown>,
  now: Date,
  previous?: Record<string, unknown>,
): EventRow {
  const data =
    previous === undefined
      ? { object }
      : { object, previous_attributes: previousAttributes(previous, object) };
  return {
    id: newId('evt'),
    account_id: tenant.accountId,
    mode: tenant.mode,
    type: event.type,
    object_type: event.objectType,
    object_id: event.objectId,
    actor_type: actor.type,
    actor_id: actor.id,
    data,
    amounts_before: null,
    amounts_after: null,
    created_at: now,
  };
}

/**
 * An order event: the order as it now is, and its amounts before and after (the
 * timeline's). An `order.updated` event given the order as it was (`previous`) also
 * says which fields changed.
 */
export function orderEvent(
  tenant: Tenant,
  actor: Actor,
  type: OrderEventType,
  view: OrderView,
  before: NetAmounts | null,
  now: Date,
  previous?: OrderView,
): EventRow {
  const currency = view.order.currency;
  return {
    ...objectEvent(
      tenant,
      actor,
      { type, objectType: 'order', objectId: view.order.id },
      orderResource(view),
      now,
      type === 'order.updated' && previous ? orderResource(previous) : undefined,
    ),
    amounts_before: before ? netAmounts(before, currency) : null,
    amounts_after: netAmounts(view.pricing.net, currency),
  };
}

/** Records an event about any object, in the caller's transaction (the outbox). */
export async function recordEvent(
  db: Kysely<Database>,
  tenant: Tenant,
  actor: Actor,
  event: EventSubject,
  object: Record<string, unknown>,
  now: Date,
): Promise<void> {
  await insertEvents(db, [objectEvent(tenant, actor, event, object, now)]);
}

/** Records an order event in the caller's transaction (the outbox). */
export async function recordOrderEvent(
  db: Kysely<Database>,
  tenant: Tenant,
  actor: Actor,
  type: OrderEventType,
  view: OrderView,
  before: NetAmounts | null,
  now: Date,
): Promise<void> {
  await insertEvents(db, [orderEvent(tenant, actor, type, view, before, now)]);
}
