import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { create, expectError } from './catalog-fixtures.js';
import { createPaidOrder, createTestAccount, startTestServer, type TestServer } from './harness.js';
import { lineIds, ok, returnsClient } from './return-fixtures.js';

// What a return refunds: what the returned units were actually paid, through the refund
// engine, and never more than the order has left.

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const usd = (amount: number) => ({ amount, currency: 'USD' });

async function settle(api: ReturnType<typeof returnsClient>, returnId: string) {
  ok(await api.act(returnId, 'receive'));
  return ok(await api.act(returnId, 'complete')).return;
}

describe('the refund of a return', () => {
  it('is the discounted share and its exclusive tax, exact over partial returns', async () => {
    const { testKey: key } = await createTestAccount(server);
    const api = returnsClient(server, key);
    await create(server, key, 'tax_rates', 'tax_rate', {
      display_name: 'Tax',
      percentage: '8',
      inclusive: false,
      default: true,
    });
    await create(server, key, 'coupons', 'coupon', { code: 'TEN', percent_off: '10' });
    // 3 × 1000 and 1 × 2000; 10 % off: 300 and 200; 8 % on 4500: 216 and 144.
    const { order } = await createPaidOrder(server, key, {
      order: {
        line_items: [
          { name: 'Cup', quantity: 3, unit_price_money: usd(1000) },
          { name: 'Pot', quantity: 1, unit_price_money: usd(2000) },
        ],
        coupon_codes: ['TEN'],
      },
    });
    expect(order.net_amounts.total_money.amount).toBe(4860);
    const [cup] = lineIds(order);
    const one = ok(
      await api.open(order.order_id, {
        line_items: [{ line_item_id: cup, quantity: 1 }],
        reason: 'damaged',
      }),
    ).return;
    expect(one.line_items[0]).toMatchObject({
      amount_money: usd(900),
      tax_money: usd(72),
      total_money: usd(972),
    });
    const first = await settle(api, one.return_id);
    const refund = await api.refund(first.refund_id);
    expect(refund).toMatchObject({ amount: 972, amount_tax: 72, amount_discount: 0 });
    expect(refund.line_items).toEqual([{ line_item_id: cup, amount: 900, amount_tax: 72 }]);
    const two = ok(
      await api.open(order.order_id, {
        line_items: [{ line_item_id: cup, quantity: 2 }],
        reason: 'damaged',
      }),
    ).return;
    expect(two.credit_money).toEqual(usd(1944));
    const second = await settle(api, two.return_id);
    expect((await api.refund(second.refund_id)).amount).toBe(1944);
    // Every cup back: exactly what the cups were paid, 2700 + 216.
    const after = await api.order(order.order_id);
    expect(after.net_amounts.refunded_money.amount).toBe(2916);
    expect(after.status).toBe('PARTIALLY_REFUNDED');
  });

  it('with tax included in the price, refunds the price paid (its tax inside it)', async () => {
    const { testKey: key } = await createTestAccount(server);
    const api = returnsClient(server, key);
    await create(server, key, 'tax_rates', 'tax_rate', {
      display_name: 'VAT',
      percentage: '20',
      inclusive: true,
      default: true,
    });
    const { order } = await createPaidOrder(server, key, {
      order: { line_items: [{ name: 'Lamp', quantity: 3, unit_price_money: usd(1200) }] },
    });
    expect(order.net_amounts.total_money.amount).toBe(3600);
    const opened = ok(
      await api.open(order.order_id, {
        line_items: [{ line_item_id: lineIds(order)[0], quantity: 1 }],
        reason: 'defective',
      }),
    ).return;
    expect(opened.line_items[0]).toMatchObject({
      amount_money: usd(1200),
      tax_money: usd(200),
      total_money: usd(1200),
    });
    const done = await settle(api, opened.return_id);
    expect(await api.refund(done.refund_id)).toMatchObject({ amount: 1200, amount_tax: 0 });
  });

  it('is capped by what is left to refund: a line refunded by hand gives back the rest', async () => {
    const { testKey: key } = await createTestAccount(server);
    const api = returnsClient(server, key);
    const { order } = await createPaidOrder(server, key, {
      order: { line_items: [{ name: 'Desk', quantity: 2, unit_price_money: usd(5000) }] },
    });
    const [desk] = lineIds(order);
    ok(
      await api.post('/v1/refunds', {
        refund: {
          order_id: order.order_id,
          line_items: [{ line_item_id: desk, amount_to_refund: 7000 }],
        },
      }),
    );
    const opened = ok(
      await api.open(order.order_id, {
        line_items: [{ line_item_id: desk, quantity: 2 }],
        reason: 'other',
      }),
    ).return;
    expect(opened.credit_money).toEqual(usd(10000));
    const done = await settle(api, opened.return_id);
    expect((await api.refund(done.refund_id)).amount).toBe(3000);
    const after = await api.order(order.order_id);
    expect(after).toMatchObject({ status: 'REFUNDED' });
    expect(after.net_amounts.refunded_money.amount).toBe(10000);
  });

  it('is nothing once the order is refunded in full: the return settles without a refund', async () => {
    const { testKey: key } = await createTestAccount(server);
    const api = returnsClient(server, key);
    const { order } = await createPaidOrder(server, key, {
      order: { line_items: [{ name: 'Rug', quantity: 1, unit_price_money: usd(800) }] },
    });
    const opened = ok(
      await api.open(order.order_id, {
        line_items: [{ line_item_id: lineIds(order)[0], quantity: 1 }],
        reason: 'other',
      }),
    ).return;
    ok(await api.post('/v1/refunds', { refund: { order_id: order.order_id } }));
    const done = await settle(api, opened.return_id);
    expect(done).toMatchObject({ status: 'completed', refund_id: null });
    expect(done.settled_at).not.toBeNull();
    expect((await api.order(order.order_id)).net_amounts.refunded_money.amount).toBe(800);
  });
});

