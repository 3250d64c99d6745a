import type { NewEventRow } from '../../adapters/db/schema.js';
import type { EventType } from '../../domain/event-types.js';
import type { NetAmounts } from '../../domain/pricing.js';
import type { Tenant } from '../../domain/tenant.js';
import type { OrderView } from '../../resources/order.js';
import { netAmounts, orderResource } from '../../resources/order.js';
import { previousAttributes } from '../../resources/previous-attributes.js';
import { newId } from '../shared/ids.js';

/** Who made a change: the API key that called, the operator, or Flint itself. */
export interface Actor {
  readonly type: NewEventRow['actor_type'];
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

/** Who an event is by: the tenant it belongs to and the actor that made the change. */
export interface EventAuthor {
  readonly tenant: Tenant;
  readonly actor: Actor;
}

/** An event about any object: what it is about, the object as it now is, and when. */
export interface ObjectEventInput extends EventSubject {
  readonly object: Record<string, unknown>;
  readonly now: Date;
  /** The object as it was, for `*.updated` events. */
  readonly previous?: Record<string, unknown> | undefined;
}

/**
 * An event about any object, to be written in the transaction that made the change.
 * `previous` (the object as it was, for `*.updated` events) gives
 * `data.previous_attributes`: the fields that changed, with their values before.
 */
export function objectEvent(
  { tenant, actor }: EventAuthor,
  { type, objectType, objectId, object, now, previous }: ObjectEventInput,
): NewEventRow {
  const data =
    previous === undefined
      ? { object }
      : { object, previous_attributes: previousAttributes(previous, object) };
  return {
    id: newId('evt'),
    account_id: tenant.accountId,
    mode: tenant.mode,
    type,
    object_type: objectType,
    object_id: objectId,
    actor_type: actor.type,
    actor_id: actor.id,
    data,
    amounts_before: null,
    amounts_after: null,
    created_at: now,
  };
}

/** An order event: the order as it now is, its amounts before (none for a new order). */
export interface OrderEventInput {
  readonly type: OrderEventType;
  readonly view: OrderView;
  readonly before: NetAmounts | null;
  readonly now: Date;
  /** The order as it was: an `order.updated` event then says which fields changed. */
  readonly previous?: OrderView | undefined;
}

/**
 * An order event: the order as it now is, and its amounts before and after (the
 * timeline's). An `order.updated` event given the order as it was (`previous`) also
 * says which fields changed.
 */
export function orderEvent(
  author: EventAuthor,
  { type, view, before, now, previous }: OrderEventInput,
): NewEventRow {
  const currency = view.order.currency;
  return {
    ...objectEvent(author, {
      type,
      objectType: 'order',
      objectId: view.order.id,
      object: orderResource(view),
      now,
      previous: type === 'order.updated' && previous ? orderResource(previous) : undefined,
    }),
    amounts_before: before ? netAmounts(before, currency) : null,
    amounts_after: netAmounts(view.pricing.net, currency),
  };
}
