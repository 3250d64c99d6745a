import type { Kysely } from 'kysely';
import { selectTaxRatesByIds } from '../adapters/db/repos/order-inputs-repo.js';
import {
  lockOrderAggregate,
  type OrderAggregate,
  updateOrder,
} from '../adapters/db/repos/orders-repo.js';
import type { Database } from '../adapters/db/schema.js';
import { fail, missing, ok, type Result } from '../domain/errors.js';
import type { Tenant } from '../domain/tenant.js';
import type { Deps } from './deps.js';
import { type Actor, type OrderEventType, recordOrderEvent } from './events.js';
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
  readonly event: OrderEventType;
  /** Writes what changed besides the order row (lines, coupons); the row is written after. */
  readonly persist?: (tx: Kysely<Database>) => Promise<void>;
}

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
  orderId: string,
  change: (current: OrderView, tx: Kysely<Database>, now: Date) => Promise<Result<OrderChange>>,
): Promise<Result<OrderView>> {
  return deps.db.transaction().execute(async (tx) => {
    const current = await lockOrderAggregate(tx, tenant, orderId);
    if (!current) return fail(missing('order'));
    const currentRates = await selectTaxRatesByIds(tx, tenant, taxRateIdsOf(current));
    const before: OrderView = {
      ...current,
      taxRates: currentRates,
      pricing: priceWith(current, currentRates),
    };
    const now = deps.clock.now();
    const changed = await change(before, tx, now);
    if (!changed.ok) return changed;
    const next = changed.value.aggregate;
    // Most changes keep the same rates: look up only when the order now uses others.
    const nextIds = taxRateIdsOf(next);
    const known = new Map(currentRates.map((r) => [r.id, r]));
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
    await changed.value.persist?.(tx);
    await updateOrder(tx, order);
    await recordOrderEvent(tx, tenant, actor, changed.value.event, view, before.pricing.net, now);
    return ok(view);
  });
}
