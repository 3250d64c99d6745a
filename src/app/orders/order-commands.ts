import type { Kysely } from 'kysely';
import { closeOpenSessionsQuery } from '../../adapters/db/repos/checkout-sessions-repo.js';
import { findCouponByCode } from '../../adapters/db/repos/coupons-repo.js';
import { selectCreditHeldByOrder } from '../../adapters/db/repos/customer-balance-repo.js';
import { selectCustomerById } from '../../adapters/db/repos/customers-repo.js';
import { selectFreezingInvoice } from '../../adapters/db/repos/invoices-repo.js';
import {
  deleteOrderCoupon,
  insertOrderCoupon,
  replaceOrderLines,
} from '../../adapters/db/repos/orders-repo.js';
import type { Database, OrderRow } from '../../adapters/db/schema.js';
import { checkCoupon } from '../../domain/coupons.js';
import { fail, missing, ok, type Result } from '../../domain/errors.js';
import { type Metadata, updatedMetadata } from '../../domain/metadata.js';
import {
  moneyOf,
  type OrderAction,
  requireAction,
  TERMINAL_BY_ACTION,
} from '../../domain/order-lifecycle.js';
import type { Tenant } from '../../domain/tenant.js';
import type { OrderView } from '../../resources/order.js';
import { closedSessionEvents } from '../checkout/checkout-session-events.js';
import { giveBackOrderCreditIn } from '../customers/customer-balance.js';
import { linksEndedWithOrder } from '../recovery-links/links-follow-order.js';
import type { ChangeContext } from '../shared/command-context.js';
import { changeOrderView } from './change-order.js';
import { amountIn } from './create-order.js';
import { type LineItemInput, type MoneyInput, resolveLines } from './order-lines.js';
import { couponRules, subtotalOf } from './order-pricing.js';

export interface UpdateOrderInput {
  /** Replaces all the line items. */
  readonly line_items?: readonly LineItemInput[] | undefined;
  readonly shipping_money?: MoneyInput | undefined;
  readonly tip_money?: MoneyInput | undefined;
  readonly customer_id?: string | null | undefined;
  /** Merged into the current metadata; "" removes a key. Allowed in every status. */
  readonly metadata?: Metadata | undefined;
}

/** The coupon a command applies or removes, by its code (any case). */
export interface CouponInput {
  readonly orderId: string;
  readonly code: string;
}

/**
 * An order billed by a finalized invoice (or one awaiting approval) is frozen: what it
 * sells and its coupons stay what the invoice says, and it cannot be canceled under it.
 * Voiding the invoice thaws it. Read under the order's lock, which finalizing takes too.
 */
async function requireNotInvoiced(
  tx: Kysely<Database>,
  tenant: Tenant,
  { id: orderId, credit }: Pick<OrderRow, 'id' | 'credit'>,
): Promise<Result<void>> {
  // A credited order (an exchange's follow-up, an order on the customer's balance) holds
  // its credit: what it sells is what was credited.
  if (credit > 0) {
    return fail({
      code: 'order_state_invalid',
      message:
        'The order is credited (by its return, or the customer balance): its lines cannot change',
      loc: ['status'],
      details: { credit },
    });
  }
  const invoice = await selectFreezingInvoice(tx, tenant, orderId);
  if (!invoice) return ok(undefined);
  return fail({
    code: 'order_state_invalid',
    message: `The order is billed by invoice ${invoice.id} (${invoice.status}): void it to change the order`,
    loc: ['status'],
    details: { invoice_id: invoice.id },
  });
}

/** Re-checks every applied coupon against the order as it would now be. */
function recheckCoupons(view: OrderView, subtotal: number, now: Date): Result<void> {
  const applied = view.coupons.map(couponRules);
  for (const [i, coupon] of applied.entries()) {
    const result = checkCoupon(
      { ...coupon, active: true, redeemBy: null }, // already applied: only the order-dependent rules
      { currency: view.order.currency, subtotal, applied: applied.slice(0, i), now },
    );
    if (!result.ok) return result;
  }
  return ok(undefined);
}

export async function updateOrder(
  ctx: ChangeContext,
  { orderId, changes: input }: { readonly orderId: string; readonly changes: UpdateOrderInput },
): Promise<Result<OrderView>> {
  const { tenant } = ctx;
  return changeOrderView(ctx, orderId, async (current, tx, now) => {
    const { order } = current;
    const structural =
      input.line_items !== undefined ||
      input.shipping_money !== undefined ||
      input.tip_money !== undefined ||
      input.customer_id !== undefined;
    const allowed = requireAction(
      order.status,
      structural ? 'update' : 'update_metadata',
      moneyOf(current),
    );
    if (!allowed.ok) return allowed;
    if (structural) {
      const unfrozen = await requireNotInvoiced(tx, tenant, order);
      if (!unfrozen.ok) return unfrozen;
    }

    const merged = updatedMetadata(order.metadata, input.metadata, 'order');
    if (!merged.ok) return merged;
    const metadata = merged.value;
    if (input.customer_id && !(await selectCustomerById(tx, tenant, input.customer_id))) {
      return fail({ ...missing('customer'), loc: ['order', 'customer_id'] });
    }
    const shipping = input.shipping_money
      ? amountIn(input.shipping_money, order.currency, ['order', 'shipping_money'])
      : ok(order.shipping);
    if (!shipping.ok) return shipping;
    const tip = input.tip_money
      ? amountIn(input.tip_money, order.currency, ['order', 'tip_money'])
      : ok(order.tip);
    if (!tip.ok) return tip;
    let lines = current.lines;
    if (input.line_items !== undefined) {
      const resolved = await resolveLines(tx, tenant, {
        orderId: order.id,
        currency: order.currency,
        inputs: input.line_items,
      });
      if (!resolved.ok) return resolved;
      lines = resolved.value.lines;
    }
    const subtotal = subtotalOf(lines);
    const coupons = recheckCoupons(current, subtotal, now);
    if (!coupons.ok) return coupons;
    const next = {
      ...current,
      lines,
      order: {
        ...order,
        metadata,
        shipping: shipping.value,
        tip: tip.value,
        customer_id: input.customer_id === undefined ? order.customer_id : input.customer_id,
      },
    };
    return ok({
      aggregate: next,
      event: 'order.updated' as const,
      persist:
        input.line_items === undefined ? undefined : (db) => replaceOrderLines(db, order.id, lines),
    });
  });
}

