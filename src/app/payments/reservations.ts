import type { Kysely } from 'kysely';
import { type Write, writeAsOne, writeAsOneReturning } from '../../adapters/db/one-statement.js';
import {
  adjustRedemptions,
  lockCouponsByIds,
  redeemCouponsQuery,
} from '../../adapters/db/repos/coupons-repo.js';
import {
  adjustInventory,
  adjustInventoryQuery,
  lockProductsByIds,
} from '../../adapters/db/repos/products-repo.js';
import type { Database } from '../../adapters/db/schema.js';
import { checkCoupon } from '../../domain/coupons.js';
import { ok, type Result } from '../../domain/errors.js';
import { checkStock, quantitiesByProduct } from '../../domain/inventory.js';
import type { Tenant } from '../../domain/tenant.js';
import type { OrderView } from '../../resources/order.js';
import { couponRules } from '../orders/order-pricing.js';

// What a payment that settles an order takes, and gives back if it fails: the order's
// tracked stock and its coupons' redemptions, each re-checked under lock.

/**
 * Writes the stock, the intent and its event in one statement, with the coupons'
 * redemptions when this payment settles the order. The redemptions are checked on the
 * rows that statement counted, under the lock it took; a coupon used up in the meantime
 * is its failure, which undoes the whole reservation (`transact` rolls back on it).
 */
export async function writeReservation(
  tx: Kysely<Database>,
  tenant: Tenant,
  {
    view,
    writes,
    completes,
    now,
  }: {
    readonly view: OrderView;
    readonly writes: readonly Write[];
    /** The payment settles the order: its coupons' redemptions are counted too. */
    readonly completes: boolean;
    readonly now: Date;
  },
): Promise<Result<void>> {
  const couponIds = view.coupons.map((c) => c.id);
  if (!completes || couponIds.length === 0) {
    await writeAsOne(tx, writes);
    return ok(undefined);
  }
  // Several coupons are locked in id order first: two payments sharing them cannot deadlock.
  if (couponIds.length > 1) await lockCouponsByIds(tx, tenant, couponIds);
  const counted = await writeAsOneReturning(tx, writes, redeemCouponsQuery(tx, tenant, couponIds));
  for (const coupon of counted) {
    // As the coupon was before this redemption; only the rules that can change after the
    // coupon was applied.
    const rules = couponRules({ ...coupon, times_redeemed: coupon.times_redeemed - 1 });
    const checked = checkCoupon(rules, {
      currency: view.order.currency,
      subtotal: view.pricing.net.subtotal,
      applied: [],
      now,
    });
    if (!checked.ok) return checked;
  }
  return ok(undefined);
}

/** Re-checks the order's tracked stock under lock; returns the writes that take it. */
export async function takeStock(
  tx: Kysely<Database>,
  tenant: Tenant,
  view: OrderView,
): Promise<Result<Write[]>> {
  const wanted = quantitiesByProduct(view.lines);
  const products = await lockProductsByIds(tx, tenant, [...wanted.keys()]);
  const stock = checkStock(wanted, products);
  if (!stock.ok) return stock;
  return ok(
    products
      .filter((product) => product.inventory_tracked)
      .map((product) => adjustInventoryQuery(tx, product.id, -(wanted.get(product.id) ?? 0))),
  );
}

/** A payment that was to settle the order failed: the stock and redemptions go back. */
export async function giveBack(tx: Kysely<Database>, view: OrderView): Promise<void> {
  const tenant = { accountId: view.order.account_id, mode: view.order.mode };
  const wanted = quantitiesByProduct(view.lines);
  for (const product of await lockProductsByIds(tx, tenant, [...wanted.keys()])) {
    if (product.inventory_tracked)
      await adjustInventory(tx, product.id, wanted.get(product.id) ?? 0);
  }
  for (const coupon of await lockCouponsByIds(
    tx,
    tenant,
    view.coupons.map((c) => c.id),
  )) {
    await adjustRedemptions(tx, coupon.id, -1);
  }
}
