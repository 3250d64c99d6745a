import type { PaymentIntentRow } from '../adapters/db/schema.js';
import type { CardDetails } from '../domain/card-details.js';
import { modeAndTimes } from './object-times.js';

/** The card columns a payment intent (or a saved payment method) keeps. */
type CardColumns = Pick<
  PaymentIntentRow,
  'card_brand' | 'card_last4' | 'card_exp_month' | 'card_exp_year' | 'card_funding'
>;

/** The card a payment intent's processor reported (or a saved method's), or null before it said. */
export function paymentCardOf(row: CardColumns): CardDetails | null {
  if (
    row.card_brand === null ||
    row.card_last4 === null ||
    row.card_exp_month === null ||
    row.card_exp_year === null
  ) {
    return null;
  }
  return {
    brand: row.card_brand,
    last4: row.card_last4,
    expMonth: row.card_exp_month,
    expYear: row.card_exp_year,
    funding: row.card_funding,
  };
}

/** Stripe's shape: the method's type, and its details under that type's key. */
function paymentMethodDetails(row: PaymentIntentRow) {
  const card = paymentCardOf(row);
  if (!card) return null;
  return {
    type: 'card' as const,
    card: {
      brand: card.brand,
      last4: card.last4,
      exp_month: card.expMonth,
      exp_year: card.expYear,
      ...(card.funding ? { funding: card.funding } : {}),
    },
  };
}

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
    payment_method_details: paymentMethodDetails(row),
    payment_method_id: row.payment_method_id,
    off_session: row.off_session,
    metadata: row.metadata,
    ...modeAndTimes(row),
  };
}
export type PaymentIntentResource = ReturnType<typeof paymentIntentResource>;
