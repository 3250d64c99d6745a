import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError, expectMissing } from './catalog-fixtures.js';
import { createTestAccount, startTestServer, type TestServer } from './harness.js';
import { lineIds, ok, paidTwoLines, returnsClient } from './return-fixtures.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const usd = (amount: number) => ({ amount, currency: 'USD' });

describe('opening a return', () => {
  it('returns part of a paid order: requested, credited what the units were paid', async () => {
    const { testKey: key } = await createTestAccount(server);
    const api = returnsClient(server, key);
    const order = await paidTwoLines(server, key);
    const [shirt] = lineIds(order);
    const created = ok(
      await api.open(order.order_id, {
        line_items: [{ line_item_id: shirt, quantity: 2 }],
        reason: 'size_or_fit',
        metadata: { rma: '42' },
      }),
    ).return;
    expect(created).toMatchObject({
      object: 'return',
      order_id: order.order_id,
      status: 'requested',
      reason: 'size_or_fit',
      restock: false,
      refund_on: 'completed',
      credit_money: usd(2000),
      exchange_order_id: null,
      refund_id: null,
      available_actions: ['update', 'receive', 'cancel'],
      metadata: { rma: '42' },
      test_mode: true,
    });
    expect(created.return_id).toMatch(/^ret_/);
    expect(created.line_items).toEqual([
      {
        line_item_id: shirt,
        quantity: 2,
        amount_money: usd(2000),
        tax_money: usd(0),
        total_money: usd(2000),
      },
    ]);
    expect(ok(await api.get(`/v1/returns/${created.return_id}`)).return).toEqual(created);
    const events = ok(await api.get(`/v1/events?type=return.created`)).events;
    expect(events[0].data.object).toEqual(created);
  });

  it('refuses more than was sold, and more than is left: 422 naming the maximum, nothing made', async () => {
    const { testKey: key } = await createTestAccount(server);
    const api = returnsClient(server, key);
    const order = await paidTwoLines(server, key);
    const [shirt, hat] = lineIds(order);
    const tooMany = await api.open(order.order_id, {
      line_items: [{ line_item_id: shirt, quantity: 4 }],
      reason: 'damaged',
    });
    expectError(tooMany, 422, 'validation_error', 'return_quantity_invalid', [
      ['return', 'line_items', 0, 'quantity'],
    ]);
    expect(tooMany.body.error.message).toContain('At most 3');
    ok(
      await api.open(order.order_id, {
        line_items: [{ line_item_id: shirt, quantity: 2 }],
        reason: 'damaged',
      }),
    );
    const rest = await api.open(order.order_id, {
      line_items: [
        { line_item_id: hat, quantity: 1 },
        { line_item_id: shirt, quantity: 2 },
      ],
      reason: 'damaged',
    });
    expectError(rest, 422, 'validation_error', 'return_quantity_invalid', [
      ['return', 'line_items', 1, 'quantity'],
    ]);
    expect(rest.body.error.message).toContain('At most 1');
    const listed = ok(await api.get(`/v1/orders/${order.order_id}/returns`));
    expect(listed.returns).toHaveLength(1);
  });

  it('frees a canceled return’s units to be returned again', async () => {
    const { testKey: key } = await createTestAccount(server);
    const api = returnsClient(server, key);
    const order = await paidTwoLines(server, key);
    const [, hat] = lineIds(order);
    const first = ok(
      await api.open(order.order_id, {
        line_items: [{ line_item_id: hat, quantity: 1 }],
        reason: 'other',
      }),
    ).return;
    const again = { line_items: [{ line_item_id: hat, quantity: 1 }], reason: 'other' };
    expectError(
      await api.open(order.order_id, again),
      422,
      'validation_error',
      'return_quantity_invalid',
    );
    const canceled = ok(await api.act(first.return_id, 'cancel')).return;
    expect(canceled).toMatchObject({ status: 'canceled', available_actions: ['update'] });
    expect(canceled.canceled_at).not.toBeNull();
    ok(await api.open(order.order_id, again));
  });

  it('refuses an unpaid order, an unknown line, another tenant’s ids and bad input', async () => {
    const { testKey: key } = await createTestAccount(server);
    const { testKey: other } = await createTestAccount(server);
    const api = returnsClient(server, key);
    const order = await paidTwoLines(server, key);
    const [shirt] = lineIds(order);
    const open = ok(
      await api.post('/v1/orders', {
        order: { line_items: [{ name: 'X', quantity: 1, unit_price_money: usd(100) }] },
      }),
    ).order;
    expectError(
      await api.open(open.order_id, {
        line_items: [{ line_item_id: lineIds(open)[0], quantity: 1 }],
        reason: 'other',
      }),
      409,
      'conflict',
      'order_state_invalid',
    );
    expectError(
      await api.open(order.order_id, {
        line_items: [{ line_item_id: lineIds(open)[0], quantity: 1 }],
        reason: 'other',
      }),
      422,
      'validation_error',
      'parameter_invalid',
      [['return', 'line_items', 0, 'line_item_id']],
    );
    const foreign = returnsClient(server, other);
    const fields = { line_items: [{ line_item_id: shirt, quantity: 1 }], reason: 'other' };
    expectMissing(await foreign.open(order.order_id, fields), 'order');
    const mine = ok(await api.open(order.order_id, fields)).return;
    expectMissing(await foreign.get(`/v1/returns/${mine.return_id}`), 'return');
    expectMissing(await foreign.act(mine.return_id, 'receive'), 'return');
    expectMissing(await foreign.act(mine.return_id, 'cancel'), 'return');
    expect(ok(await foreign.get('/v1/returns')).returns).toEqual([]);
    expectMissing(await foreign.get(`/v1/orders/${order.order_id}/returns`), 'order');
    const bad = await api.open(order.order_id, { ...fields, reason: 'bored' });
    expectError(bad, 422, 'validation_error', 'parameter_invalid', [['return', 'reason']]);
    const huge = await api.open(order.order_id, {
      line_items: [{ line_item_id: shirt, quantity: 1e20 }],
      reason: 'other',
    });
    expectError(huge, 422, 'validation_error', 'parameter_invalid', [
      ['return', 'line_items', 0, 'quantity'],
    ]);
    expect(ok(await api.get(`/v1/returns/${mine.return_id}`)).return.status).toBe('requested');
  });
});

