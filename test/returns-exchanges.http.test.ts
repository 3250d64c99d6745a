import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { create, expectError } from './catalog-fixtures.js';
import { countingSandbox } from './counting-processor.js';
import {
  createPaidOrder,
  createTestAccount,
  request,
  startTestServer,
  type TestServer,
} from './harness.js';
import { lineIds, ok, returnsClient } from './return-fixtures.js';

// Exchanges: the new lines go on a follow-up order credited with what the returned units
// were paid; the difference is collected on it, refunded on the original, or nothing.

const { processor, refundCalls } = countingSandbox();
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ processor });
});
afterAll(() => server.close());

const usd = (amount: number) => ({ amount, currency: 'USD' });
const item = (name: string, amount: number, quantity = 1) => ({
  name,
  quantity,
  unit_price_money: usd(amount),
});

/** A paid order of 2 shirts at 2000 (with `token`), and a return of one exchanged for `lines`. */
async function exchange(
  lines: unknown[],
  refund_on: 'received' | 'completed' = 'received',
  token = 'tok_visa',
) {
  const { testKey: key } = await createTestAccount(server);
  const api = returnsClient(server, key);
  const { order } = await createPaidOrder(server, key, {
    order: { line_items: [item('Shirt M', 2000, 2)] },
    token,
  });
  const opened = ok(
    await api.open(order.order_id, {
      line_items: [{ line_item_id: lineIds(order)[0], quantity: 1 }],
      reason: 'size_or_fit',
      refund_on,
      exchange_line_items: lines,
    }),
  ).return;
  expect(opened).toMatchObject({ credit_money: usd(2000), exchange_order_id: null });
  return { key, api, order, opened };
}

