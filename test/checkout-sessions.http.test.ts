import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError } from './catalog-fixtures.js';
import { createTestAccount, request, startTestServer, type TestServer } from './harness.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const post = (key: string, path: string, body?: unknown) =>
  request(server, 'POST', path, { key, body });
const lines = [
  { name: 'Yoga mat', quantity: 1, unit_price_money: { amount: 3500, currency: 'USD' } },
  { name: 'Blocks', quantity: 2, unit_price_money: { amount: 1500, currency: 'USD' } },
];

async function session(key: string, fields: Record<string, unknown>) {
  const res = await post(key, '/v1/checkout/sessions', {
    checkout_session: { success_url: 'https://shop.example/done', ...fields },
  });
  expect(res.status, res.text).toBe(200);
  return res.body.checkout_session;
}

describe('checkout sessions', () => {
  it('creates from line_items (making the order) with exactly the guide fields, plus order_id and url', async () => {
    const { testKey: key } = await createTestAccount(server);
    const cs = await session(key, { line_items: lines });
    expect(cs.checkout_session_id).toMatch(/^cs_[0-9a-z]{26}$/);
    expect(cs).toMatchObject({
      status: 'open',
      amount_total: 6500,
      amount_subtotal: 6500,
      currency: 'usd',
      customer: null,
      payment_intent: null,
      payment_intent_id: null,
      latest_charge: null,
      refunds: [],
    });
    expect(cs.url).toMatch(new RegExp(`/checkout/${cs.checkout_session_id}$`));
    expect(cs.line_items.map((l: any) => l.name)).toEqual(['Yoga mat', 'Blocks']);
    const order = await request(server, 'GET', `/v1/orders/${cs.order_id}`, { key });
    expect(order.body.order.net_amounts.total_money.amount).toBe(6500);
    const got = await request(server, 'GET', `/v1/checkout/sessions/${cs.checkout_session_id}`, {
      key,
    });
    expect(got.body.checkout_session).toEqual(cs);
  });

  it('paying the order by any surface completes its open session; refunds then show on it', async () => {
    const { testKey: key } = await createTestAccount(server);
    const order = (await post(key, '/v1/orders', { order: { line_items: lines } })).body.order;
    const cs = await session(key, { order_id: order.order_id });
    const paid = await post(key, `/v1/orders/${order.order_id}/pay`, {
      payment: { payment_source_token: 'tok_visa' },
    });
    expect(paid.status).toBe(200);
    let got = (
      await request(server, 'GET', `/v1/checkout/sessions/${cs.checkout_session_id}`, { key })
    ).body.checkout_session;
    expect(got.status).toBe('complete');
    expect(got.payment_intent).toEqual({
      payment_intent_id: paid.body.payment_intent.payment_intent_id,
      amount: 6500,
      amount_received: 6500,
      status: 'succeeded',
    });
    expect(got.payment_intent_id).toBe(paid.body.payment_intent.payment_intent_id);
    expect(got.latest_charge).toBe(paid.body.payment_intent.latest_charge);
    const refund = await post(key, '/v1/refunds', {
      refund: { order_id: order.order_id, amount: 3500 },
    });
    got = (await request(server, 'GET', `/v1/checkout/sessions/${cs.checkout_session_id}`, { key }))
      .body.checkout_session;
    expect(got.refunds.map((r: any) => r.refund_id)).toEqual([refund.body.refund.refund_id]);
    expectError(
      await post(key, `/v1/checkout/sessions/${cs.checkout_session_id}/expire`),
      409,
      'conflict',
      'checkout_session_state_invalid',
    );
    const completed = await request(
      server,
      'GET',
      `/v1/checkout/sessions?status=complete&order=${order.order_id}`,
      { key },
    );
    expect(completed.body.checkout_sessions.map((s: any) => s.checkout_session_id)).toEqual([
      cs.checkout_session_id,
    ]);
  });

  it('expires an open session once', async () => {
    const { testKey: key } = await createTestAccount(server);
    const cs = await session(key, { line_items: lines });
    const expired = await post(key, `/v1/checkout/sessions/${cs.checkout_session_id}/expire`);
    expect(expired.body.checkout_session.status).toBe('expired');
    expectError(
      await post(key, `/v1/checkout/sessions/${cs.checkout_session_id}/expire`),
      409,
      'conflict',
      'checkout_session_state_invalid',
    );
  });

  it('answers the guide errors: 404 "checkout session does not exist" and 401 "Invalid API key"', async () => {
    const account = await createTestAccount(server);
    const other = await createTestAccount(server);
    const cs = await session(account.testKey, { line_items: lines });
    for (const key of [other.testKey, account.liveKey]) {
      const res = await request(server, 'GET', `/v1/checkout/sessions/${cs.checkout_session_id}`, {
        key,
      });
      expectError(res, 404, 'not_found', 'resource_missing');
      expect(res.body.error.message).toBe('checkout session does not exist');
    }
    const unauthorized = await request(
      server,
      'GET',
      `/v1/checkout/sessions/${cs.checkout_session_id}`,
      { key: 'sk_test_nope' },
    );
    expect(unauthorized.status).toBe(401);
    expect(unauthorized.body.error).toMatchObject({
      type: 'unauthorized',
      message: 'Invalid API key',
    });
  });

  it('validates: order_id xor line_items, a payable order, http(s) URLs', async () => {
    const { testKey: key } = await createTestAccount(server);
    const order = (await post(key, '/v1/orders', { order: { line_items: lines } })).body.order;
    const both = await post(key, '/v1/checkout/sessions', {
      checkout_session: {
        order_id: order.order_id,
        line_items: lines,
        success_url: 'https://x.example',
      },
    });
    expectError(both, 422, 'validation_error', 'parameter_invalid');
    const neither = await post(key, '/v1/checkout/sessions', {
      checkout_session: { success_url: 'https://x.example' },
    });
    expectError(neither, 422, 'validation_error', 'parameter_invalid');
    // A session for an order shows the order's customer; another one is refused, not dropped.
    const customer = await post(key, '/v1/customers', { customer: { email: 'jo@example.com' } });
    const withCustomer = await post(key, '/v1/checkout/sessions', {
      checkout_session: {
        order_id: order.order_id,
        customer_id: customer.body.customer.customer_id,
        success_url: 'https://x.example',
      },
    });
    expectError(withCustomer, 422, 'validation_error', 'parameter_invalid', [
      ['checkout_session', 'customer_id'],
    ]);
    for (const url of ['javascript:alert(1)', 'not a url', 'ftp://x.example']) {
      const res = await post(key, '/v1/checkout/sessions', {
        checkout_session: { order_id: order.order_id, success_url: url },
      });
      expectError(res, 422, 'validation_error', 'parameter_invalid', [
        ['checkout_session', 'success_url'],
      ]);
    }
    await post(key, `/v1/orders/${order.order_id}/cancel`);
    const canceled = await post(key, '/v1/checkout/sessions', {
      checkout_session: { order_id: order.order_id, success_url: 'https://x.example' },
    });
    expectError(canceled, 409, 'conflict', 'order_state_invalid');
  });
});
