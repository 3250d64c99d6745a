import type { PaymentMethodRow } from '../adapters/db/schema-payment-methods.js';
import { iso, modeAndTimes } from './object-times.js';
import { paymentCardOf } from './payment-intent.js';

/** The saved card as the processor reported it (Stripe's `card` hash), or null. */
function cardOf(row: PaymentMethodRow) {
  const card = paymentCardOf(row);
  if (!card) return null;
  return {
    brand: card.brand,
    last4: card.last4,
    exp_month: card.expMonth,
    exp_year: card.expYear,
    ...(card.funding ? { funding: card.funding } : {}),
  };
}

/** A customer's saved payment method as the API and its events show it. */
export function paymentMethodResource(row: PaymentMethodRow) {
  return {
    payment_method_id: row.id,
    object: 'payment_method' as const,
    customer_id: row.customer_id,
    type: 'card' as const,
    card: cardOf(row),
    processor: row.processor,
    processor_payment_method_id: row.processor_payment_method_id,
    status: row.status,
    detached_at: iso(row.detached_at),
    metadata: row.metadata,
    ...modeAndTimes(row),
  };
}
export type PaymentMethodResource = ReturnType<typeof paymentMethodResource>;
