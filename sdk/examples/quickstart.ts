// The seed page's quickstart.ts. Edits: see README.md.
import { flint } from './flint.js';

export const order = await flint.orders.create({
  lineItems: [{
    name: "Pro Plan - Annual",
    quantity: 1,
    unitPriceMoney: { amount: 9900 },
  }],
});
export const result = await flint.orders.pay({
  orderId: order.id,
  paymentSourceTokens: ["tok_visa"],
});
// order.status → "PAID"
// Total, tax, balance: all computed.
