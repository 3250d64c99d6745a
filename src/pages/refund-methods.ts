import type { RefundMethod } from '../domain/refunds/refund-values.js';

/** How the money goes back, in the operator's words. */
export const METHOD_LABELS: Readonly<Record<RefundMethod, string>> = {
  original_payment_method: 'To the card, through the processor',
  cash: 'Cash, returned outside Flint',
  bank_transfer: 'Bank transfer, made outside Flint',
  check: 'Check, sent outside Flint',
  store_credit: 'Store credit, given outside Flint',
  other: 'Another way, outside Flint',
};
