// The seed page's step 4, 4-refund.ts. Edits: see README.md.
import { result } from './3-pay-order.js';
import { flint } from './flint.js';

export const refund = await flint.refunds.create({
  paymentIntentId: result.order.payments[0].id,
  amountMoney: { amount: 2900, currency: "USD" },
  reason: "requested_by_customer",
  idempotencyKey: "refund-support-addon-01",
});
// Stripe processes the refund.
// Order status auto-transitions → partially_refunded.
// refund.status → "pending"