/** Applies a coupon by code (any case), checking every coupon rule under the order's lock. */
export async function applyCoupon(
  ctx: ChangeContext,
  { orderId, code }: CouponInput,
): Promise<Result<OrderView>> {
  return changeOrderView(ctx, orderId, async (current, tx, now) => {
    const allowed = requireAction(current.order.status, 'apply_coupon', moneyOf(current));
    if (!allowed.ok) return allowed;
    const unfrozen = await requireNotInvoiced(tx, ctx.tenant, current.order);
    if (!unfrozen.ok) return unfrozen;
    const coupon = await findCouponByCode(tx, ctx.tenant, code);
    if (!coupon) return fail({ ...missing('coupon'), loc: ['coupon_code'] });
    const checked = checkCoupon(couponRules(coupon), {
      currency: current.order.currency,
      subtotal: current.pricing.net.subtotal,
      applied: current.coupons.map(couponRules),
      now,
    });
    if (!checked.ok) return checked;
    return ok({
      aggregate: { ...current, coupons: [...current.coupons, coupon] },
      event: 'order.updated' as const,
      persist: (db) => insertOrderCoupon(db, current.order.id, coupon.id),
    });
  });
}

export async function removeCoupon(
  ctx: ChangeContext,
  { orderId, code }: CouponInput,
): Promise<Result<OrderView>> {
  return changeOrderView(ctx, orderId, async (current, tx) => {
    const allowed = requireAction(current.order.status, 'remove_coupon', moneyOf(current));
    if (!allowed.ok) return allowed;
    const unfrozen = await requireNotInvoiced(tx, ctx.tenant, current.order);
    if (!unfrozen.ok) return unfrozen;
    const coupon = current.coupons.find((c) => c.code.toUpperCase() === code.toUpperCase());
    if (!coupon) {
      return fail({
        code: 'resource_missing',
        message: 'coupon is not applied to this order',
        loc: ['coupon_code'],
      });
    }
    return ok({
      aggregate: { ...current, coupons: current.coupons.filter((c) => c.id !== coupon.id) },
      event: 'order.updated' as const,
      persist: (db) => deleteOrderCoupon(db, current.order.id, coupon.id),
    });
  });
}

/**
 * Cancels an OPEN order or closes a paid one. A canceled order can no longer be paid:
 * its open checkout sessions expire with it, in the same statement, and the credit it took
 * from its customer's balance goes back to the balance (`unapplied_from_order`).
 */
export async function endOrder(
  ctx: ChangeContext,
  {
    orderId,
    action,
  }: { readonly orderId: string; readonly action: Extract<OrderAction, 'cancel' | 'close'> },
): Promise<Result<OrderView>> {
  return changeOrderView(ctx, orderId, async (current, tx, now) => {
    const allowed = requireAction(current.order.status, action, moneyOf(current));
    if (!allowed.ok) return allowed;
    // Credit taken from the customer's balance goes back to it on cancel; a return's credit
    // (an exchange's follow-up) keeps the order from being canceled.
    const { customer_id: customerId, credit } = current.order;
    const fromBalance =
      action === 'cancel' && credit > 0 && customerId
        ? await selectCreditHeldByOrder(tx, ctx.tenant, current.order.id)
        : 0;
    if (action === 'cancel') {
      const unfrozen = await requireNotInvoiced(tx, ctx.tenant, {
        id: current.order.id,
        credit: credit - fromBalance,
      });
      if (!unfrozen.ok) return unfrozen;
    }
    const status = TERMINAL_BY_ACTION[action];
    const aggregate = { ...current, order: { ...current.order, status } };
    if (action === 'close') return ok({ aggregate, event: 'order.closed' as const });
    if (fromBalance > 0 && customerId) {
      const given = await giveBackOrderCreditIn(tx, ctx.tenant, {
        orderId: current.order.id,
        customerId,
        currency: current.order.currency,
        now,
      });
      if (!given.ok) return given;
    }
    // Its open checkout sessions expire and its recovery links are deactivated with it.
    const links = linksEndedWithOrder(tx, ctx, {
      orderId: current.order.id,
      currency: current.order.currency,
      balance: current.pricing.net.balance,
      end: 'deactivated',
      now,
    });
    return ok({
      aggregate,
      event: 'order.canceled' as const,
      conditional: {
        writes: {
          sessions: closeOpenSessionsQuery(tx, current.order.id, 'expired', now),
          links: links.write,
        },
        decide: (rows) =>
          ok([
            ...closedSessionEvents(ctx, {
              type: 'checkout.session.expired',
              rows: rows.sessions,
              now,
              publicUrl: ctx.deps.publicUrl,
            }),
            ...links.events(rows.links),
          ]),
      },
    });
  });
}
