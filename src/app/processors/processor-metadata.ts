import type { PaymentIntentRow, RefundRow } from '../../adapters/db/schema.js';

// What Flint tells the processor about the objects it creates there. Stripe echoes it in
// its webhooks: the account and mode say whose secret verifies the signature, the ids
// which Flint object moves.

export function chargeMetadata(intent: PaymentIntentRow): Record<string, string> {
  return {
    flint_account_id: intent.account_id,
    flint_mode: intent.mode,
    flint_order_id: intent.order_id,
    flint_payment_intent_id: intent.id,
  };
}

export function refundMetadata(
  refund: Pick<RefundRow, 'id' | 'account_id' | 'mode' | 'order_id'>,
  paymentIntentId: string,
): Record<string, string> {
  return {
    flint_account_id: refund.account_id,
    flint_mode: refund.mode,
    flint_order_id: refund.order_id,
    flint_refund_id: refund.id,
    flint_payment_intent_id: paymentIntentId,
  };
}
