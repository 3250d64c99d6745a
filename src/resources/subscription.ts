import type { SubscriptionRow } from '../adapters/db/schema-subscriptions.js';
import {
  subscriptionActions,
  subscriptionFactsOf,
} from '../domain/subscriptions/subscription-state.js';
import { iso, modeAndTimes } from './object-times.js';
import { money } from './order.js';

// A subscription as the API (and every event about it) shows it. Pure: its row in, JSON out.

export function subscriptionResource(row: SubscriptionRow) {
  const c = row.currency;
  return {
    subscription_id: row.id,
    object: 'subscription' as const,
    customer_id: row.customer_id,
    status: row.status,
    items: row.items.map((item) => ({
      subscription_item_id: item.id,
      plan_id: item.plan_id,
      plan_version: item.plan_version,
      plan_name: item.plan_name,
      quantity: item.quantity,
      lines: item.lines.map((line) => ({
        name: line.name,
        unit_price_money: money(line.unit_amount, c),
        quantity: line.quantity,
        price_id: line.price_id,
        product_id: line.product_id,
      })),
    })),
    currency: c,
    interval: row.interval,
    interval_count: row.interval_count,
    billing_cycle_anchor: iso(row.billing_cycle_anchor),
    current_period_start: iso(row.current_period_start),
    current_period_end: iso(row.current_period_end),
    trial_start: iso(row.trial_start),
    trial_end: iso(row.trial_end),
    cancel_at_period_end: row.cancel_at_period_end,
    cancel_at: row.cancel_at_period_end ? iso(row.current_period_end) : null,
    canceled_at: iso(row.canceled_at),
    ended_at: iso(row.ended_at),
    cancellation_reason: row.cancellation_reason,
    pause_collection: row.pause_collection,
    default_payment_method_id: row.default_payment_method_id,
    discount: row.coupon,
    latest_invoice_id: row.latest_invoice_id,
    test_clock: row.test_clock_id,
    available_actions: subscriptionActions(subscriptionFactsOf(row)),
    metadata: row.metadata,
    ...modeAndTimes(row),
  };
}
export type SubscriptionResource = ReturnType<typeof subscriptionResource>;
