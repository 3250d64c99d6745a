// The seed page's step 3, 3-pay-order.ts. Edits: see README.md.
import { updated } from './2-apply-coupon.js';
import { flint } from './flint.js';

export const result = await flint.orders.pay(updated.id, {
  paymentSourceTokens: ["tok_visa"],
  buyerEmail: "alex@example.com",
});
// No amount specified - derived from order balance.
// Card charged via Stripe. Order status → PAID.
// result.order.netAmounts.paidMoney → { amount: 11059 }
// result.order.netAmounts.balanceMoney → { amount: 0 }
