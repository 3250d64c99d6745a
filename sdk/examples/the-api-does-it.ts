// The seed page's "Flint - the API does it" block. Edits: see README.md.
import './account.js';
import { flint } from './flint.js';

// Create an order - totals computed
export const order = await flint.orders.create({
  lineItems: [
    { name: "Pro Plan", quantity: 1,
      unitPriceMoney: { amount: 9900 } },
    { name: "Support Add-on", quantity: 1,
      unitPriceMoney: { amount: 2900 } },
  ],
});
// order.netAmounts.totalMoney → 13824
// (subtotal + tax, auto-computed)
// Apply a coupon
await flint.orders.applyCoupon(order.orderId, {
  couponCode: "LAUNCH20",
});
// Totals recomputed with discount + tax
// Pay - amount derived from order
export const result = await flint.orders.pay(order.orderId, {
  paymentSourceTokens: ["tok_visa"],
});
// status → PAID. No manual calculation.
// Refund - state auto-transitions
await flint.refunds.create({
  paymentIntentId: result.order.payments[0].id,
  amountMoney: { amount: 2900, currency: "USD" },
  reason: "requested_by_customer",
});
// status → PARTIALLY_REFUNDED. Done.
