import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { create, expectError } from './catalog-fixtures.js';
import { createTestAccount, request, startTestServer, type TestServer } from './harness.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

/** An account with the seed's setup: a default exclusive 8 % rate and LAUNCH20. */
async function seedAccount() {
  const account = await createTestAccount(server);
  const key = account.testKey;
  const rate = await create(server, key, 'tax_rates', 'tax_rate', {
    display_name: 'Sales tax',
    percentage: '8',
    inclusive: false,
    default: true,
  });
  await create(server, key, 'coupons', 'coupon', { code: 'LAUNCH20', percent_off: '20' });
  return { ...account, key, rate };
}

const walkthroughLines = [
  { name: 'Pro Plan - Annual', quantity: 1, unit_price_money: { amount: 9900, currency: 'USD' } },
  {
    name: 'Priority Support Add-on',
    quantity: 1,
    unit_price_money: { amount: 2900, currency: 'USD' },
  },
];

async function post(key: string, path: string, body?: unknown) {
  return request(server, 'POST', path, { key, body });
}

const amounts = (order: any) =>
  Object.fromEntries(
    Object.entries(order.net_amounts).map(([k, v]: [string, any]) => [k, v.amount]),
  );

describe('the seed walkthrough (004), steps 1 and 2, through HTTP', () => {
  it('creates the order: 12800 / 1024 / 13824, then LAUNCH20: 2560 / 819 / 11059', async () => {
    const { key } = await seedAccount();
    const created = await post(key, '/v1/orders', { order: { line_items: walkthroughLines } });
    expect(created.status, created.text).toBe(200);
    const order = created.body.order;
    expect(order.order_id).toMatch(/^ord_[0-9a-z]{26}$/);
    expect(order.status).toBe('OPEN');
    expect(amounts(order)).toMatchObject({
      subtotal_money: 12800,
      tax_money: 1024,
      total_money: 13824,
      balance_money: 13824,
    });
    expect(order.net_amounts.total_money).toEqual({ amount: 13824, currency: 'USD' });
    expect(order.available_actions).toEqual(
      expect.arrayContaining(['apply_coupon', 'pay', 'cancel', 'update']),
    );

    const applied = await post(key, `/v1/orders/${order.order_id}/coupons`, {
      coupon_code: 'LAUNCH20',
    });
    expect(applied.status, applied.text).toBe(200);
    expect(amounts(applied.body.order)).toMatchObject({
      subtotal_money: 12800,
      discount_money: 2560,
      tax_money: 819,
      total_money: 11059,
      balance_money: 11059,
    });
    const lines = applied.body.order.line_items;
    expect(lines.map((l: any) => l.discount_money.amount)).toEqual([1980, 580]);
    expect(lines.reduce((n: number, l: any) => n + l.tax_money.amount, 0)).toBe(819);
    expect(applied.body.order.version).toBe(2);

    const got = await request(server, 'GET', `/v1/orders/${order.order_id}`, { key });
    expect(got.body).toEqual(applied.body);
  });

  it('takes the currency from the account when amounts name none (the quickstart)', async () => {
    const { key } = await seedAccount();
    const res = await post(key, '/v1/orders', {
      order: {
        line_items: [
          { name: 'Pro Plan - Annual', quantity: 1, unit_price_money: { amount: 9900 } },
        ],
      },
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body.order.currency).toBe('USD');
    expect(res.body.order.net_amounts.total_money).toEqual({ amount: 10692, currency: 'USD' });
  });
});

describe('lifecycle', () => {
  it('refuses illegal transitions with 409 order_state_invalid and the allowed actions', async () => {
    const { key } = await seedAccount();
    const { order } = (await post(key, '/v1/orders', { order: { line_items: walkthroughLines } }))
      .body;
    const closed = await post(key, `/v1/orders/${order.order_id}/close`);
    expectError(closed, 409, 'conflict', 'order_state_invalid');
    expect(closed.body.error.available_actions).toEqual(expect.arrayContaining(['pay', 'cancel']));

    const canceled = await post(key, `/v1/orders/${order.order_id}/cancel`);
    expect(canceled.status).toBe(200);
    expect(canceled.body.order.status).toBe('CANCELED');
    expect(canceled.body.order.available_actions).toEqual(['update_metadata']);

    const coupon = await post(key, `/v1/orders/${order.order_id}/coupons`, {
      coupon_code: 'LAUNCH20',
    });
    expectError(coupon, 409, 'conflict', 'order_state_invalid');
    expect(coupon.body.error.available_actions).toEqual(['update_metadata']);
    const lines = await request(server, 'PATCH', `/v1/orders/${order.order_id}`, {
      key,
      body: { order: { tip_money: { amount: 100 } } },
    });
    expectError(lines, 409, 'conflict', 'order_state_invalid');
    const metadata = await request(server, 'PATCH', `/v1/orders/${order.order_id}`, {
      key,
      body: { order: { metadata: { note: 'kept' } } },
    });
    expect(metadata.status).toBe(200);
    expect(metadata.body.order).toMatchObject({ status: 'CANCELED', metadata: { note: 'kept' } });
    expect(amounts(metadata.body.order).total_money).toBe(13824);
  });
});

describe('timeline', () => {
  it('records every change: what, which key, when, and the amounts before and after', async () => {
    const { key } = await seedAccount();
    const keys = await request(server, 'GET', '/v1/api_keys', { key });
    const keyId = keys.body.api_keys.find((k: any) => k.test_mode).api_key_id;
    const { order } = (await post(key, '/v1/orders', { order: { line_items: walkthroughLines } }))
      .body;
    await post(key, `/v1/orders/${order.order_id}/coupons`, { coupon_code: 'LAUNCH20' });
    await post(key, `/v1/orders/${order.order_id}/cancel`);
    const res = await request(server, 'GET', `/v1/orders/${order.order_id}/timeline`, { key });
    expect(res.status).toBe(200);
    const entries = res.body.timeline;
    expect(entries.map((e: any) => e.type)).toEqual([
      'order.canceled',
      'order.updated',
      'order.created',
    ]);
    for (const e of entries) expect(e.actor).toEqual({ type: 'api_key', id: keyId });
    const [, couponEntry, createdEntry] = entries;
    expect(createdEntry.amounts_before).toBeNull();
    expect(createdEntry.amounts_after.total_money.amount).toBe(13824);
    expect(couponEntry.amounts_before.total_money.amount).toBe(13824);
    expect(couponEntry.amounts_after.total_money.amount).toBe(11059);
  });
});

describe('concurrency', () => {
  it('50 parallel PATCHes to one order lose no update; totals always recompute', async () => {
    const { key } = await seedAccount();
    const { order } = (await post(key, '/v1/orders', { order: { line_items: walkthroughLines } }))
      .body;
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        request(server, 'PATCH', `/v1/orders/${order.order_id}`, {
          key,
          body: { order: { metadata: { [`k${i}`]: String(i) }, tip_money: { amount: i } } },
        }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(50).fill(200));
    const versions = results.map((r) => r.body.order.version).sort((a, b) => a - b);
    expect(versions).toEqual(Array.from({ length: 50 }, (_, i) => i + 2));
    const final = (await request(server, 'GET', `/v1/orders/${order.order_id}`, { key })).body
      .order;
    expect(Object.keys(final.metadata)).toHaveLength(50);
    expect(final.version).toBe(51);
    const tip = final.tip_money.amount;
    expect(amounts(final)).toMatchObject({ tip_money: tip, total_money: 13824 + tip });
    const timeline = await request(
      server,
      'GET',
      `/v1/orders/${order.order_id}/timeline?limit=100`,
      { key },
    );
    expect(timeline.body.timeline).toHaveLength(51);
  });
});