describe('concurrent returns', () => {
  it('of more than was sold together: one wins, the others are told the maximum', async () => {
    const { testKey: key } = await createTestAccount(server);
    const api = returnsClient(server, key);
    const { order } = await createPaidOrder(server, key, {
      order: { line_items: [{ name: 'Vase', quantity: 3, unit_price_money: usd(1500) }] },
    });
    const fields = {
      line_items: [{ line_item_id: lineIds(order)[0], quantity: 2 }],
      reason: 'damaged',
    };
    const answers = await Promise.all(
      Array.from({ length: 4 }, () => api.open(order.order_id, fields)),
    );
    const won = answers.filter((a) => a.status === 200);
    expect(won).toHaveLength(1);
    for (const lost of answers.filter((a) => a.status !== 200)) {
      expectError(lost, 422, 'validation_error', 'return_quantity_invalid');
      expect(lost.body.error.message).toContain('At most 1');
    }
    expect(ok(await api.get(`/v1/orders/${order.order_id}/returns`)).returns).toHaveLength(1);
  });

  it('completing the same return twice at once refunds it once', async () => {
    const { testKey: key } = await createTestAccount(server);
    const api = returnsClient(server, key);
    const { order } = await createPaidOrder(server, key, {
      order: { line_items: [{ name: 'Pen', quantity: 2, unit_price_money: usd(300) }] },
    });
    const opened = ok(
      await api.open(order.order_id, {
        line_items: [{ line_item_id: lineIds(order)[0], quantity: 2 }],
        reason: 'other',
      }),
    ).return;
    ok(await api.act(opened.return_id, 'receive'));
    const answers = await Promise.all([1, 2, 3].map(() => api.act(opened.return_id, 'complete')));
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    for (const lost of answers.filter((a) => a.status !== 200)) {
      expect([409, 422]).toContain(lost.status);
    }
    const after = await api.order(order.order_id);
    expect(after.net_amounts.refunded_money.amount).toBe(600);
    expect(ok(await api.get('/v1/events?type=refund.created')).events).toHaveLength(1);
  });
});
