import type { OrderAggregate } from '../adapters/db/repos/orders-repo.js';
import type { TaxRateRow } from '../adapters/db/schema.js';
import { availableActions, moneyOf } from '../domain/order-lifecycle.js';
import type { NetAmounts, Pricing } from '../domain/pricing.js';
import { modeAndTimes } from './object-times.js';

// The order as the API (and every event about it) shows it. Pure: rows in, JSON out.

/** An order as the API shows it: its rows, the rates it uses, and totals computed now. */
export interface OrderView extends OrderAggregate {
  readonly taxRates: readonly TaxRateRow[];
  readonly pricing: Pricing;
}

export interface Money {
  readonly amount: number;
  readonly currency: string;
}

export const money = (amount: number, currency: string): Money => ({ amount, currency });

export function netAmounts(net: NetAmounts, currency: string) {
  return {
    subtotal_money: money(net.subtotal, currency),
    discount_money: money(net.discount, currency),
    tax_money: money(net.tax, currency),
    shipping_money: money(net.shipping, currency),
    tip_money: money(net.tip, currency),
    total_money: money(net.total, currency),
    paid_money: money(net.paid, currency),
    refunded_money: money(net.refunded, currency),
    balance_money: money(net.balance, currency),
  };
}
export type NetAmountsResource = ReturnType<typeof netAmounts>;

export function orderResource(view: OrderView) {
  const { order, pricing } = view;
  const c = order.currency;
  const codes = new Map(view.coupons.map((cp) => [cp.id, cp.code]));
  const rates = new Map(view.taxRates.map((r) => [r.id, r]));
  return {
    order_id: order.id,
    object: 'order' as const,
    status: order.status,
    currency: c,
    customer_id: order.customer_id,
    line_items: view.lines.map((line, i) => {
      const priced = pricing.lines[i];
      if (!priced) throw new Error('pricing does not match the lines');
      return {
        line_item_id: line.id,
        object: 'line_item' as const,
        name: line.name,
        quantity: line.quantity,
        unit_price_money: money(line.unit_amount, c),
        product_id: line.product_id,
        price_id: line.price_id,
        tax_rate_ids: line.tax_exempt ? [] : (line.tax_rate_ids ?? []),
        tax_exempt: line.tax_exempt,
        gross_money: money(priced.gross, c),
        discount_money: money(priced.discount, c),
        tax_money: money(priced.tax, c),
        total_money: money(priced.total, c),
        applied_discounts: priced.discounts.map((d) => ({
          coupon_id: d.id,
          code: codes.get(d.id) ?? null,
          amount_money: money(d.amount, c),
        })),
        applied_taxes: priced.taxes.map((t) => ({
          tax_rate_id: t.id,
          amount_money: money(t.amount, c),
        })),
        metadata: line.metadata,
      };
    }),
    coupons: view.coupons.map((coupon, i) => ({
      coupon_id: coupon.id,
      code: coupon.code,
      percent_off: coupon.percent_off,
      amount_off: coupon.amount_off,
      stackable: coupon.stackable,
      discount_money: money(pricing.coupons[i]?.amount ?? 0, c),
    })),
    taxes: pricing.taxes.map((t) => ({
      tax_rate_id: t.taxRateId,
      display_name: rates.get(t.taxRateId)?.display_name ?? null,
      percentage: rates.get(t.taxRateId)?.percentage ?? null,
      inclusive: t.inclusive,
      taxable_money: money(t.taxable, c),
      amount_money: money(t.amount, c),
    })),
    shipping_money: money(order.shipping, c),
    tip_money: money(order.tip, c),
    credit_money: money(order.credit, c),
    exchange_for_order_id: order.exchange_for_order_id,
    payments: view.payments.map((p) => ({
      payment_intent_id: p.id,
      amount_money: money(p.amount, c),
      status: p.status,
      latest_charge: p.latest_charge,
    })),
    net_amounts: netAmounts(pricing.net, c),
    available_actions: [
      ...availableActions(order.status, moneyOf(view), { frozen: order.credit > 0 }),
    ],
    version: order.version,
    metadata: order.metadata,
    ...modeAndTimes(order),
  };
}
export type OrderResource = ReturnType<typeof orderResource>;
