import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { create, expectError } from './catalog-fixtures.js';
import {
  createOrder,
  createTestAccount,
  request,
  startTestServer,
  type TestServer,
} from './harness.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

async function seedAccount() {
  const account = await createTestAccount(server);
  const key = account.testKey;
  await create(server, key, 'tax_rates', 'tax_rate', {
    display_name: 'Tax',
    percentage: '8',
    inclusive: false,
    default: true,
  });
  await create(server, key, 'coupons', 'coupon', { code: 'LAUNCH20', percent_off: '20' });
  return { ...account, key };
}

const lines = [
  { name: 'Pro Plan - Annual', quantity: 1, unit_price_money: { amount: 9900 } },
  { name: 'Priority Support Add-on', quantity: 1, unit_price_money: { amount: 2900 } },
];
const amount = (order: any, field: string) => order.net_amounts[field].amount;

const newOrder = (key: string, body: Record<string, unknown> = {}) =>
  createOrder(server, key, { line_items: lines, ...body });

function pay(
  key: string,
  orderId: string,
  payment: Record<string, unknown>,
  headers: Record<string, string> = {},
) {
  return request(server, 'POST', `/v1/orders/${orderId}/pay`, { key, body: { payment }, headers });
}

describe('POST /v1/orders/{id}/pay', () => {
  it('the seed walkthrough, step 3: the balance is charged, the order is PAID, balance 0', async () => {
    const { key } = await seedAccount();
    const order = await newOrder(key, { coupon_codes: ['LAUNCH20'] });
    expect(amount(order, 'total_money')).toBe(11059);
    const res = await pay(key, order.order_id, {
      payment_source_token: 'tok_visa',
      buyer_email: 'alex@example.com',
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body.order.status).toBe('PAID');
    expect(amount(res.body.order, 'paid_money')).toBe(11059);
    expect(amount(res.body.order, 'balance_money')).toBe(0);
    expect(res.body.order.available_actions).toEqual(['refund', 'close', 'update_metadata']);
    const intent = res.body.payment_intent;
    expect(intent).toMatchObject({
      object: 'payment_intent',
      amount: 11059,
      amount_received: 11059,
      status: 'succeeded',
      currency: 'USD',
    });
    expect(intent.payment_intent_id).toMatch(/^pi_[0-9a-z]{26}$/);
    expect(intent.latest_charge).toMatch(/^ch_/);
    expect(res.body.order.payments).toEqual([
      {
        payment_intent_id: intent.payment_intent_id,
        amount_money: { amount: 11059, currency: 'USD' },
        status: 'succeeded',
        latest_charge: intent.latest_charge,
      },
    ]);
    const got = await request(server, 'GET', `/v1/payment_intents/${intent.payment_intent_id}`, {
      key,
    });
    expect(got.body.payment_intent).toEqual(intent);
    const listed = await request(server, 'GET', `/v1/payment_intents?order=${order.order_id}`, {
      key,
    });
    expect(listed.body.payment_intents.map((p: any) => p.payment_intent_id)).toEqual([
      intent.payment_intent_id,
    ]);
    const again = await pay(key, order.order_id, { payment_source_token: 'tok_visa' });
    expectError(again, 409, 'conflict', 'order_state_invalid');
    const timeline = await request(server, 'GET', `/v1/orders/${order.order_id}/timeline`, { key });
    expect(timeline.body.timeline[0]).toMatchObject({ type: 'order.paid' });
    expect(timeline.body.timeline[0].amounts_after.paid_money.amount).toBe(11059);
  });

  it('a decline is a 402 processor_error with the decline code, and the order stays OPEN', async () => {
    const { key } = await seedAccount();
    const order = await newOrder(key);
    for (const [token, code] of [
      ['tok_chargeDeclined', 'card_declined'],
      ['tok_chargeDeclinedInsufficientFunds', 'insufficient_funds'],
    ]) {
      const res = await pay(key, order.order_id, { payment_source_token: token });
      expectError(res, 402, 'processor_error', code as string);
      expect(res.body.error.decline_code).toBe(code);
      const intent = await request(
        server,
        'GET',
        `/v1/payment_intents/${res.body.error.payment_intent_id}`,
        { key },
      );
      expect(intent.body.payment_intent).toMatchObject({
        status: 'failed',
        last_payment_error: { code },
      });
    }
    const after = await request(server, 'GET', `/v1/orders/${order.order_id}`, { key });
    expect(after.body.order.status).toBe('OPEN');
    expect(amount(after.body.order, 'balance_money')).toBe(13824);
  });

  it('3-D Secure leaves the intent requires_action and the order OPEN', async () => {
    const { key } = await seedAccount();
    const order = await newOrder(key);
    const res = await pay(key, order.order_id, {
      payment_source_token: 'tok_threeDSecureRequired',
    });
    expect(res.status).toBe(200);
    expect(res.body.payment_intent.status).toBe('requires_action');
    expect(res.body.order.status).toBe('OPEN');
    expect(amount(res.body.order, 'balance_money')).toBe(13824);
  });

  describe('after 3-D Secure', () => {
    async function waiting(key: string) {
      const product = await create(server, key, 'products', 'product', {
        name: 'Mat',
        inventory: { tracked: true, quantity: 2 },
      });
      const order = await newOrder(key, {
        line_items: [
          { product_id: product.product_id, quantity: 1, unit_price_money: { amount: 1000 } },
        ],
      });
      const res = await pay(key, order.order_id, {
        payment_source_token: 'tok_threeDSecureRequired',
      });
      expect(res.body.payment_intent.status).toBe('requires_action');
      expect(res.body.order.available_actions).toEqual(['pay', 'refund', 'update_metadata']);
      const stock = async () =>
        (await request(server, 'GET', `/v1/products/${product.product_id}`, { key })).body.product
          .inventory.quantity;
      // The waiting payment settles the order: it holds the stock until it ends.
      expect(await stock()).toBe(1);
      return {
        orderId: order.order_id,
        intentId: res.body.payment_intent.payment_intent_id,
        stock,
      };
    }
    const helper = (key: string, id: string, result: string) =>
      request(server, 'POST', `/v1/test_helpers/payment_intents/${id}/${result}`, { key });

    it('the buyer authenticates: the intent succeeds and the order is PAID', async () => {
      const { key } = await seedAccount();
      const w = await waiting(key);
      const res = await helper(key, w.intentId, 'succeed');
      expect(res.status, res.text).toBe(200);
      expect(res.body.payment_intent).toMatchObject({ status: 'succeeded', amount_received: 1080 });
      expect(res.body.payment_intent.latest_charge).toMatch(/^ch_/);
      expect(res.body.order.status).toBe('PAID');
      expect(await w.stock()).toBe(1);
      // Only once: the intent no longer waits.
      expectError(
        await helper(key, w.intentId, 'fail'),
        409,
        'conflict',
        'payment_intent_state_invalid',
      );
      expectError(
        await request(server, 'POST', `/v1/payment_intents/${w.intentId}/cancel`, { key }),
        409,
        'conflict',
        'payment_intent_state_invalid',
      );
    });

    it('the buyer fails authentication: the intent fails and the stock goes back', async () => {
      const { key } = await seedAccount();
      const w = await waiting(key);
      const res = await helper(key, w.intentId, 'fail');
      expect(res.status, res.text).toBe(200);
      expect(res.body.payment_intent).toMatchObject({
        status: 'failed',
        last_payment_error: { code: 'authentication_failed' },
      });
      expect(res.body.order.status).toBe('OPEN');
      expect(await w.stock()).toBe(2);
    });

    it('the merchant cancels the waiting payment: the order is free to change again', async () => {
      const { key, liveKey } = await seedAccount();
      const w = await waiting(key);
      expectError(await helper(liveKey, w.intentId, 'succeed'), 403, 'forbidden', 'test_mode_only');
      const res = await request(server, 'POST', `/v1/payment_intents/${w.intentId}/cancel`, {
        key,
      });
      expect(res.status, res.text).toBe(200);
      expect(res.body.payment_intent.status).toBe('canceled');
      expect(res.body.order.status).toBe('OPEN');
      expect(res.body.order.available_actions).toContain('update');
      expect(await w.stock()).toBe(2);
      const repaid = await pay(key, w.orderId, { payment_source_token: 'tok_visa' });
      expect(repaid.body.order.status).toBe('PAID');
    });
  });

  it('partial payments keep the order OPEN with a positive balance until it reaches 0', async () => {
    const { key } = await seedAccount();
    const order = await newOrder(key);
    const first = await pay(key, order.order_id, {
      payment_source_token: 'tok_visa',
      amount: 5000,
    });
    expect(first.status).toBe(200);
    expect(first.body.order.status).toBe('OPEN');
    expect(amount(first.body.order, 'balance_money')).toBe(8824);
    const tooMuch = await pay(key, order.order_id, {
      payment_source_token: 'tok_visa',
      amount: 8825,
    });
    expectError(tooMuch, 422, 'validation_error', 'amount_invalid', [['payment', 'amount']]);
    expect(tooMuch.body.error.maximum_payable).toBe(8824);
    const rest = await pay(key, order.order_id, { payment_source_token: 'tok_visa' });
    expect(rest.body.order.status).toBe('PAID');
    expect(amount(rest.body.order, 'paid_money')).toBe(13824);
    expect(rest.body.order.payments).toHaveLength(2);
  });

  it('takes tracked stock and counts coupon redemptions when the order is paid, under lock', async () => {
    const { key } = await seedAccount();
    const product = await create(server, key, 'products', 'product', {
      name: 'Mat',
      inventory: { tracked: true, quantity: 3 },
    });
    const price = await create(server, key, 'prices', 'price', {
      product_id: product.product_id,
      unit_amount: 3500,
      currency: 'usd',
    });
    await create(server, key, 'coupons', 'coupon', {
      code: 'ONCE',
      percent_off: '10',
      max_redemptions: 1,
    });
    const a = await newOrder(key, {
      line_items: [{ price_id: price.price_id, quantity: 2 }],
      coupon_codes: ['ONCE'],
    });
    const b = await newOrder(key, {
      line_items: [{ price_id: price.price_id, quantity: 2 }],
      coupon_codes: ['ONCE'],
    });
    expect((await pay(key, a.order_id, { payment_source_token: 'tok_visa' })).status).toBe(200);
    const stock = await request(server, 'GET', `/v1/products/${product.product_id}`, { key });
    expect(stock.body.product.inventory.quantity).toBe(1);
    const coupon = (await request(server, 'GET', '/v1/coupons?code=ONCE', { key })).body.coupons[0];
    expect(coupon.times_redeemed).toBe(1);
    // b needs 2 of the 1 left, and ONCE is used up: refused before any charge.
    const refused = await pay(key, b.order_id, { payment_source_token: 'tok_visa' });
    expectError(refused, 409, 'conflict', 'out_of_stock');
    const intents = await request(server, 'GET', `/v1/payment_intents?order=${b.order_id}`, {
      key,
    });
    expect(intents.body.payment_intents).toEqual([]);
  });

  it('a declined payment gives the stock and the redemption back', async () => {
    const { key } = await seedAccount();
    const product = await create(server, key, 'products', 'product', {
      name: 'Mat',
      inventory: { tracked: true, quantity: 1 },
    });
    const order = await newOrder(key, {
      line_items: [
        {
          product_id: product.product_id,
          name: 'Mat',
          quantity: 1,
          unit_price_money: { amount: 1000 },
        },
      ],
      coupon_codes: ['LAUNCH20'],
    });
    expectError(
      await pay(key, order.order_id, { payment_source_token: 'tok_chargeDeclined' }),
      402,
      'processor_error',
      'card_declined',
    );
    const stock = await request(server, 'GET', `/v1/products/${product.product_id}`, { key });
    expect(stock.body.product.inventory.quantity).toBe(1);
    const coupon = (await request(server, 'GET', '/v1/coupons?code=LAUNCH20', { key })).body
      .coupons[0];
    expect(coupon.times_redeemed).toBe(0);
  });

  it('10 parallel full payments of one order: exactly one charge', async () => {
    const { key } = await seedAccount();
    const order = await newOrder(key);
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        pay(key, order.order_id, { payment_source_token: 'tok_visa' }),
      ),
    );
    const ok = results.filter((r) => r.status === 200);
    expect(ok).toHaveLength(1);
    for (const r of results.filter((r) => r.status !== 200)) {
      // Told the order is paid, or that a payment is under way.
      expect(r.status).toBe(409);
      expect(['order_state_invalid', 'payment_in_progress']).toContain(r.body.error.code);
    }
    const intents = await request(server, 'GET', `/v1/payment_intents?order=${order.order_id}`, {
      key,
    });
    expect(intents.body.payment_intents).toHaveLength(1);
    const final = (await request(server, 'GET', `/v1/orders/${order.order_id}`, { key })).body
      .order;
    expect(amount(final, 'paid_money')).toBe(13824);
  });

  it('the same Idempotency-Key retried gives one payment', async () => {
    const { key } = await seedAccount();
    const order = await newOrder(key);
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        pay(
          key,
          order.order_id,
          { payment_source_token: 'tok_visa' },
          { 'idempotency-key': `pay-${order.order_id}` },
        ),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(new Set(results.map((r) => r.text)).size).toBe(1);
    const intents = await request(server, 'GET', `/v1/payment_intents?order=${order.order_id}`, {
      key,
    });
    expect(intents.body.payment_intents).toHaveLength(1);
  });

  it("payment_source_tokens (the seed's form) pays with its one token; two, both fields or none are refused and charge nothing", async () => {
    const { key } = await seedAccount();
    const order = await newOrder(key);
    const refusals: [Record<string, unknown>, string, (string | number)[]][] = [
      [
        { payment_source_tokens: ['tok_visa', 'tok_visa'] },
        'split_payment_unsupported',
        ['payment', 'payment_source_tokens'],
      ],
      [
        { payment_source_token: 'tok_visa', payment_source_tokens: ['tok_visa'] },
        'parameter_invalid',
        ['payment', 'payment_source_tokens'],
      ],
      [
        { buyer_email: 'alex@example.com' },
        'parameter_invalid',
        ['payment', 'payment_source_token'],
      ],
      [{ payment_source_tokens: [] }, 'parameter_invalid', ['payment', 'payment_source_tokens']],
      [
        { payment_source_tokens: ['tok_visa'], buyer_email: 'alex' },
        'parameter_invalid',
        ['payment', 'buyer_email'],
      ],
    ];
    for (const [payment, code, loc] of refusals) {
      expectError(await pay(key, order.order_id, payment), 422, 'validation_error', code, [loc]);
    }
    const intents = () =>
      request(server, 'GET', `/v1/payment_intents?order=${order.order_id}`, { key });
    expect((await intents()).body.payment_intents).toEqual([]);
    const res = await pay(key, order.order_id, {
      payment_source_tokens: ['tok_visa'],
      buyer_email: 'alex@example.com',
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body.order.status).toBe('PAID');
    expect(amount(res.body.order, 'balance_money')).toBe(0);
    expect(res.body.payment_intent).toMatchObject({
      amount: 13824,
      status: 'succeeded',
      buyer_email: 'alex@example.com',
    });
    expect((await intents()).body.payment_intents).toHaveLength(1);
  });

  it('another account cannot pay or see an order or its payment intents', async () => {
    const { key } = await seedAccount();
    const other = await createTestAccount(server);
    const order = await newOrder(key);
    const res = await pay(other.testKey, order.order_id, { payment_source_token: 'tok_visa' });
    expectError(res, 404, 'not_found', 'resource_missing');
    const paid = await pay(key, order.order_id, { payment_source_token: 'tok_visa' });
    const id = paid.body.payment_intent.payment_intent_id;
    expectError(
      await request(server, 'GET', `/v1/payment_intents/${id}`, { key: other.testKey }),
      404,
      'not_found',
      'resource_missing',
    );
    expectError(
      await request(server, 'GET', `/v1/payment_intents/${id}`, {
        key: (await seedAccount()).liveKey,
      }),
      404,
      'not_found',
      'resource_missing',
    );
  });
});
