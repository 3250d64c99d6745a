import { Flint, FlintConflictError } from 'flint-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { create, expectError } from './catalog-fixtures.js';
import { countingSandbox } from './counting-processor.js';
import {
  createOrder,
  createTestAccount,
  oneLine,
  request,
  startTestServer,
  type TestServer,
} from './harness.js';

// An order with nothing to pay (a 100 % coupon, free lines) becomes PAID on `/pay` with no
// payment intent and no processor call, with what a settling payment reserves.

const { processor: counting, chargeCalls } = countingSandbox();
const charges = () => chargeCalls.length;

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ processor: counting });
});
afterAll(() => server.close());

/** An order of a tracked product (stock 5), made free by a 100 % coupon limited to `max` uses. */
async function freeOrder(key: string, max = 10) {
  const product = await create(server, key, 'products', 'product', {
    name: 'Sticker',
    inventory: { tracked: true, quantity: 5 },
  });
  const code = `FREE${Math.random().toString(36).slice(2, 8).toUpperCase()}`;
  const coupon = await create(server, key, 'coupons', 'coupon', {
    code,
    percent_off: '100',
    max_redemptions: max,
  });
  const order = await createOrder(server, key, {
    line_items: [
      { product_id: product.product_id, quantity: 2, unit_price_money: { amount: 1500 } },
    ],
    coupon_codes: [code],
  });
  expect(order.net_amounts.total_money.amount).toBe(0);
  const stock = async () =>
    (await request(server, 'GET', `/v1/products/${product.product_id}`, { key })).body.product
      .inventory.quantity;
  const redeemed = async () =>
    (await request(server, 'GET', `/v1/coupons/${coupon.coupon_id}`, { key })).body.coupon
      .times_redeemed;
  return { order, stock, redeemed };
}

const pay = (key: string, orderId: string, payment: object = {}, headers = {}) =>
  request(server, 'POST', `/v1/orders/${orderId}/pay`, { key, body: { payment }, headers });

async function eventsOf(key: string, type: string, objectId: string) {
  const res = await request(server, 'GET', `/v1/events?type=${type}&object_id=${objectId}`, {
    key,
  });
  return res.body.events as any[];
}

async function intentsOf(key: string, orderId: string) {
  const res = await request(server, 'GET', `/v1/payment_intents?order=${orderId}`, { key });
  return res.body.payment_intents as any[];
}

