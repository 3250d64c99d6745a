// The seed page's five-call walkthrough with the SDK: create an order (totals computed),
// apply a coupon, pay, refund the support add-on, read the order back.
//
// The account needs the page's setup: an 8 % default tax rate and the LAUNCH20 coupon
// (20 % off); `prepareAccount` makes them. The test suite runs this against a real server
// (test/sdk-walkthrough.http.test.ts) and checks every printed line.
import type { Flint } from 'flint-sdk';

export async function prepareAccount(flint: Flint): Promise<void> {
  await flint.taxRates.create({
    displayName: 'Sales tax',
    percentage: '8',
    inclusive: false,
    default: true,
  });
  await flint.coupons.create({ code: 'LAUNCH20', percentOff: '20' });
}

export async function walkthrough(flint: Flint, print: (line: string) => void): Promise<void> {
  // 1. Create an order: totals computed.
  const order = await flint.orders.create({
    lineItems: [
      { name: 'Pro Plan', quantity: 1, unitPriceMoney: { amount: 9900 } },
      { name: 'Support Add-on', quantity: 1, unitPriceMoney: { amount: 2900 } },
    ],
  });
  print(`order.netAmounts.totalMoney → ${order.netAmounts.totalMoney.amount}`);

  // 2. Apply a coupon: totals recomputed with discount and tax.
  const discounted = await flint.orders.applyCoupon(order.orderId, { couponCode: 'LAUNCH20' });
  print(`after LAUNCH20 → ${discounted.netAmounts.totalMoney.amount}`);

  // 3. Pay: the amount is the order's balance.
  const { order: paid, paymentIntent } = await flint.orders.pay(order.orderId, {
    paymentSourceToken: 'tok_visa',
  });
  print(`status → ${paid.status}`);

  // 4. Refund the support add-on: the order's state follows.
  const refund = await flint.refunds.create({
    paymentIntentId: paymentIntent.paymentIntentId,
    amount: 2900,
    reason: 'requested_by_customer',
  });
  const afterRefund = await flint.orders.get(order.orderId);
  print(`refund ${refund.amount} → status ${afterRefund.status}`);

  // 5. Read it back: nothing left to pay.
  const net = afterRefund.netAmounts;
  print(`refunded ${net.refundedMoney.amount}, balance ${net.balanceMoney.amount}`);
}
