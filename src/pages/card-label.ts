import type { PaymentIntentRow } from '../adapters/db/schema.js';
import type { CardBrand, CardDetails } from '../domain/card-details.js';
import { paymentCardOf } from '../resources/payment-intent.js';

const BRAND_NAMES: Record<CardBrand, string> = {
  visa: 'Visa',
  mastercard: 'Mastercard',
  amex: 'American Express',
  discover: 'Discover',
  diners: 'Diners Club',
  jcb: 'JCB',
  unionpay: 'UnionPay',
  unknown: 'Card',
};

/** "Visa •••• 4242": how a page names the card that paid, never more of its number. */
export function cardLabel(card: CardDetails): string {
  return `${BRAND_NAMES[card.brand]} •••• ${card.last4}`;
}

/** The label of a payment's card, or null before its processor named one. */
export function paymentCardLabel(payment: PaymentIntentRow): string | null {
  const card = paymentCardOf(payment);
  return card ? cardLabel(card) : null;
}
