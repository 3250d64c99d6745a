import type { ReturnRow } from '../adapters/db/schema-returns.js';
import { returnActions, returnFactsOf } from '../domain/returns/return-state.js';
import { iso, modeAndTimes } from './object-times.js';
import { money } from './order.js';

// A return as the API (and every event about it) shows it. Pure: its row in, JSON out.

export function returnResource(row: ReturnRow) {
  const c = row.currency;
  return {
    return_id: row.id,
    object: 'return' as const,
    order_id: row.order_id,
    status: row.status,
    reason: row.reason,
    restock: row.restock,
    refund_on: row.refund_on,
    line_items: row.line_items.map((line) => ({
      line_item_id: line.line_item_id,
      quantity: line.quantity,
      amount_money: money(line.amount, c),
      tax_money: money(line.tax, c),
      total_money: money(line.amount + line.exclusive_tax, c),
    })),
    credit_money: money(row.credit, c),
    exchange_line_items: row.exchange_line_items,
    exchange_order_id: row.exchange_order_id,
    refund_id: row.refund_id,
    credit_refund_id: row.credit_refund_id,
    available_actions: returnActions(returnFactsOf(row)),
    settled_at: iso(row.settled_at),
    received_at: iso(row.received_at),
    completed_at: iso(row.completed_at),
    canceled_at: iso(row.canceled_at),
    metadata: row.metadata,
    ...modeAndTimes(row),
  };
}
export type ReturnResource = ReturnType<typeof returnResource>;
