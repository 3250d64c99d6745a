import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandboxProcessor } from '../src/adapters/processors/sandbox.js';
import type { ChargeRequest, PaymentProcessor } from '../src/ports/payment-processor.js';
import { expectError } from './catalog-fixtures.js';
import { createTestAccount, request, startTestServer, type TestServer } from './harness.js';

// The real sandbox behind switches: charges can be held until released, or can throw
// (a processor that never answered), to drive the races a review found.
const sandbox = createSandboxProcessor();
const charges: ChargeRequest[] = [];
let hold: Promise<void> | null = null;
let release: () => void = () => {};
let throwOnCharge = false;
// The next answer is one Flint cannot store (NUL in a text column, NaN in a bigint): the
// database fails after the processor acted, as a crash or an outage would.
let unstorableAnswer = false;
const refundKeys: string[] = [];
const controlled: PaymentProcessor = {
  ...sandbox,
  async charge(req) {
    charges.push(req);
    if (hold) await hold;
    if (throwOnCharge) throw new Error('socket hang up');
    const outcome = await sandbox.charge(req);
    if (unstorableAnswer && outcome.status === 'succeeded') {
      unstorableAnswer = false;
      return { ...outcome, amountReceived: Number.NaN };
    }
    return outcome;
  },
  async refund(req) {
    refundKeys.push(req.idempotencyKey);
    const outcome = await sandbox.refund(req);
    if (unstorableAnswer && outcome.status === 'succeeded') {
      unstorableAnswer = false;
      return { ...outcome, referenceId: 'ARN\u0000' };
    }
    return outcome;
  },
};
function holdCharges() {
  hold = new Promise((resolve) => {
    release = () => {
      hold = null;
      resolve();
    };
  });
}

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ processor: controlled });
});
afterAll(() => server.close());