describe('moving a return', () => {
  it('receive → complete refunds on completion; a wrong move is a 409 naming the allowed ones', async () => {
    const { testKey: key } = await createTestAccount(server);
    const api = returnsClient(server, key);
    const order = await paidTwoLines(server, key);
    const [shirt] = lineIds(order);
    const opened = ok(
      await api.open(order.order_id, {
        line_items: [{ line_item_id: shirt, quantity: 1 }],
        reason: 'defective',
      }),
    ).return;
    const early = await api.act(opened.return_id, 'complete');
    expectError(early, 409, 'conflict', 'return_state_invalid');
    expect(early.body.error.message).toContain('allowed: update, receive, cancel');
    const received = ok(await api.act(opened.return_id, 'receive')).return;
    expect(received).toMatchObject({ status: 'received', refund_id: null, settled_at: null });
    expect((await api.order(order.order_id)).net_amounts.refunded_money.amount).toBe(0);
    const completed = ok(await api.act(opened.return_id, 'complete')).return;
    expect(completed).toMatchObject({ status: 'completed', available_actions: ['update'] });
    expect(completed.refund_id).toMatch(/^re_/);
    const refund = await api.refund(completed.refund_id);
    expect(refund).toMatchObject({ amount: 1000, currency: 'USD', status: 'succeeded' });
    expect(refund.metadata).toEqual({ return_id: opened.return_id });
    const after = await api.order(order.order_id);
    expect(after.status).toBe('PARTIALLY_REFUNDED');
    expect(after.net_amounts.refunded_money.amount).toBe(1000);
    expectError(await api.act(opened.return_id, 'cancel'), 409, 'conflict', 'return_state_invalid');
    const types = ok(await api.get('/v1/events?limit=20')).events.map((e: any) => e.type);
    expect(types.filter((t: string) => t.startsWith('return.'))).toEqual([
      'return.completed',
      'return.received',
      'return.created',
    ]);
  });

  it('refunds on receipt when asked, and can no longer be canceled', async () => {
    const { testKey: key } = await createTestAccount(server);
    const api = returnsClient(server, key);
    const order = await paidTwoLines(server, key);
    const [, hat] = lineIds(order);
    const opened = ok(
      await api.open(order.order_id, {
        line_items: [{ line_item_id: hat, quantity: 1 }],
        reason: 'wrong_item',
        refund_on: 'received',
      }),
    ).return;
    const received = ok(await api.act(opened.return_id, 'receive')).return;
    expect(received).toMatchObject({
      status: 'received',
      available_actions: ['update', 'complete'],
    });
    expect((await api.refund(received.refund_id)).amount).toBe(500);
    const cancel = await api.act(opened.return_id, 'cancel');
    expectError(cancel, 409, 'conflict', 'return_state_invalid');
    expect(cancel.body.error.message).toContain('allowed: update, complete');
    const completed = ok(await api.act(opened.return_id, 'complete')).return;
    expect(completed.refund_id).toBe(received.refund_id);
    expect((await api.order(order.order_id)).net_amounts.refunded_money.amount).toBe(500);
  });

  it('updates the reason and metadata, with return.updated and its previous attributes', async () => {
    const { testKey: key } = await createTestAccount(server);
    const api = returnsClient(server, key);
    const order = await paidTwoLines(server, key);
    const opened = ok(
      await api.open(order.order_id, {
        line_items: [{ line_item_id: lineIds(order)[1], quantity: 1 }],
        reason: 'other',
      }),
    ).return;
    const res = await server.app.inject({
      method: 'PATCH',
      url: `/v1/returns/${opened.return_id}`,
      headers: { authorization: `Bearer ${key}` },
      payload: { return: { reason: 'damaged', metadata: { note: 'box crushed' } } },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().return).toMatchObject({
      reason: 'damaged',
      metadata: { note: 'box crushed' },
    });
    const [event] = ok(await api.get('/v1/events?type=return.updated')).events;
    expect(event.data.previous_attributes).toMatchObject({ reason: 'other', metadata: {} });
  });

  it('lists returns per order and overall with keyset pagination', async () => {
    const { testKey: key } = await createTestAccount(server);
    const api = returnsClient(server, key);
    const a = await paidTwoLines(server, key);
    const b = await paidTwoLines(server, key);
    const one = (order: any, i: number) => ({
      line_items: [{ line_item_id: lineIds(order)[0], quantity: 1 }],
      reason: 'other',
      metadata: { i: String(i) },
    });
    const made = [];
    for (const [i, order] of [a, a, b].entries())
      made.push(ok(await api.open(order.order_id, one(order, i))).return.return_id);
    const first = ok(await api.get('/v1/returns?limit=2'));
    expect(first.returns.map((r: any) => r.return_id)).toEqual([made[2], made[1]]);
    expect(first.has_more).toBe(true);
    const second = ok(
      await api.get(`/v1/returns?limit=2&starting_after=${first.next_cursor ?? made[1]}`),
    );
    expect(second.returns.map((r: any) => r.return_id)).toEqual([made[0]]);
    const ofA = ok(await api.get(`/v1/orders/${a.order_id}/returns`)).returns;
    expect(ofA.map((r: any) => r.return_id)).toEqual([made[1], made[0]]);
    expect(ok(await api.get(`/v1/returns?order_id=${b.order_id}`)).returns).toHaveLength(1);
  });
});
