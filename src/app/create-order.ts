import type { Kysely } from 'kysely';
import { writeAsOne } from '../adapters/db/one-statement.js';
import { selectAccountById } from '../adapters/db/repos/accounts-repo.js';
import { findCouponByCode } from '../adapters/db/repos/coupons-repo.js';
import { selectCustomerById } from '../adapters/db/repos/customers-repo.js';
import { insertEventsQuery } from '../adapters/db/repos/events-repo.js';
import { insertOrderQueries } from '../adapters/db/repos/orders-repo.js';
import type { CouponRow, Database, OrderRow } from '../adapters/db/schema.js';
import { checkCoupon } from '../domain/coupons.js';
import { fail, missing, ok, type Result } from '../domain/errors.js';
import { type Metadata, withoutEmptyValues } from '../domain/metadata.js';
import type { Tenant } from '../domain/tenant.js';
import type { Deps } from './deps.js';
import { type Actor, orderEvent } from './events.js';
import { newId } from './ids.js';
import { type LineItemInput, type MoneyInput, orderCurrency, resolveLines } from './order-lines.js';
import {
  couponRules,
  type OrderView,
  priceWithinLimits,
  subtotalOf,
  taxRateIdsOf,
  withTotals,
} from './order-pricing.js';

export interface CreateOrderInput {
  readonly currency?: string | undefined;
  readonly customer_id?: string | undefined;
  readonly line_items: readonly LineItemInput[];
  readonly shipping_money?: MoneyInput | undefined;
  readonly tip_money?: MoneyInput | undefined;
  /** Applied in this order, with every coupon rule checked. */
  readonly coupon_codes?: readonly string[] | undefined;
  readonly metadata?: Metadata | undefined;
}

/** Checks an optional money input is in the order's currency; returns its amount. */
export function amountIn(
  input: MoneyInput | undefined,
  currency: string,
  loc: readonly string[],
): Result<number> {
  if (!input) return ok(0);
  if (input.currency !== undefined && input.currency.toUpperCase() !== currency) {
    return fail({
      code: 'currency_mismatch',
      message: `Amounts must be in ${currency}`,
      loc: [...loc, 'currency'],
    });
  }
  return ok(input.amount);
}

/**
 * Creates an OPEN order: resolves its lines (prices, products, tax rates, stock),
 * prices it, and writes the order, its lines and `order.created` in one transaction.
 */
export async function createOrder(
  deps: Deps,
  tenant: Tenant,
  actor: Actor,
  input: CreateOrderInput,
): Promise<Result<OrderView>> {
  return deps.db.transaction().execute(async (tx) => {
    const account = await selectAccountById(tx, tenant.accountId);
    if (!account) throw new Error(`account ${tenant.accountId} vanished`);
    if (input.customer_id && !(await selectCustomerById(tx, tenant, input.customer_id))) {
      return fail({ ...missing('customer'), loc: ['order', 'customer_id'] });
    }
    const currency = await orderCurrency(
      tx,
      tenant,
      input.currency,
      input.line_items,
      account.default_currency,
    );
    if (!currency.ok) return currency;
    const shipping = amountIn(input.shipping_money, currency.value, ['order', 'shipping_money']);
    if (!shipping.ok) return shipping;
    const tip = amountIn(input.tip_money, currency.value, ['order', 'tip_money']);
    if (!tip.ok) return tip;

    const id = newId('ord');
    const lines = await resolveLines(tx, tenant, id, currency.value, input.line_items);
    if (!lines.ok) return lines;
    const { explicitRates, defaultRates } = lines.value;
    const shippingRates = account.tax_shipping ? defaultRates.map((r) => r.id) : [];
    const now = deps.clock.now();
    const order: OrderRow = {
      id,
      account_id: tenant.accountId,
      mode: tenant.mode,
      status: 'OPEN',
      currency: currency.value,
      customer_id: input.customer_id ?? null,
      shipping: shipping.value,
      shipping_tax_rate_ids: shippingRates,
      tip: tip.value,
      paid: 0,
      refunded: 0,
      subtotal: 0,
      discount: 0,
      tax: 0,
      total: 0,
      balance: 0,
      version: 1,
      metadata: withoutEmptyValues(input.metadata ?? {}),
      created_at: now,
      updated_at: now,
    };
    const coupons = await couponsByCode(tx, tenant, input.coupon_codes ?? [], {
      currency: currency.value,
      subtotal: subtotalOf(lines.value.lines),
      now,
    });
    if (!coupons.ok) return coupons;
    const draft = { order, lines: lines.value.lines, coupons: coupons.value, payments: [] };
    // The rates were loaded while resolving the lines: no second look-up.
    const known = new Map([...explicitRates, ...defaultRates].map((r) => [r.id, r]));
    const taxRates = taxRateIdsOf(draft).flatMap((rateId) => known.get(rateId) ?? []);
    const pricing = priceWithinLimits(draft, taxRates);
    if (!pricing.ok) return pricing;
    const view: OrderView = {
      ...draft,
      order: withTotals(order, pricing.value),
      taxRates,
      pricing: pricing.value,
    };
    // The order, its lines and coupons and its event: one statement, one round trip.
    await writeAsOne(tx, [
      ...insertOrderQueries(tx, view),
      insertEventsQuery(tx, [orderEvent(tenant, actor, 'order.created', view, null, now)]),
    ]);
    return ok(view);
  });
}

/** Looks up coupons by code and checks each against the order and those before it. */
async function couponsByCode(
  db: Kysely<Database>,
  tenant: Tenant,
  codes: readonly string[],
  order: { readonly currency: string; readonly subtotal: number; readonly now: Date },
): Promise<Result<CouponRow[]>> {
  const coupons: CouponRow[] = [];
  for (const [i, code] of codes.entries()) {
    const coupon = await findCouponByCode(db, tenant, code);
    if (!coupon) return fail({ ...missing('coupon'), loc: ['order', 'coupon_codes', i] });
    const checked = checkCoupon(couponRules(coupon), {
      ...order,
      applied: coupons.map(couponRules),
    });
    if (!checked.ok) return fail({ ...checked.error, loc: ['order', 'coupon_codes', i] });
    coupons.push(coupon);
  }
  return ok(coupons);
}
