// The seed page's step 5, 5-final-state.ts. Edits: see README.md.
import { refund } from './4-refund.js';
import { flint } from './flint.js';

export const order = await flint.orders.get(refund.orderId);
// order.status → "partially_refunded"
// order.netAmounts.totalMoney → { amount: 11059 }
// order.netAmounts.paidMoney → { amount: 11059 }
// order.netAmounts.refundedMoney → { amount: 2900 }
// order.netAmounts.balanceMoney → { amount: 0 }
// No manual reconciliation. No webhook state machine.
