import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { create, expectError } from './catalog-fixtures.js';
import {
  ADMIN_TOKEN,
  countRows,
  createTestAccount,
  request,
  startTestServer,
  type TestServer,
} from './harness.js';

/**
 * An order's currency is the one it names, else the account's default — never a line's.
 * Every line, shipping and tip must be in it: anything else is a 422 currency_mismatch
 * at that field, and nothing is made.
 */

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

async function eurPrice(key: string): Promise<string> {
  const product = await create(server, key, 'products', 'product', { name: 'Widget' });
  const price = await create(server, key, 'prices', 'price', {
    product_id: product.product_id,
    unit_amount: 900,
    currency: 'EUR',
  });
  return price.price_id;
}

async function counts(accountId: string) {
  return {
    orders: await countRows(server, 'orders', accountId),
    sessions: await countRows(server, 'checkout_sessions', accountId),
  };
}

const line = (money: Record<string, unknown>) => ({
  name: 'a',
  quantity: 1,
  unit_price_money: { amount: 500, ...money },
});

describe("an order that names no currency is in the account's default", () => {
  it('refuses a line priced in EUR in a USD account (by price or by unit price) and makes nothing', async () => {
    const account = await createTestAccount(server);
    const key = account.testKey;
    const byPrice = await request(server, 'POST', '/v1/orders', {
      key,
      body: { order: { line_items: [{ price_id: await eurPrice(key), quantity: 1 }] } },
    });
    expectError(byPrice, 422, 'validation_error', 'currency_mismatch', [
      ['order', 'line_items', 0, 'price_id'],
    ]);
    const byAmount = await request(server, 'POST', '/v1/orders', {
      key,
      body: { order: { line_items: [line({ currency: 'eur' })] } },
    });
    expectError(byAmount, 422, 'validation_error', 'currency_mismatch', [
      ['order', 'line_items', 0, 'unit_price_money', 'currency'],
    ]);
    expect(await counts(account.accountId)).toEqual({ orders: 0, sessions: 0 });
  });

  it('takes lines that name no currency, or the default, in the default', async () => {
    const { testKey: key } = await createTestAccount(server);
    const res = await request(server, 'POST', '/v1/orders', {
      key,
      body: { order: { line_items: [line({}), line({ currency: 'usd' })] } },
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body.order.currency).toBe('USD');
    expect(res.body.order.net_amounts.total_money).toEqual({ amount: 1000, currency: 'USD' });
  });

  it("uses an EUR account's default for lines that name none", async () => {
    const created = await request(server, 'POST', '/v1/accounts', {
      key: ADMIN_TOKEN,
      body: { account: { name: 'Euro shop', default_currency: 'EUR' } },
    });
    const key = created.body.keys.test_secret_key;
    const res = await request(server, 'POST', '/v1/orders', {
      key,
      body: { order: { line_items: [line({}), { price_id: await eurPrice(key), quantity: 1 }] } },
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body.order.currency).toBe('EUR');
    expect(res.body.order.net_amounts.subtotal_money).toEqual({ amount: 1400, currency: 'EUR' });
  });

  it('takes EUR lines on an order that names EUR, in a USD account', async () => {
    const { testKey: key } = await createTestAccount(server);
    const res = await request(server, 'POST', '/v1/orders', {
      key,
      body: {
        order: {
          currency: 'eur',
          line_items: [line({ currency: 'EUR' }), { price_id: await eurPrice(key), quantity: 1 }],
          shipping_money: { amount: 100, currency: 'EUR' },
        },
      },
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body.order.currency).toBe('EUR');
  });

  it('refuses shipping in another currency than the default when the order names none', async () => {
    const account = await createTestAccount(server);
    const res = await request(server, 'POST', '/v1/orders', {
      key: account.testKey,
      body: { order: { line_items: [line({})], shipping_money: { amount: 5, currency: 'EUR' } } },
    });
    expectError(res, 422, 'validation_error', 'currency_mismatch', [
      ['order', 'shipping_money', 'currency'],
    ]);
    expect(await counts(account.accountId)).toEqual({ orders: 0, sessions: 0 });
  });
});

describe('the same rule everywhere lines come in', () => {
  it('refuses a PATCH replacing the lines with ones in another currency and keeps the order', async () => {
    const { testKey: key } = await createTestAccount(server);
    const created = await request(server, 'POST', '/v1/orders', {
      key,
      body: { order: { line_items: [line({})] } },
    });
    const path = `/v1/orders/${created.body.order.order_id}`;
    const res = await request(server, 'PATCH', path, {
      key,
      body: { order: { line_items: [line({}), { price_id: await eurPrice(key), quantity: 1 }] } },
    });
    expectError(res, 422, 'validation_error', 'currency_mismatch', [
      ['order', 'line_items', 1, 'price_id'],
    ]);
    const got = await request(server, 'GET', path, { key });
    expect(got.body.order).toEqual(created.body.order);
  });

  it('refuses a checkout session whose inline lines are in another currency, and makes nothing', async () => {
    const account = await createTestAccount(server);
    const key = account.testKey;
    const res = await request(server, 'POST', '/v1/checkout/sessions', {
      key,
      body: {
        checkout_session: {
          success_url: 'https://shop.example/done',
          line_items: [{ price_id: await eurPrice(key), quantity: 1 }],
        },
      },
    });
    expectError(res, 422, 'validation_error', 'currency_mismatch', [
      ['checkout_session', 'line_items', 0, 'price_id'],
    ]);
    expect(await counts(account.accountId)).toEqual({ orders: 0, sessions: 0 });
  });

  it("makes a payment link's orders in the link's currency (its prices')", async () => {
    const { testKey: key } = await createTestAccount(server);
    const link = await create(server, key, 'payment_links', 'payment_link', {
      line_items: [{ price_id: await eurPrice(key), quantity: 1 }],
    });
    expect(link.currency).toBe('EUR');
    const page = await fetch(link.url, { redirect: 'manual' });
    expect(page.status).toBe(303);
    const orders = await request(server, 'GET', '/v1/orders', { key });
    expect(orders.body.orders.map((o: any) => o.currency)).toEqual(['EUR']);
  });
});