describe('an exchange', () => {
  it('costing more: the follow-up keeps the difference as its balance, paid as any order', async () => {
    const { key, api, order, opened } = await exchange([item('Jacket', 3000)]);
    const calls = refundCalls.length;
    const received = ok(await api.act(opened.return_id, 'receive')).return;
    expect(received.exchange_order_id).toMatch(/^ord_/);
    expect(received).toMatchObject({ refund_id: null, status: 'received' });
    const followUp = await api.order(received.exchange_order_id);
    expect(followUp).toMatchObject({
      status: 'OPEN',
      exchange_for_order_id: order.order_id,
      credit_money: usd(2000),
      currency: 'USD',
    });
    expect(followUp.net_amounts.total_money).toEqual(usd(1000));
    expect(followUp.net_amounts.balance_money).toEqual(usd(1000));
    // The credit is recorded on the original, outside the processor.
    const credit = await api.refund(received.credit_refund_id);
    expect(credit).toMatchObject({ amount: 2000, method: 'store_credit', status: 'succeeded' });
    expect(refundCalls.length).toBe(calls);
    const original = await api.order(order.order_id);
    expect(original).toMatchObject({ status: 'PARTIALLY_REFUNDED' });
    expect(original.net_amounts.refunded_money).toEqual(usd(2000));
    // A credited follow-up sells what was credited: its lines are frozen, and it says so.
    expect(followUp.available_actions).toEqual(['pay', 'update_metadata']);
    const change = await request(server, 'PATCH', `/v1/orders/${followUp.order_id}`, {
      key,
      body: { order: { line_items: [item('Coat', 9000)] } },
    });
    expectError(change, 409, 'conflict', 'order_state_invalid');
    expectError(
      await api.post(`/v1/orders/${followUp.order_id}/cancel`, {}),
      409,
      'conflict',
      'order_state_invalid',
    );
    // Collected like any balance: here by an invoice for exactly the difference.
    const invoice = ok(
      await api.post('/v1/invoices', { invoice: { order_id: followUp.order_id } }),
    ).invoice;
    expect(invoice.amount_due).toEqual(usd(1000));
    ok(await api.post(`/v1/invoices/${invoice.invoice_id}/finalize`, {}));
    const paid = ok(
      await api.post(`/v1/invoices/${invoice.invoice_id}/pay`, {
        payment: { payment_source_token: 'tok_visa' },
      }),
    );
    expect(paid.invoice.status).toBe('paid');
    expect((await api.order(followUp.order_id)).status).toBe('PAID');
    expect((await api.order(followUp.order_id)).net_amounts.paid_money).toEqual(usd(1000));
    const listed = ok(await api.get(`/v1/orders/${order.order_id}/returns`)).returns;
    expect(listed[0].exchange_order_id).toBe(followUp.order_id);
  });

  it('costing the same: the follow-up is PAID at once, nothing reaches the processor', async () => {
    const { api, order, opened } = await exchange([item('Shirt L', 2000)], 'completed');
    ok(await api.act(opened.return_id, 'receive'));
    const calls = refundCalls.length;
    const done = ok(await api.act(opened.return_id, 'complete')).return;
    expect(done).toMatchObject({ status: 'completed', refund_id: null });
    const followUp = await api.order(done.exchange_order_id);
    expect(followUp).toMatchObject({ status: 'PAID', payments: [], credit_money: usd(2000) });
    expect(followUp.net_amounts.total_money).toEqual(usd(0));
    expect(refundCalls.length).toBe(calls);
    const original = await api.order(order.order_id);
    expect(original.net_amounts.refunded_money).toEqual(usd(2000));
    const types = ok(await api.get('/v1/events?limit=30')).events.map((e: any) => e.type);
    expect(types).toContain('order.paid');
    expect(types).toContain('return.completed');
    // The follow-up was paid with the credit: a return of it could not give the credit
    // back, so it takes none (nothing is written).
    const again = await api.open(followUp.order_id, {
      line_items: [{ line_item_id: followUp.line_items[0].line_item_id, quantity: 1 }],
      reason: 'other',
    });
    expectError(again, 409, 'conflict', 'order_state_invalid');
    expect(ok(await api.get(`/v1/orders/${followUp.order_id}/returns`)).returns).toEqual([]);
  });

  it('costing less: the follow-up is PAID, the rest is refunded on the original card', async () => {
    const { api, order, opened } = await exchange([item('Socks', 500)]);
    const calls = refundCalls.length;
    const received = ok(await api.act(opened.return_id, 'receive')).return;
    const followUp = await api.order(received.exchange_order_id);
    expect(followUp).toMatchObject({ status: 'PAID', credit_money: usd(500) });
    expect((await api.refund(received.credit_refund_id)).amount).toBe(500);
    const rest = await api.refund(received.refund_id);
    expect(rest).toMatchObject({
      amount: 1500,
      method: 'original_payment_method',
      status: 'succeeded',
    });
    expect(refundCalls.length).toBe(calls + 1);
    const original = await api.order(order.order_id);
    expect(original.net_amounts.refunded_money).toEqual(usd(2000));
    // Settled: it can no longer be canceled, and receiving again is refused.
    expect(received.available_actions).toEqual(['update', 'complete']);
    expectError(
      await api.act(opened.return_id, 'receive'),
      409,
      'conflict',
      'return_state_invalid',
    );
    expect((await api.order(order.order_id)).net_amounts.refunded_money).toEqual(usd(2000));
  });

  it('into another currency is refused when the return is opened; nothing is made', async () => {
    const { testKey: key } = await createTestAccount(server);
    const api = returnsClient(server, key);
    const { order } = await createPaidOrder(server, key, {
      order: { line_items: [item('Shirt M', 2000)] },
    });
    const product = await create(server, key, 'products', 'product', { name: 'Shirt EU' });
    const eur = await create(server, key, 'prices', 'price', {
      product_id: product.product_id,
      unit_amount: 1800,
      currency: 'EUR',
    });
    const fields = {
      line_items: [{ line_item_id: lineIds(order)[0], quantity: 1 }],
      reason: 'size_or_fit',
    };
    const inEuro = await api.open(order.order_id, {
      ...fields,
      exchange_line_items: [
        { name: 'Shirt', quantity: 1, unit_price_money: { amount: 1800, currency: 'EUR' } },
      ],
    });
    expectError(inEuro, 422, 'validation_error', 'currency_mismatch');
    expect(inEuro.body.error.errors[0].loc.slice(0, 2)).toEqual(['return', 'exchange_line_items']);
    const byPrice = await api.open(order.order_id, {
      ...fields,
      exchange_line_items: [{ price_id: eur.price_id, quantity: 1 }],
    });
    expectError(byPrice, 422, 'validation_error', 'currency_mismatch', [
      ['return', 'exchange_line_items', 0, 'price_id'],
    ]);
    const huge = await api.open(order.order_id, {
      ...fields,
      exchange_line_items: [item('Yacht', 99_999_999_999, 1000)],
    });
    expectError(huge, 422, 'validation_error', 'parameter_invalid', [
      ['return', 'exchange_line_items'],
    ]);
    expect(ok(await api.get(`/v1/orders/${order.order_id}/returns`)).returns).toEqual([]);
  });

  it('can be canceled before it settles: no follow-up is ever made', async () => {
    const { api, order, opened } = await exchange([item('Jacket', 3000)], 'completed');
    ok(await api.act(opened.return_id, 'receive'));
    const canceled = ok(await api.act(opened.return_id, 'cancel')).return;
    expect(canceled).toMatchObject({ status: 'canceled', exchange_order_id: null });
    const orders = ok(await api.get('/v1/orders')).orders;
    expect(orders.map((o: any) => o.order_id)).toEqual([order.order_id]);
  });
});

describe('an exchange stopped before the rest was refunded', () => {
  it('is finished by a retry of the action that settled it: the rest refunded once', async () => {
    // Refunds of this card stay pending, so the rest's refund can be canceled below.
    const { api, order, opened } = await exchange(
      [item('Socks', 500)],
      'received',
      'tok_refundPending',
    );
    const first = ok(await api.act(opened.return_id, 'receive')).return;
    ok(await api.post(`/v1/refunds/${first.refund_id}/cancel`, {}));
    // The state a stop between the exchange and the rest's refund leaves behind.
    await server.deps.db
      .updateTable('returns')
      .set({ refund_id: null })
      .where('id', '=', opened.return_id)
      .execute();
    const resumed = ok(await api.act(opened.return_id, 'receive')).return;
    expect(resumed.refund_id).toMatch(/^re_/);
    expect(resumed.refund_id).not.toBe(first.refund_id);
    expect((await api.refund(resumed.refund_id)).amount).toBe(1500);
    expect(resumed.exchange_order_id).toBe(first.exchange_order_id);
    // Done now: another receive is the ordinary 409, and nothing more is refunded.
    expectError(
      await api.act(opened.return_id, 'receive'),
      409,
      'conflict',
      'return_state_invalid',
    );
    expect((await api.order(order.order_id)).net_amounts.refunded_money).toEqual(usd(2000));
  });
});
