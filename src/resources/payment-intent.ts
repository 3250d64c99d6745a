import type { PaymentIntentRow } from '../adapters/db/schema.js';

/** The payment intent as the API shows it; flat amounts, as the refund guide shows them. */
export function paymentIntentResource(row: PaymentIntentRow) {
  return {
    payment_intent_id: row.id,
    object: 'payment_intent' as const,
    order_id: row.order_id,
    amount: row.amount,
    amount_received: row.amount_received,
    currency: row.currency,
    status: row.status,
    latest_charge: row.latest_charge,
    processor: row.processor,
    buyer_email: row.buyer_email,
    last_payment_error:
      row.failure_code === null ? null : { code: row.failure_code, message: row.failure_message },
    metadata: row.metadata,
    test_mode: row.mode === 'test',
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}
export type PaymentIntentResource = ReturnType<typeof paymentIntentResource>;