const post = (key: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
  request(server, 'POST', path, { key, body, headers });

async function openOrder(key: string, amount = 1000) {
  const res = await post(key, '/v1/orders', {
    order: {
      line_items: [{ name: 'Thing', quantity: 1, unit_price_money: { amount, currency: 'USD' } }],
    },
  });
  return res.body.order.order_id as string;
}

describe('payment safety', () => {
  it('a processor that does not answer: 502, the intent stays processing, a retry with the key charges nothing new', async () => {
    const { testKey: key } = await createTestAccount(server);
    const orderId = await openOrder(key);
    throwOnCharge = true;
    const before = charges.length;
    try {
      const headers = { 'idempotency-key': `pay-${orderId}` };
      const first = await post(
        key,
        `/v1/orders/${orderId}/pay`,
        { payment: { payment_source_token: 'tok_visa' } },
        headers,
      );
      expectError(first, 502, 'processor_error', 'processor_unavailable');
      const retry = await post(
        key,
        `/v1/orders/${orderId}/pay`,
        { payment: { payment_source_token: 'tok_visa' } },
        headers,
      );
      expect(retry.text).toBe(first.text);
      expect(retry.headers.get('idempotent-replayed')).toBe('true');
      expect(charges.length - before).toBe(1);
      const intents = await request(server, 'GET', `/v1/payment_intents?order=${orderId}`, { key });
      expect(intents.body.payment_intents.map((p: any) => p.status)).toEqual(['processing']);
      // A new request (no key) cannot charge the balance a second time either: it is told
      // a payment is under way.
      const other = await post(key, `/v1/orders/${orderId}/pay`, {
        payment: { payment_source_token: 'tok_visa' },
      });
      expectError(other, 409, 'conflict', 'payment_in_progress');
    } finally {
      throwOnCharge = false;
    }
  });

  it('the database fails after the processor charged: the retry with the key resumes that payment, never a second charge', async () => {
    const { testKey: key } = await createTestAccount(server);
    const orderId = await openOrder(key, 2500);
    const body = { payment: { payment_source_token: 'tok_visa' } };
    const headers = { 'idempotency-key': `pay-${orderId}` };
    unstorableAnswer = true;
    const crashed = await post(key, `/v1/orders/${orderId}/pay`, body, headers);
    expect(crashed.status, crashed.text).toBe(500);
    const retried = await post(key, `/v1/orders/${orderId}/pay`, body, headers);
    expect(retried.status, retried.text).toBe(200);
    expect(retried.body.order.status).toBe('PAID');
    expect(retried.body.order.net_amounts.paid_money.amount).toBe(2500);
    const intents = await request(server, 'GET', `/v1/payment_intents?order=${orderId}`, { key });
    expect(intents.body.payment_intents).toHaveLength(1);
    // Both calls carried the one intent's key: the processor charged once.
    const keys = charges.filter((c) => c.metadata.flint_order_id === orderId);
    expect(keys).toHaveLength(2);
    expect(new Set(keys.map((c) => c.idempotencyKey)).size).toBe(1);
  });

  it('the database fails after the processor refunded: the retry with the key finishes that refund', async () => {
    const { testKey: key } = await createTestAccount(server);
    const orderId = await openOrder(key, 2500);
    await post(key, `/v1/orders/${orderId}/pay`, { payment: { payment_source_token: 'tok_visa' } });
    const body = { refund: { order_id: orderId, amount: 1000 } };
    const headers = { 'idempotency-key': `refund-${orderId}` };
    unstorableAnswer = true;
    const crashed = await post(key, '/v1/refunds', body, headers);
    expect(crashed.status, crashed.text).toBe(500);
    const retried = await post(key, '/v1/refunds', body, headers);
    expect(retried.status, retried.text).toBe(200);
    expect(retried.body.refund).toMatchObject({ amount: 1000, status: 'succeeded' });
    const refunds = await request(server, 'GET', `/v1/refunds?order=${orderId}`, { key });
    expect(refunds.body.refunds).toHaveLength(1);
    const order = await request(server, 'GET', `/v1/orders/${orderId}`, { key });
    expect(order.body.order.net_amounts.refunded_money.amount).toBe(1000);
    const sent = refundKeys.filter((k) => k.startsWith(retried.body.refund.refund_id));
    expect(sent).toHaveLength(2);
    expect(new Set(sent).size).toBe(1);
  });

  it('an order with money on it can no longer be canceled or changed, only paid or refunded', async () => {
    const { testKey: key } = await createTestAccount(server);
    const orderId = await openOrder(key);
    const paid = await post(key, `/v1/orders/${orderId}/pay`, {
      payment: { payment_source_token: 'tok_visa', amount: 400 },
    });
    expect(paid.body.order.available_actions).toEqual(['pay', 'refund', 'update_metadata']);
    const cancel = await post(key, `/v1/orders/${orderId}/cancel`);
    expectError(cancel, 409, 'conflict', 'order_state_invalid');
    expect(cancel.body.error.message).toBe(
      'Cannot cancel an order that holds payments: refund them first',
    );
    const shrink = await request(server, 'PATCH', `/v1/orders/${orderId}`, {
      key,
      body: {
        order: { line_items: [{ name: 'x', quantity: 1, unit_price_money: { amount: 100 } }] },
      },
    });
    expectError(shrink, 409, 'conflict', 'order_state_invalid');
    const metadata = await request(server, 'PATCH', `/v1/orders/${orderId}`, {
      key,
      body: { order: { metadata: { a: 'b' } } },
    });
    expect(metadata.status).toBe(200);
    const order = (await request(server, 'GET', `/v1/orders/${orderId}`, { key })).body.order;
    expect(order.net_amounts.balance_money.amount).toBe(600);
  });

  it('a partly paid order the buyer abandons: refund what was paid, then cancel', async () => {
    const { testKey: key } = await createTestAccount(server);
    const orderId = await openOrder(key);
    for (const amount of [300, 100]) {
      const paid = await post(key, `/v1/orders/${orderId}/pay`, {
        payment: { payment_source_token: 'tok_visa', amount },
      });
      expect(paid.status, paid.text).toBe(200);
    }
    const over = await post(key, '/v1/refunds', { refund: { order_id: orderId, amount: 401 } });
    expectError(over, 422, 'validation_error', 'refund_amount_invalid');
    expect(over.body.error.maximum_refundable).toBe(400);
    const refund = await post(key, '/v1/refunds', { refund: { order_id: orderId } });
    expect(refund.status, refund.text).toBe(200);
    expect(refund.body.refund).toMatchObject({ amount: 400, status: 'succeeded' });
    expect(refund.body.refund.items.map((i: any) => i.amount_refunded).sort()).toEqual([100, 300]);
    let order = (await request(server, 'GET', `/v1/orders/${orderId}`, { key })).body.order;
    expect(order.status).toBe('OPEN');
    expect(order.net_amounts.refunded_money.amount).toBe(400);
    expect(order.available_actions).toEqual(['pay', 'cancel', 'update_metadata']);
    const canceled = await post(key, `/v1/orders/${orderId}/cancel`);
    expect(canceled.status, canceled.text).toBe(200);
    order = canceled.body.order;
    expect(order.status).toBe('CANCELED');
    expect(order.net_amounts.paid_money.amount).toBe(400);
    expect(order.net_amounts.refunded_money.amount).toBe(400);
  });

  it('the settling payment waits for any other payment under way (no double stock-taking)', async () => {
    const { testKey: key } = await createTestAccount(server);
    const orderId = await openOrder(key);
    holdCharges();
    const first = post(key, `/v1/orders/${orderId}/pay`, {
      payment: { payment_source_token: 'tok_chargeDeclined', amount: 400 },
    });
    // Wait until the first payment is recorded as processing.
    for (let i = 0; i < 100; i++) {
      const intents = await request(server, 'GET', `/v1/payment_intents?order=${orderId}`, { key });
      if (intents.body.payment_intents.length > 0) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const rest = await post(key, `/v1/orders/${orderId}/pay`, {
      payment: { payment_source_token: 'tok_visa' },
    });
    expectError(rest, 409, 'conflict', 'payment_in_progress');
    release();
    expectError(await first, 402, 'processor_error', 'card_declined');
    const after = await post(key, `/v1/orders/${orderId}/pay`, {
      payment: { payment_source_token: 'tok_visa' },
    });
    expect(after.body.order.status).toBe('PAID');
  });

  it('one refund writes one order refund event', async () => {
    const { testKey: key } = await createTestAccount(server);
    const orderId = await openOrder(key);
    await post(key, `/v1/orders/${orderId}/pay`, { payment: { payment_source_token: 'tok_visa' } });
    await post(key, '/v1/refunds', { refund: { order_id: orderId, amount: 100 } });
    const timeline = (await request(server, 'GET', `/v1/orders/${orderId}/timeline`, { key })).body
      .timeline;
    expect(timeline.filter((e: any) => e.type === 'order.partially_refunded')).toHaveLength(1);
  });

  it('cancels a pending refund at the processor first, and refuses one the processor already paid', async () => {
    const { testKey: key } = await createTestAccount(server);
    const pendingOrder = await openOrder(key);
    await post(key, `/v1/orders/${pendingOrder}/pay`, {
      payment: { payment_source_token: 'tok_refundPending' },
    });
    const pending = (await post(key, '/v1/refunds', { refund: { order_id: pendingOrder } })).body
      .refund;
    expect((await post(key, `/v1/refunds/${pending.refund_id}/cancel`)).body.refund.status).toBe(
      'canceled',
    );
    // Refunding again is allowed and the captured amount is never exceeded.
    const again = await post(key, '/v1/refunds', { refund: { order_id: pendingOrder } });
    expect(again.body.refund.amount).toBe(1000);
    expectError(
      await post(key, '/v1/refunds', { refund: { order_id: pendingOrder, amount: 1 } }),
      409,
      'conflict',
      'order_state_invalid',
    );
  });
});
