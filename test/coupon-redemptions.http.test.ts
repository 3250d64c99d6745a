import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { create, expectError } from './catalog-fixtures.js';
import { createTestAccount, request, startTestServer, type TestServer } from './harness.js';

// A payment that settles an order counts its coupons' redemptions in the statement that
// writes the payment, and checks them on the rows that statement counted: a coupon used up
// in the meantime undoes the whole reservation.

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

async function setup(maxRedemptions: number, orders: number, codes = ['MANY', 'FEW']) {
  const { testKey: key } = await createTestAccount(server);
  const product = await create(server, key, 'products', 'product', {
    name: 'Mat',
    inventory: { tracked: true, quantity: 100 },
  });
  await create(server, key, 'coupons', 'coupon', {
    code: 'FEW',
    percent_off: '10',
    max_redemptions: maxRedemptions,
    stackable: true,
  });
  await create(server, key, 'coupons', 'coupon', {
    code: 'MANY',
    amount_off: 100,
    currency: 'USD',
    stackable: true,
  });
  const ids: string[] = [];
  for (let i = 0; i < orders; i++) {
    const res = await request(server, 'POST', '/v1/orders', {
      key,
      body: {
        order: {
          line_items: [
            {
              product_id: product.product_id,
              name: 'Mat',
              quantity: 2,
              unit_price_money: { amount: 5000 },
            },
          ],
          coupon_codes: codes,
        },
      },
    });
    expect(res.status, res.text).toBe(200);
    ids.push(res.body.order.order_id);
  }
  const pay = (orderId: string) =>
    request(server, 'POST', `/v1/orders/${orderId}/pay`, {
      key,
      body: { payment: { payment_source_token: 'tok_visa' } },
    });
  const state = async () => {
    const coupons = (await request(server, 'GET', '/v1/coupons', { key })).body.coupons;
    const redeemed = Object.fromEntries(coupons.map((c: any) => [c.code, c.times_redeemed]));
    const stock = (await request(server, 'GET', `/v1/products/${product.product_id}`, { key })).body
      .product.inventory.quantity;
    const intents = (await request(server, 'GET', '/v1/payment_intents?limit=100', { key })).body
      .payment_intents;
    return { redeemed, stock, intents: intents.length };
  };
  return { ids, pay, state };
}

describe('coupon redemptions at payment', () => {
  it('a coupon used up since the order was made refuses the payment and writes nothing', async () => {
    const { ids, pay, state } = await setup(1, 2);
    const [a, b] = ids as [string, string];
    expect((await pay(a)).status).toBe(200);
    const refused = await pay(b);
    expectError(refused, 422, 'validation_error', 'coupon_exhausted', [['coupon_code']]);
    expect(await state()).toEqual({ redeemed: { FEW: 1, MANY: 1 }, stock: 98, intents: 1 });
  });

  it('10 parallel payments of orders sharing a coupon that allows 3: exactly 3 go through', async () => {
    const { ids, pay, state } = await setup(3, 10);
    const results = await Promise.all(ids.map(pay));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(3);
    for (const r of results.filter((r) => r.status !== 200)) {
      expectError(r, 422, 'validation_error', 'coupon_exhausted');
    }
    expect(await state()).toEqual({ redeemed: { FEW: 3, MANY: 3 }, stock: 94, intents: 3 });
  });

  it('20 parallel payments of orders sharing one coupon: all go through, each counted once', async () => {
    const { ids, pay, state } = await setup(100, 20, ['FEW']);
    const results = await Promise.all(ids.map(pay));
    expect(results.map((r) => r.status)).toEqual(ids.map(() => 200));
    expect(await state()).toEqual({ redeemed: { FEW: 20, MANY: 0 }, stock: 60, intents: 20 });
  });
});
