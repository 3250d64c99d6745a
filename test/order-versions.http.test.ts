import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { create } from './catalog-fixtures.js';
import {
  createPaidOrder,
  createTestAccount,
  request,
  startTestServer,
  type TestServer,
} from './harness.js';

// An order's version and timeline move with the order itself: a change that only touches a
// refund (its processor answer, its metadata) gives the order no new version and no entry;
// money going back to the order does.

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

async function paidOrder(token: string) {
  const { testKey: key } = await createTestAccount(server);
  await create(server, key, 'tax_rates', 'tax_rate', {
    display_name: 'Tax',
    percentage: '8',
    inclusive: false,
    default: true,
  });
  const paid = await createPaidOrder(server, key, {
    order: { line_items: [{ name: 'A', quantity: 2, unit_price_money: { amount: 5000 } }] },
    token,
  });
  expect(paid.order).toMatchObject({ status: 'PAID', version: 2 });
  return { key, orderId: paid.order.order_id };
}

async function orderAndTimeline(key: string, orderId: string) {
  const order = (await request(server, 'GET', `/v1/orders/${orderId}`, { key })).body.order;
  const timeline = (await request(server, 'GET', `/v1/orders/${orderId}/timeline`, { key })).body
    .timeline;
  return { order, types: timeline.map((e: any) => e.type) };
}

describe('order versions and the timeline around refunds', () => {
  it('a refund that succeeds at once: one new version (its creation), none for its answer', async () => {
    const { key, orderId } = await paidOrder('tok_visa');
    const refund = await request(server, 'POST', '/v1/refunds', {
      key,
      body: { refund: { order_id: orderId, amount: 1000 } },
    });
    expect(refund.body.refund.status).toBe('succeeded');
    const patched = await request(server, 'PATCH', `/v1/refunds/${refund.body.refund.refund_id}`, {
      key,
      body: { refund: { metadata: { note: 'x' } } },
    });
    expect(patched.status, patched.text).toBe(200);
    const { order, types } = await orderAndTimeline(key, orderId);
    expect(order).toMatchObject({ status: 'PARTIALLY_REFUNDED', version: 3 });
    expect(order.net_amounts.refunded_money.amount).toBe(1000);
    expect(types).toEqual(['order.partially_refunded', 'order.paid', 'order.created']);
  });

  it('a refund that fails gives its money back: a new version and entry for that', async () => {
    const { key, orderId } = await paidOrder('tok_refundFail');
    const refund = await request(server, 'POST', '/v1/refunds', {
      key,
      body: { refund: { order_id: orderId, amount: 1000 } },
    });
    expect(refund.body.refund.status).toBe('pending');
    const failed = await request(
      server,
      'POST',
      `/v1/test_helpers/refunds/${refund.body.refund.refund_id}/fail`,
      { key },
    );
    expect(failed.body.refund.status, failed.text).toBe('failed');
    const { order, types } = await orderAndTimeline(key, orderId);
    expect(order).toMatchObject({ status: 'PAID', version: 4 });
    expect(order.net_amounts.refunded_money.amount).toBe(0);
    expect(types).toEqual([
      'order.updated',
      'order.partially_refunded',
      'order.paid',
      'order.created',
    ]);
  });
});
