// The seed page's step 1, 1-create-order.ts. Edits: see README.md.
import { customer } from './account.js';
import { flint } from './flint.js';

export const order = await flint.orders.create({
  customerId: customer.id,
  lineItems: [
    {
      name: "Pro Plan - Annual",
      quantity: 1,
      unitPriceMoney: { amount: 9900, currency: "USD" },
    },
    {
      name: "Priority Support Add-on",
      quantity: 1,
      unitPriceMoney: { amount: 2900, currency: "USD" },
    },
  ],
});
// order.status → "OPEN"
// order.netAmounts.subtotalMoney → { amount: 12800 }
// order.netAmounts.taxMoney → { amount: 1024 }
// order.netAmounts.totalMoney → { amount: 13824 }
// order.netAmounts.balanceMoney → { amount: 13824 }
