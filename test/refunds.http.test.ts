import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { create, expectError } from './catalog-fixtures.js';
import { countingSandbox } from './counting-processor.js';
import {
  createPaidOrder,
  createTestAccount,
  oneLine,
  request,
  startTestServer,
  type TestServer,
} from './harness.js';

// A real sandbox that counts refund calls, to prove one processor call per refund.
const { processor: counting, refundCalls } = countingSandbox();

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ processor: counting });
});
afterAll(() => server.close());

const post = (key: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
  request(server, 'POST', path, { key, body, headers });
const amount = (order: any, field: string) => order.net_amounts[field].amount;

/** An order of `total` (no tax) paid with `token`, possibly in several payments. */
async function paidOrder(
  key: string,
  total: number,
  token = 'tok_visa',
  payments: number[] = [total],
) {
  const paid = await createPaidOrder(server, key, {
    order: { line_items: oneLine(total) },
    token,
    payments,
  });
  return { order: paid.order, intent: paid.payment_intent };
}

describe('the seed walkthrough end to end (004)', () => {
  it('create → coupon → pay → refund 2900 → get: PARTIALLY_REFUNDED, refunded 2900, balance 0', async () => {
    const { testKey: key } = await createTestAccount(server);
    await create(server, key, 'tax_rates', 'tax_rate', {
      display_name: 'Tax',
      percentage: '8',
      inclusive: false,
      default: true,
    });
    await create(server, key, 'coupons', 'coupon', { code: 'LAUNCH20', percent_off: '20' });
    const created = await post(key, '/v1/orders', {
      order: {
        line_items: [
          {
            name: 'Pro Plan - Annual',
            quantity: 1,
            unit_price_money: { amount: 9900, currency: 'USD' },
          },
          {
            name: 'Priority Support Add-on',
            quantity: 1,
            unit_price_money: { amount: 2900, currency: 'USD' },
          },
        ],
      },
    });
    expect(amount(created.body.order, 'total_money')).toBe(13824);
    const orderId = created.body.order.order_id;
    const couponed = await post(key, `/v1/orders/${orderId}/coupons`, { coupon_code: 'LAUNCH20' });
    expect(amount(couponed.body.order, 'total_money')).toBe(11059);
    const paid = await post(key, `/v1/orders/${orderId}/pay`, {
      payment: { payment_source_token: 'tok_visa', buyer_email: 'alex@example.com' },
    });
    expect(paid.body.order.status).toBe('PAID');
    const refund = await post(
      key,
      '/v1/refunds',
      {
        refund: {
          payment_intent_id: paid.body.payment_intent.payment_intent_id,
          amount: 2900,
          reason: 'requested_by_customer',
        },
      },
      { 'idempotency-key': 'refund-support-addon-01' },
    );
    expect(refund.status, refund.text).toBe(200);
    expect(refund.body.refund).toMatchObject({
      object: 'refund',
      amount: 2900,
      reason: 'requested_by_customer',
      payment_intent_id: paid.body.payment_intent.payment_intent_id,
      order_id: orderId,
      currency: 'USD',
      test_mode: true,
      reference_type: 'acquirer_reference_number',
    });
    expect(refund.body.refund.refund_id).toMatch(/^re_[0-9a-z]{26}$/);
    const order = (await request(server, 'GET', `/v1/orders/${orderId}`, { key })).body.order;
    expect(order.status).toBe('PARTIALLY_REFUNDED');
    expect(amount(order, 'total_money')).toBe(11059);
    expect(amount(order, 'paid_money')).toBe(11059);
    expect(amount(order, 'refunded_money')).toBe(2900);
    expect(amount(order, 'balance_money')).toBe(0);
    const timeline = (await request(server, 'GET', `/v1/orders/${orderId}/timeline`, { key })).body
      .timeline;
    expect(timeline.map((e: any) => e.type)).toContain('order.partially_refunded');
  });
});

describe('POST /v1/refunds', () => {
  it('succeeds at once in the sandbox with a reference number; refunding the rest makes the order REFUNDED', async () => {
    const { testKey: key } = await createTestAccount(server);
    const { order } = await paidOrder(key, 10000);
    const first = await post(key, '/v1/refunds', {
      refund: { order_id: order.order_id, amount: 4000 },
    });
    expect(first.body.refund).toMatchObject({
      status: 'succeeded',
      reference_status: 'available',
      next_actions: [],
    });
    expect(first.body.refund.reference_id).toMatch(/^\d{23}$/);
    expect(first.body.refund.items).toEqual([
      expect.objectContaining({
        amount_refunded: 4000,
        payment_intent: order.payments[0].payment_intent_id,
        reference_status: 'available',
      }),
    ]);
    const rest = await post(key, '/v1/refunds', { refund: { order_id: order.order_id } });
    expect(rest.body.refund.amount).toBe(6000);
    const final = (await request(server, 'GET', `/v1/orders/${order.order_id}`, { key })).body
      .order;
    expect(final.status).toBe('REFUNDED');
    expect(amount(final, 'refunded_money')).toBe(10000);
    const none = await post(key, '/v1/refunds', {
      refund: { order_id: order.order_id, amount: 1 },
    });
    expect(none.status).toBe(409); // REFUNDED allows no refund
  });

  it('refuses more than is left, naming the field and the refundable amount', async () => {
    const { testKey: key } = await createTestAccount(server);
    const { order } = await paidOrder(key, 5000);
    const res = await post(key, '/v1/refunds', {
      refund: { order_id: order.order_id, amount: 5001 },
    });
    expectError(res, 422, 'validation_error', 'refund_amount_invalid', [['refund', 'amount']]);
    expect(res.body.error.maximum_refundable).toBe(5000);
  });

  it("amount_money (the seed's form) refunds like amount; both, or another currency, are refused and change nothing", async () => {
    const { testKey: key } = await createTestAccount(server);
    const { order, intent } = await paidOrder(key, 5000);
    const target = { payment_intent_id: intent.payment_intent_id };
    const both = await post(key, '/v1/refunds', {
      refund: { ...target, amount: 100, amount_money: { amount: 100, currency: 'USD' } },
    });
    expectError(both, 422, 'validation_error', 'parameter_invalid', [['refund', 'amount_money']]);
    const euros = await post(key, '/v1/refunds', {
      refund: { ...target, amount_money: { amount: 100, currency: 'EUR' } },
    });
    expectError(euros, 422, 'validation_error', 'currency_mismatch', [
      ['refund', 'amount_money', 'currency'],
    ]);
    const itemized = await post(key, '/v1/refunds/preview', {
      refund: { ...target, amount_money: { amount: 100 }, amount_tax: 0 },
    });
    expectError(itemized, 422, 'validation_error', 'parameter_invalid', [
      ['refund', 'amount_money'],
    ]);
    const tooMuch = await post(key, '/v1/refunds', {
      refund: { ...target, amount_money: { amount: 5001, currency: 'USD' } },
    });
    expectError(tooMuch, 422, 'validation_error', 'refund_amount_invalid', [
      ['refund', 'amount_money', 'amount'],
    ]);
    const unknown = await post(key, '/v1/refunds', {
      refund: { ...target, amount_money: { amount: 100, cents: 1 } },
    });
    expectError(unknown, 400, 'invalid_request', 'parameter_unknown', [
      ['refund', 'amount_money', 'cents'],
    ]);
    const none = await request(server, 'GET', `/v1/refunds?order=${order.order_id}`, { key });
    expect(none.body.refunds).toEqual([]);
    const res = await post(key, '/v1/refunds', {
      refund: { ...target, amount_money: { amount: 2900, currency: 'usd' } },
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body.refund).toMatchObject({ amount: 2900, currency: 'USD' });
    const after = await request(server, 'GET', `/v1/orders/${order.order_id}`, { key });
    expect(after.body.order.status).toBe('PARTIALLY_REFUNDED');
    expect(amount(after.body.order, 'refunded_money')).toBe(2900);
  });

  it('refuses an OPEN order with 409 and the allowed actions', async () => {
    const { testKey: key } = await createTestAccount(server);
    const res = await post(key, '/v1/orders', {
      order: { line_items: [{ name: 'x', quantity: 1, unit_price_money: { amount: 100 } }] },
    });
    const refund = await post(key, '/v1/refunds', {
      refund: { order_id: res.body.order.order_id },
    });
    expectError(refund, 409, 'conflict', 'order_state_invalid');
  });

  it('spreads an order-level refund over the charges, newest first (items[])', async () => {
    const { testKey: key } = await createTestAccount(server);
    const { order } = await paidOrder(key, 10000, 'tok_visa', [4000, 6000]);
    const [older, newer] = order.payments.map((p: any) => p.payment_intent_id);
    const res = await post(key, '/v1/refunds', {
      refund: { order_id: order.order_id, amount: 7000 },
    });
    expect(res.body.refund.items.map((i: any) => [i.payment_intent, i.amount_refunded])).toEqual(
      expect.arrayContaining([
        [newer, 6000],
        [older, 1000],
      ]),
    );
    const byIntent = await post(key, '/v1/refunds', {
      refund: { payment_intent_id: newer, amount: 1 },
    });
    expectError(byIntent, 422, 'validation_error', 'refund_amount_invalid');
    expect(byIntent.body.error.maximum_refundable).toBe(0);
  });

  it('200 concurrent refunds of 1,000 against 10,000 captured: exactly 10 succeed', async () => {
    const { testKey: key } = await createTestAccount(server);
    const { order } = await paidOrder(key, 10000);
    const results = await Promise.all(
      Array.from({ length: 200 }, () =>
        post(key, '/v1/refunds', { refund: { order_id: order.order_id, amount: 1000 } }),
      ),
    );
    const ok = results.filter((r) => r.status === 200);
    expect(ok).toHaveLength(10);
    for (const r of results.filter((r) => r.status !== 200)) {
      expect([409, 422]).toContain(r.status);
      if (r.status === 422) {
        expect(r.body.error.code).toBe('refund_amount_invalid');
        expect(r.body.error.maximum_refundable).toBe(0);
      } else {
        expect(r.body.error.code).toBe('order_state_invalid'); // already REFUNDED
      }
    }
    const final = (await request(server, 'GET', `/v1/orders/${order.order_id}`, { key })).body
      .order;
    expect(amount(final, 'refunded_money')).toBe(10000);
    expect(final.status).toBe('REFUNDED');
  });

  it('the same Idempotency-Key retried 100 times: one refund, one processor call', async () => {
    const { testKey: key } = await createTestAccount(server);
    const { order } = await paidOrder(key, 10000);
    const before = refundCalls.length;
    const results = await Promise.all(
      Array.from({ length: 100 }, () =>
        post(
          key,
          '/v1/refunds',
          { refund: { order_id: order.order_id, amount: 1000 } },
          { 'idempotency-key': `r-${order.order_id}` },
        ),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(100).fill(200));
    expect(new Set(results.map((r) => r.text)).size).toBe(1);
    expect(refundCalls.length - before).toBe(1);
    const list = await request(server, 'GET', `/v1/refunds?order=${order.order_id}`, { key });
    expect(list.body.refunds).toHaveLength(1);
  });
});

describe('pending refunds, failures, cancels and test helpers', () => {
  it('tok_refundPending stays pending (counting as refunded) until the test helper settles it', async () => {
    const { testKey: key } = await createTestAccount(server);
    const { order } = await paidOrder(key, 10000, 'tok_refundPending');
    const refund = (
      await post(key, '/v1/refunds', { refund: { order_id: order.order_id, amount: 3000 } })
    ).body.refund;
    expect(refund).toMatchObject({
      status: 'pending',
      reference_status: 'pending',
      reference_id: null,
    });
    expect(refund.next_actions[0].action).toBe('wait_for_processor');
    let current = (await request(server, 'GET', `/v1/orders/${order.order_id}`, { key })).body
      .order;
    expect(current.status).toBe('PARTIALLY_REFUNDED');
    expect(amount(current, 'refunded_money')).toBe(3000);
    const settled = await post(key, `/v1/test_helpers/refunds/${refund.refund_id}/succeed`);
    expect(settled.body.refund).toMatchObject({
      status: 'succeeded',
      reference_status: 'available',
    });
    expect(settled.body.refund.reference_id).toBeTruthy();
    const again = await post(key, `/v1/test_helpers/refunds/${refund.refund_id}/fail`);
    expectError(again, 409, 'conflict', 'refund_state_invalid', [['status']]);
    current = (await request(server, 'GET', `/v1/orders/${order.order_id}`, { key })).body.order;
    expect(amount(current, 'refunded_money')).toBe(3000);
  });

  it('a failed refund gives its amount back and the order status is recomputed', async () => {
    const { testKey: key } = await createTestAccount(server);
    const { order } = await paidOrder(key, 10000, 'tok_refundFail');
    const refund = (await post(key, '/v1/refunds', { refund: { order_id: order.order_id } })).body
      .refund;
    expect(refund.status).toBe('pending');
    expect(
      (await request(server, 'GET', `/v1/orders/${order.order_id}`, { key })).body.order.status,
    ).toBe('REFUNDED');
    const failed = (await post(key, `/v1/test_helpers/refunds/${refund.refund_id}/fail`)).body
      .refund;
    expect(failed).toMatchObject({
      status: 'failed',
      failure_reason: 'expired_or_canceled_card',
      reference_status: 'unavailable',
    });
    expect(failed.next_actions.map((a: any) => a.action)).toEqual([
      'refund_by_other_method',
      'contact_customer',
      'record_offline_refund',
    ]);
    const after = (await request(server, 'GET', `/v1/orders/${order.order_id}`, { key })).body
      .order;
    expect(after.status).toBe('PAID');
    expect(amount(after, 'refunded_money')).toBe(0);
    const retry = await post(key, '/v1/refunds', {
      refund: { order_id: order.order_id, amount: 10000 },
    });
    expect(retry.status).toBe(200);
  });

  it('a refund over two charges whose one part fails: failed, with what did reach the buyer', async () => {
    const { testKey: key } = await createTestAccount(server);
    const created = await post(key, '/v1/orders', {
      order: {
        line_items: [{ name: 'Thing', quantity: 1, unit_price_money: { amount: 5000 } }],
      },
    });
    const orderId = created.body.order.order_id;
    for (const [token, amount] of [
      ['tok_visa', 2000],
      ['tok_refundPending', 3000],
    ] as const) {
      const paid = await post(key, `/v1/orders/${orderId}/pay`, {
        payment: { payment_source_token: token, amount },
      });
      expect(paid.status, paid.text).toBe(200);
    }
    const res = await post(key, '/v1/refunds', { refund: { order_id: orderId, amount: 4000 } });
    expect(res.body.refund).toMatchObject({
      amount: 4000,
      amount_refunded: 1000,
      status: 'pending',
    });
    const failed = await post(key, `/v1/test_helpers/refunds/${res.body.refund.refund_id}/fail`);
    expect(failed.body.refund).toMatchObject({
      amount: 4000,
      amount_refunded: 1000,
      status: 'failed',
      failure_reason: 'expired_or_canceled_card',
    });
    expect(failed.body.refund.items.map((i: any) => [i.amount_refunded, i.status]).sort()).toEqual([
      [1000, 'succeeded'],
      [3000, 'failed'],
    ]);
    const order = (await request(server, 'GET', `/v1/orders/${orderId}`, { key })).body.order;
    expect(order.net_amounts.refunded_money.amount).toBe(1000);
    expect(order.status).toBe('PARTIALLY_REFUNDED');
  });

  it('cancels a pending refund (money back), but not a settled one', async () => {
    const { testKey: key } = await createTestAccount(server);
    const { order } = await paidOrder(key, 10000, 'tok_refundPending');
    const refund = (
      await post(key, '/v1/refunds', { refund: { order_id: order.order_id, amount: 2500 } })
    ).body.refund;
    const canceled = await post(key, `/v1/refunds/${refund.refund_id}/cancel`);
    expect(canceled.body.refund.status).toBe('canceled');
    const after = (await request(server, 'GET', `/v1/orders/${order.order_id}`, { key })).body
      .order;
    expect(after.status).toBe('PAID');
    expect(amount(after, 'refunded_money')).toBe(0);
    expectError(
      await post(key, `/v1/refunds/${refund.refund_id}/cancel`),
      409,
      'conflict',
      'refund_state_invalid',
    );
  });

  it('test helpers refuse live keys', async () => {
    const account = await createTestAccount(server);
    const res = await post(
      account.liveKey,
      '/v1/test_helpers/refunds/re_01h455vb4pex5vsknk084sn02q/succeed',
    );
    expectError(res, 403, 'forbidden', 'test_mode_only');
  });
});

describe('reading, updating, previewing', () => {
  it('PATCH changes reason and metadata only; amount and status are unknown fields', async () => {
    const { testKey: key } = await createTestAccount(server);
    const { order } = await paidOrder(key, 10000);
    const refund = (
      await post(key, '/v1/refunds', {
        refund: { order_id: order.order_id, amount: 1000, metadata: { a: '1' } },
      })
    ).body.refund;
    const patched = await request(server, 'PATCH', `/v1/refunds/${refund.refund_id}`, {
      key,
      body: { refund: { reason: 'fraudulent', metadata: { updated_by: 'admin' } } },
    });
    expect(patched.body.refund).toMatchObject({
      reason: 'fraudulent',
      metadata: { a: '1', updated_by: 'admin' },
      amount: 1000,
      status: 'succeeded',
    });
    for (const field of [{ amount: 5 }, { status: 'failed' }]) {
      const res = await request(server, 'PATCH', `/v1/refunds/${refund.refund_id}`, {
        key,
        body: { refund: field },
      });
      expectError(res, 400, 'invalid_request', 'parameter_unknown');
    }
    const got = await request(server, 'GET', `/v1/refunds/${refund.refund_id}`, { key });
    expect(got.body.refund).toEqual(patched.body.refund);
  });

  it('preview shows the refund and what would remain, and creates nothing', async () => {
    const { testKey: key } = await createTestAccount(server);
    const { order } = await paidOrder(key, 10000);
    const preview = await post(key, '/v1/refunds/preview', {
      refund: { order_id: order.order_id, amount: 2500 },
    });
    expect(preview.body.refund_preview).toMatchObject({
      amount: 2500,
      remaining_refundable: 7500,
      order_id: order.order_id,
    });
    const list = await request(server, 'GET', `/v1/refunds?order=${order.order_id}`, { key });
    expect(list.body.refunds).toEqual([]);
    expect(
      (await request(server, 'GET', `/v1/orders/${order.order_id}`, { key })).body.order.status,
    ).toBe('PAID');
  });

  it('lists by payment intent, order and status; other tenants see nothing', async () => {
    const { testKey: key } = await createTestAccount(server);
    const other = await createTestAccount(server);
    const { order, intent } = await paidOrder(key, 10000);
    const r1 = (
      await post(key, '/v1/refunds', { refund: { order_id: order.order_id, amount: 1000 } })
    ).body.refund;
    const byIntent = await request(
      server,
      'GET',
      `/v1/refunds?payment_intent=${intent.payment_intent_id}&status=succeeded`,
      { key },
    );
    expect(byIntent.body.refunds.map((r: any) => r.refund_id)).toEqual([r1.refund_id]);
    const pending = await request(
      server,
      'GET',
      `/v1/refunds?order=${order.order_id}&status=pending`,
      { key },
    );
    expect(pending.body.refunds).toEqual([]);
    expectError(
      await request(server, 'GET', `/v1/refunds/${r1.refund_id}`, { key: other.testKey }),
      404,
      'not_found',
      'resource_missing',
    );
    expectError(
      await post(other.testKey, '/v1/refunds', { refund: { order_id: order.order_id } }),
      404,
      'not_found',
      'resource_missing',
    );
    expect(
      (await request(server, 'GET', '/v1/refunds', { key: other.testKey })).body.refunds,
    ).toEqual([]);
  });
});
