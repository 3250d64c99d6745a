import type { Kysely } from 'kysely';
import { selectTaxRatesByIds } from '../../adapters/db/repos/catalog-lookups-repo.js';
import type {
  OrderAggregate,
  OrderAggregateWithRates,
} from '../../adapters/db/repos/orders-repo.js';
import type { CouponRow, Database, OrderRow, TaxRateRow } from '../../adapters/db/schema.js';
import type { CouponRules } from '../../domain/coupons.js';
import { type Failure, fail, ok, type Result } from '../../domain/errors.js';
import { type Decimal, MAX_AMOUNT, parseDecimal } from '../../domain/money.js';
import {
  type CouponTerms,
  type Pricing,
  priceOrder,
  type TaxRateTerms,
} from '../../domain/pricing.js';
import type { Tenant } from '../../domain/tenant.js';
import type { OrderView } from '../../resources/order.js';

function decimal(text: string): Decimal {
  const value = parseDecimal(text);
  if (!value) throw new Error(`stored decimal is malformed: ${text}`);
  return value;
}

export function couponTerms(row: CouponRow): CouponTerms {
  const appliesTo = row.applies_to;
  return row.percent_off !== null
    ? { id: row.id, kind: 'percent', percentOff: decimal(row.percent_off), appliesTo }
    : { id: row.id, kind: 'amount', amountOff: row.amount_off ?? 0, appliesTo };
}

export function couponRules(row: CouponRow): CouponRules {
  return {
    id: row.id,
    code: row.code,
    kind: row.percent_off !== null ? 'percent' : 'amount',
    percentOff: row.percent_off !== null ? decimal(row.percent_off) : null,
    amountOff: row.amount_off,
    currency: row.currency,
    maxRedemptions: row.max_redemptions,
    timesRedeemed: row.times_redeemed,
    redeemBy: row.redeem_by,
    minSubtotal: row.min_subtotal,
    appliesTo: row.applies_to,
    stackable: row.stackable,
    active: row.active,
  };
}

function rateTerms(row: TaxRateRow): TaxRateTerms {
  return { id: row.id, percentage: decimal(row.percentage), inclusive: row.inclusive };
}

/** Totals for an aggregate, given the tax rates it references. */
export function priceWith(aggregate: OrderAggregate, taxRates: readonly TaxRateRow[]): Pricing {
  const { order } = aggregate;
  return priceOrder({
    lines: aggregate.lines.map((line) => ({
      id: line.id,
      productId: line.product_id,
      quantity: line.quantity,
      unitAmount: line.unit_amount,
      taxRateIds: line.tax_exempt ? [] : (line.tax_rate_ids ?? []),
    })),
    coupons: aggregate.coupons.map(couponTerms),
    taxRates: new Map(taxRates.map((rate) => [rate.id, rateTerms(rate)])),
    shipping: order.shipping,
    shippingTaxRateIds: order.shipping_tax_rate_ids,
    tip: order.tip,
    credit: order.credit,
    paid: order.paid,
    refunded: order.refunded,
  });
}

export function taxRateIdsOf(aggregate: OrderAggregate): string[] {
  return [
    ...new Set([
      ...aggregate.lines.flatMap((l) => l.tax_rate_ids ?? []),
      ...aggregate.order.shipping_tax_rate_ids,
    ]),
  ];
}

/** Prices an order with the rates it references (looked up unless read with it). */
export async function viewOrder(
  db: Kysely<Database>,
  tenant: Tenant,
  aggregate: OrderAggregate | OrderAggregateWithRates,
): Promise<OrderView> {
  const taxRates =
    'taxRates' in aggregate
      ? aggregate.taxRates
      : await selectTaxRatesByIds(db, tenant, taxRateIdsOf(aggregate));
  return { ...aggregate, taxRates, pricing: priceWith(aggregate, taxRates) };
}

/** The order row with its stored totals brought up to date. */
export function withTotals(order: OrderRow, pricing: Pricing): OrderRow {
  const { net } = pricing;
  return {
    ...order,
    subtotal: net.subtotal,
    discount: net.discount,
    tax: net.tax,
    total: net.total,
    balance: net.balance,
  };
}

/** Prices an aggregate, refusing totals beyond the largest accepted amount. */
export function priceWithinLimits(
  aggregate: OrderAggregate,
  taxRates: readonly TaxRateRow[],
): Result<Pricing> {
  let pricing: Pricing;
  try {
    pricing = priceWith(aggregate, taxRates);
  } catch (err) {
    if (err instanceof RangeError) return fail(tooLarge());
    throw err;
  }
  const { net } = pricing;
  const largest = Math.max(net.subtotal, net.total, ...pricing.lines.map((l) => l.gross));
  return largest > MAX_AMOUNT ? fail(tooLarge()) : ok(pricing);
}

function tooLarge(): Failure {
  return {
    code: 'parameter_invalid',
    message: `Order amounts cannot exceed ${MAX_AMOUNT} in minor units`,
    loc: ['order', 'line_items'],
    details: { maximum_amount: MAX_AMOUNT },
  };
}

/** Σ unit amount × quantity, exact even beyond the largest amount (for comparisons). */
export function subtotalOf(lines: readonly { unit_amount: number; quantity: number }[]): number {
  return Number(lines.reduce((acc, l) => acc + BigInt(l.unit_amount) * BigInt(l.quantity), 0n));
}
