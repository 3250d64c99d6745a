// The seed page's step 2, 2-apply-coupon.ts. Edits: see README.md.
import { order } from './1-create-order.js';
import { flint } from './flint.js';

export const updated = await flint.orders.applyCoupon(order.id, {
  couponCode: "LAUNCH20",
});
// 20% off applied. Server recomputed everything:
// updated.netAmounts.subtotalMoney → { amount: 12800 }
// updated.netAmounts.discountMoney → { amount: 2560 }
// updated.netAmounts.taxMoney → { amount: 819 }
// updated.netAmounts.totalMoney → { amount: 11059 }
// updated.netAmounts.balanceMoney → { amount: 11059 }
