import type { Kysely } from 'kysely';
import { type Write, writeAsOne } from '../adapters/db/one-statement.js';
import { insertEventsQuery } from '../adapters/db/repos/events-repo.js';
import { selectTaxRatesByIds } from '../adapters/db/repos/order-inputs-repo.js';
import {
  lockOrderAggregate,
  lockOrderAggregateOfRefund,
  type OrderAggregate,
  updateOrderQuery,
} from '../adapters/db/repos/orders-repo.js';
import type { Database, EventRow } from '../adapters/db/schema.js';
import { fail, missing, ok, type Result } from '../domain/errors.js';
import type { Tenant } from '../domain/tenant.js';
import type { Deps } from './deps.js';
import { type Actor, type OrderEventType, orderEvent } from './events.js';
import {
  type OrderView,
  priceWith,
  priceWithinLimits,
  taxRateIdsOf,
  withTotals,
} from './order-pricing.js';

/** What a change to an order produced: the new aggregate, and how to store its parts. */
export interface OrderChange {
  readonly aggregate: OrderAggregate;
  /**
   * The order's event; null when the order itself is as it was (only rows beside it
   * changed, e.g. a refund's status): then it gets no new version, no write, no event.
   */
  readonly event: OrderEventType | null;
  /** Writes what changed besides the order row (lines, coupons); the row is written after. */
  readonly persist?: (tx: Kysely<Database>) => Promise<void>;
  /**
   * Writes of other rows (never the order's) sent in one statement with the order row
   * and the events, after `persist`: see `writeAsOne` for what they may not do.
   */
  readonly writes?: readonly Write[];
  /** Events about other objects, recorded before the order's own. */
  readonly events?: readonly EventRow[];
}

/** The order to change: by its id, or as the order of one of its refunds. */
export type OrderKey = string | { readonly refundId: string };

/**
 * The one way an existing order changes: in a transaction, lock the order (so
 * concurrent changes are serialized and none is lost), let `change` compute the
 * new state, re-price it, bump the version, write it and its event with the
 * amounts before and after.
 */
export async function changeOrder(
  deps: Deps,
  tenant: Tenant,
  actor: Actor,
  key: OrderKey,
  change: (current: OrderView, tx: Kysely<Database>, now: Date) => Promise<Result<OrderChange>>,
): Promise<Result<OrderView>> {
  return deps.db.transaction().execute(async (tx) => {
    // The aggregate and its tax rates come in the statement that takes the lock.
    const current =
      typeof key === 'string'
        ? await lockOrderAggregate(tx, tenant, key)
        : await lockOrderAggregateOfRefund(tx, tenant, key.refundId);
    if (!current) return fail(missing(typeof key === 'string' ? 'order' : 'refund'));
    const before: OrderView = { ...current, pricing: priceWith(current, current.taxRates) };
    const now = deps.clock.now();
    const changed = await change(before, tx, now);
    if (!changed.ok) return changed;
    const { event, persist, writes = [], events = [] } = changed.value;
    if (event === null) {
      await persist?.(tx);
      await writeAsOne(tx, [
        ...writes,
        ...(events.length > 0 ? [insertEventsQuery(tx, events)] : []),
      ]);
      return ok(before);
    }
    const next = changed.value.aggregate;
    // Most changes keep the same rates: look up only when the order now uses others.
    const nextIds = taxRateIdsOf(next);
    const known = new Map(current.taxRates.map((r) => [r.id, r]));
    const taxRates = nextIds.every((id) => known.has(id))
      ? nextIds.flatMap((id) => known.get(id) ?? [])
      : await selectTaxRatesByIds(tx, tenant, nextIds);
    const pricing = priceWithinLimits(next, taxRates);
    if (!pricing.ok) return pricing;
    const order = withTotals(
      { ...next.order, version: current.order.version + 1, updated_at: now },
      pricing.value,
    );
    const view: OrderView = { ...next, order, taxRates, pricing: pricing.value };
    await persist?.(tx);
    await writeAsOne(tx, [
      ...writes,
      updateOrderQuery(tx, order),
      insertEventsQuery(tx, [
        ...events,
        orderEvent(tenant, actor, event, view, before.pricing.net, now),
      ]),
    ]);
    return ok(view);
  });
}
