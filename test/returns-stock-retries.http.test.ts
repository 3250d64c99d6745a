import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { create, expectError } from './catalog-fixtures.js';
import { createPaidOrder, createTestAccount, startTestServer, type TestServer } from './harness.js';
import { lineIds, ok, paidTwoLines, returnsClient } from './return-fixtures.js';

// Returns retried with their Idempotency-Key, and the stock a restocking return gives back.

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const usd = (amount: number) => ({ amount, currency: 'USD' });

describe('idempotency', () => {
  it('a create or an action retried with its Idempotency-Key replays the first answer', async () => {
    const { testKey: key } = await createTestAccount(server);
    const api = returnsClient(server, key);
    const order = await paidTwoLines(server, key);
    const fields = {
      line_items: [{ line_item_id: lineIds(order)[0], quantity: 1 }],
      reason: 'other',
    };
    const headers = { 'Idempotency-Key': 'return-once-1' };
    const first = ok(await api.open(order.order_id, fields, headers)).return;
    const again = ok(await api.open(order.order_id, fields, headers)).return;
    expect(again).toEqual(first);
    expect(ok(await api.get(`/v1/orders/${order.order_id}/returns`)).returns).toHaveLength(1);
    const reused = await api.open(order.order_id, { ...fields, reason: 'damaged' }, headers);
    expectError(reused, 422, 'idempotency_error', 'idempotency_key_reused');
    ok(await api.act(first.return_id, 'receive'));
    const key2 = { 'Idempotency-Key': 'complete-once-1' };
    const path = `/v1/returns/${first.return_id}/complete`;
    const done = ok(await api.post(path, {}, key2)).return;
    const replay = ok(await api.post(path, {}, key2)).return;
    expect(replay).toEqual(done);
    expect((await api.order(order.order_id)).net_amounts.refunded_money).toEqual(usd(1000));
  });
});

describe('restocking', () => {
  it('puts tracked stock back only when a restocking return is received', async () => {
    const { testKey: key } = await createTestAccount(server);
    const api = returnsClient(server, key);
    const product = await create(server, key, 'products', 'product', {
      name: 'Mug',
      inventory: { tracked: true, quantity: 10 },
    });
    const { order } = await createPaidOrder(server, key, {
      order: {
        line_items: [{ product_id: product.product_id, quantity: 4, unit_price_money: usd(700) }],
      },
    });
    const stock = async () =>
      ok(await api.get(`/v1/products/${product.product_id}`)).product.inventory.quantity;
    expect(await stock()).toBe(6);
    const [line] = lineIds(order);
    const kept = ok(
      await api.open(order.order_id, {
        line_items: [{ line_item_id: line, quantity: 1 }],
        reason: 'damaged',
        restock: false,
      }),
    ).return;
    const back = ok(
      await api.open(order.order_id, {
        line_items: [{ line_item_id: line, quantity: 2 }],
        reason: 'size_or_fit',
        restock: true,
      }),
    ).return;
    expect(await stock()).toBe(6);
    ok(await api.act(kept.return_id, 'receive'));
    expect(await stock()).toBe(6);
    const restocked = ok(await api.act(back.return_id, 'receive')).return;
    expect(await stock()).toBe(8);
    // Back in stock: no longer canceled (its units could be sold again meanwhile).
    expect(restocked.available_actions).not.toContain('cancel');
    const cancel = await api.act(back.return_id, 'cancel');
    expect(cancel.status).toBe(409);
    expect(cancel.body.error.code).toBe('return_state_invalid');
    expect(await stock()).toBe(8);
    ok(await api.act(back.return_id, 'complete'));
    expect(await stock()).toBe(8);
    // Refunded on receipt: the stock comes back in the refund's transaction.
    const last = ok(
      await api.open(order.order_id, {
        line_items: [{ line_item_id: line, quantity: 1 }],
        reason: 'other',
        restock: true,
        refund_on: 'received',
      }),
    ).return;
    const received = ok(await api.act(last.return_id, 'receive')).return;
    expect(received.refund_id).toMatch(/^re_/);
    expect(await stock()).toBe(9);
  });
});
