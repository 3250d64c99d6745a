import type { RefundAggregate } from '../adapters/db/repos/refunds-repo.js';
import { nextActionsOf } from '../domain/refunds/refund-next-actions.js';
import type { RefundFailureReason } from '../domain/refunds/refund-values.js';

/** The refund as the refund guide shows it, plus Flint's order-first fields. */
export function refundResource({ refund, items, lines }: RefundAggregate) {
  return {
    refund_id: refund.id,
    object: 'refund' as const,
    payment_intent_id: refund.payment_intent_id,
    amount: refund.amount,
    /** What has reached the buyer so far: the parts that succeeded. */
    amount_refunded: items
      .filter((item) => item.status === 'succeeded')
      .reduce((n, item) => n + item.amount, 0),
    status: refund.status,
    reason: refund.reason,
    created_at: refund.created_at.toISOString(),
    test_mode: refund.mode === 'test',
    metadata: refund.metadata,
    reference_id: refund.reference_id,
    reference_type: refund.reference_type,
    reference_status: refund.reference_status,
    items: items.map((item) => ({
      amount_refunded: item.amount,
      payment_intent: item.payment_intent_id,
      status: item.status,
      reference_id: item.reference_id,
      reference_type: refund.reference_type,
      reference_status: item.reference_status,
    })),
    order_id: refund.order_id,
    checkout_session_id: refund.checkout_session_id,
    currency: refund.currency,
    amount_tax: refund.amount_tax,
    amount_shipping: refund.amount_shipping,
    amount_discount: refund.amount_discount,
    line_items: lines.map((line) => ({
      line_item_id: line.line_item_id,
      amount: line.amount,
      amount_tax: line.amount_tax,
    })),
    method: refund.method,
    replaces_refund_id: refund.replaces_refund_id,
    failure_reason: refund.failure_reason,
    next_actions: nextActionsOf(refund.status, refund.failure_reason as RefundFailureReason | null),
    updated_at: refund.updated_at.toISOString(),
  };
}
export type RefundResource = ReturnType<typeof refundResource>;
