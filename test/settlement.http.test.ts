import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandboxProcessor } from '../src/adapters/processors/sandbox.js';
import { settlePendingRefunds, settleStalePayments } from '../src/app/payments/settlement.js';
import { type PaymentProcessor, singleProcessor } from '../src/ports/payment-processor.js';
import { expectError } from './catalog-fixtures.js';
import { createTestAccount, request, startTestServer, type TestServer } from './harness.js';

const sandbox = createSandboxProcessor();
let unreachable = false;
const flaky: PaymentProcessor = {
  ...sandbox,
  charge: async (r) => {
    if (unreachable) throw new Error('timeout');
    return sandbox.charge(r);
  },
  refund: async (r) => {
    if (unreachable) throw new Error('timeout');
    return sandbox.refund(r);
  },
};

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ processor: flaky });
});
afterAll(() => server.close());

const post = (key: string, path: string, body?: unknown) =>
  request(server, 'POST', path, { key, body });
const get = (key: string, path: string) => request(server, 'GET', path, { key });

async function orderPaidWith(key: string, token: string) {
  const created = await post(key, '/v1/orders', {
    order: {
      line_items: [
        { name: 'Thing', quantity: 1, unit_price_money: { amount: 1000, currency: 'USD' } },
      ],
    },
  });
  const orderId = created.body.order.order_id;
  expect(
    (await post(key, `/v1/orders/${orderId}/pay`, { payment: { payment_source_token: token } }))
      .status,
  ).toBe(200);
  return orderId as string;
}

describe('settlement worker', () => {
  it('moves tok_refundFail refunds from pending to failed and gives the money back; tok_refundPending stays', async () => {
    const { testKey: key, accountId } = await createTestAccount(server);
    const failing = await orderPaidWith(key, 'tok_refundFail');
    const waiting = await orderPaidWith(key, 'tok_refundPending');
    const r1 = (await post(key, '/v1/refunds', { refund: { order_id: failing } })).body.refund;
    const r2 = (await post(key, '/v1/refunds', { refund: { order_id: waiting } })).body.refund;
    expect([r1.status, r2.status]).toEqual(['pending', 'pending']);
    await settlePendingRefunds(
      { deps: server.deps, processors: singleProcessor(flaky) },
      { olderThanMs: 0, scope: { accountId } },
    );
    const failed = (await get(key, `/v1/refunds/${r1.refund_id}`)).body.refund;
    expect(failed).toMatchObject({ status: 'failed', failure_reason: 'expired_or_canceled_card' });
    expect((await get(key, `/v1/orders/${failing}`)).body.order).toMatchObject({ status: 'PAID' });
    expect((await get(key, `/v1/refunds/${r2.refund_id}`)).body.refund.status).toBe('pending');
  });

  it('re-drives a payment the processor never answered, with the same key, exactly once', async () => {
    const { testKey: key, accountId } = await createTestAccount(server);
    const created = await post(key, '/v1/orders', {
      order: {
        line_items: [
          { name: 'Thing', quantity: 1, unit_price_money: { amount: 1000, currency: 'USD' } },
        ],
      },
    });
    const orderId = created.body.order.order_id;
    unreachable = true;
    try {
      expectError(
        await post(key, `/v1/orders/${orderId}/pay`, {
          payment: { payment_source_token: 'tok_visa' },
        }),
        502,
        'processor_error',
        'processor_unavailable',
      );
    } finally {
      unreachable = false;
    }
    expect((await get(key, `/v1/orders/${orderId}`)).body.order.status).toBe('OPEN');
    const ctx = { deps: server.deps, processors: singleProcessor(flaky) };
    await settleStalePayments(ctx, { olderThanMs: 0, scope: { accountId } });
    await settleStalePayments(ctx, { olderThanMs: 0, scope: { accountId } });
    const order = (await get(key, `/v1/orders/${orderId}`)).body.order;
    expect(order.status).toBe('PAID');
    expect(order.net_amounts.paid_money.amount).toBe(1000);
    expect(order.payments.map((p: any) => p.status)).toEqual(['succeeded']);
  });

  it('sends again a refund part the processor never received', async () => {
    const { testKey: key, accountId } = await createTestAccount(server);
    const orderId = await orderPaidWith(key, 'tok_visa');
    unreachable = true;
    let refund: any;
    try {
      refund = (await post(key, '/v1/refunds', { refund: { order_id: orderId, amount: 300 } })).body
        .refund;
    } finally {
      unreachable = false;
    }
    expect(refund.status).toBe('pending');
    await settlePendingRefunds(
      { deps: server.deps, processors: singleProcessor(flaky) },
      { olderThanMs: 0, scope: { accountId } },
    );
    const after = (await get(key, `/v1/refunds/${refund.refund_id}`)).body.refund;
    expect(after).toMatchObject({ status: 'succeeded', reference_status: 'available' });
    expect(
      (await get(key, `/v1/orders/${orderId}`)).body.order.net_amounts.refunded_money.amount,
    ).toBe(300);
  });
});