describe('POST /v1/orders/{id}/pay on an order with nothing to pay', () => {
  it('a 100 % coupon order is PAID with no token, no payment intent and no processor call; stock and redemption taken', async () => {
    const { testKey: key } = await createTestAccount(server);
    const { order, stock, redeemed } = await freeOrder(key);
    const before = charges();
    const res = await pay(key, order.order_id);
    expect(res.status, res.text).toBe(200);
    expect(res.body.payment_intent).toBeNull();
    expect(res.body.order.status).toBe('PAID');
    expect(res.body.order.version).toBe(order.version + 1);
    expect(res.body.order.net_amounts.total_money.amount).toBe(0);
    expect(res.body.order.net_amounts.balance_money.amount).toBe(0);
    expect(res.body.order.available_actions).toEqual(['refund', 'close', 'update_metadata']);
    expect(charges()).toBe(before);
    expect(await intentsOf(key, order.order_id)).toEqual([]);
    expect(await stock()).toBe(3);
    expect(await redeemed()).toBe(1);
    const paid = await eventsOf(key, 'order.paid', order.order_id);
    expect(paid).toHaveLength(1);
    expect(paid[0].data.object.status).toBe('PAID');
    expect(await eventsOf(key, 'payment_intent.created', order.order_id)).toEqual([]);
    const got = await request(server, 'GET', `/v1/orders/${order.order_id}`, { key });
    expect(got.body.order.status).toBe('PAID');
  });

  it('free lines: a token given is not used (no processor call), and no intent is made', async () => {
    const { testKey: key } = await createTestAccount(server);
    const order = await createOrder(server, key, { line_items: oneLine(0) });
    const before = charges();
    const res = await pay(key, order.order_id, { payment_source_token: 'tok_chargeDeclined' });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ order: { status: 'PAID' }, payment_intent: null });
    expect(charges()).toBe(before);
    expect(await intentsOf(key, order.order_id)).toEqual([]);
  });

  it('a second pay gets the 409 of any PAID order; an amount, or both token fields, are refused', async () => {
    const { testKey: key } = await createTestAccount(server);
    const order = await createOrder(server, key, { line_items: oneLine(0) });
    const amount = await pay(key, order.order_id, {
      payment_source_token: 'tok_visa',
      amount: 100,
    });
    expect(amount.status).toBe(422);
    expect(amount.body.error.code).toBe('amount_invalid');
    const both = await pay(key, order.order_id, {
      payment_source_token: 'tok_visa',
      payment_source_tokens: ['tok_visa'],
    });
    expect(both.status).toBe(422);
    expect(both.body.error.code).toBe('parameter_invalid');
    expect((await pay(key, order.order_id)).status).toBe(200);
    for (const payment of [{}, { payment_source_token: 'tok_visa' }]) {
      const again = await pay(key, order.order_id, payment);
      expectError(again, 409, 'conflict', 'order_state_invalid', [['status']]);
      expect(again.body.error.message).toBe('Cannot pay an order that is PAID');
    }
  });

  it('an order with something to pay still needs a token', async () => {
    const { testKey: key } = await createTestAccount(server);
    const order = await createOrder(server, key, { line_items: oneLine(500) });
    const res = await pay(key, order.order_id);
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('parameter_invalid');
    expect(res.body.error.errors[0].loc).toEqual(['payment', 'payment_source_token']);
    const got = await request(server, 'GET', `/v1/orders/${order.order_id}`, { key });
    expect(got.body.order.status).toBe('OPEN');
  });

  it('10 concurrent pays: one PAID transition, one order.paid, stock and redemption taken once', async () => {
    const { testKey: key } = await createTestAccount(server);
    const { order, stock, redeemed } = await freeOrder(key);
    const answers = await Promise.all(Array.from({ length: 10 }, () => pay(key, order.order_id)));
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([200, ...Array(9).fill(409)]);
    for (const refused of answers.filter((a) => a.status === 409)) {
      expect(refused.body.error.code).toBe('order_state_invalid');
    }
    expect(await eventsOf(key, 'order.paid', order.order_id)).toHaveLength(1);
    expect(await stock()).toBe(3);
    expect(await redeemed()).toBe(1);
    const got = await request(server, 'GET', `/v1/orders/${order.order_id}`, { key });
    expect(got.body.order.version).toBe(order.version + 1);
  });

  it('Idempotency-Key: a retry replays the first answer, byte for byte, and changes nothing', async () => {
    const { testKey: key } = await createTestAccount(server);
    const { order, stock } = await freeOrder(key);
    const headers = { 'idempotency-key': `free-${order.order_id}` };
    const first = await pay(key, order.order_id, {}, headers);
    expect(first.status, first.text).toBe(200);
    const again = await pay(key, order.order_id, {}, headers);
    expect(again.status).toBe(200);
    expect(again.text).toBe(first.text);
    expect(await eventsOf(key, 'order.paid', order.order_id)).toHaveLength(1);
    expect(await stock()).toBe(3);
  });

  it('re-checked under lock: a coupon used up elsewhere, or stock gone, refuses it and changes nothing', async () => {
    const { testKey: key } = await createTestAccount(server);
    const { order: first } = await freeOrder(key);
    // The same coupon, once only, on two orders: the second to complete is refused.
    const once = await freeOrder(key, 1);
    const code = once.order.coupons[0].code;
    const other = await createOrder(server, key, {
      line_items: oneLine(700),
      coupon_codes: [code],
    });
    expect((await pay(key, once.order.order_id)).status).toBe(200);
    const refused = await pay(key, other.order_id);
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('coupon_exhausted');
    const still = await request(server, 'GET', `/v1/orders/${other.order_id}`, { key });
    expect(still.body.order.status).toBe('OPEN');
    expect(await eventsOf(key, 'order.paid', other.order_id)).toEqual([]);
    // Stock: 5, and the free order wants 2 — after 2 are sold elsewhere... set it to 1.
    const productId = first.line_items[0].product_id;
    const cut = await request(server, 'PATCH', `/v1/products/${productId}`, {
      key,
      body: { product: { inventory: { tracked: true, quantity: 1 } } },
    });
    expect(cut.status, cut.text).toBe(200);
    const out = await pay(key, first.order_id);
    expect(out.status).toBe(409);
    expect(out.body.error.code).toBe('out_of_stock');
    const open = await request(server, 'GET', `/v1/orders/${first.order_id}`, { key });
    expect(open.body.order.status).toBe('OPEN');
    expect(await eventsOf(key, 'order.paid', first.order_id)).toEqual([]);
  });

  it('SDK: flint.orders.pay(id) with no params completes a 100 % coupon order; again is a conflict', async () => {
    const { testKey: key } = await createTestAccount(server);
    const { order, stock } = await freeOrder(key);
    const flint = new Flint(key, { baseUrl: server.url });
    const before = charges();
    const result = await flint.orders.pay(order.order_id);
    expect(result.paymentIntent).toBeNull();
    expect(result.order).toMatchObject({ id: order.order_id, status: 'PAID' });
    expect(result.order.netAmounts.totalMoney.amount).toBe(0);
    expect(charges()).toBe(before);
    expect(await stock()).toBe(3);
    await expect(flint.orders.pay(order.order_id)).rejects.toBeInstanceOf(FlintConflictError);
  });
});
