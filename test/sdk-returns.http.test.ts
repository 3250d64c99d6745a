import { Flint, FlintConflictError } from 'flint-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestAccount, startTestServer, type TestServer } from './harness.js';

// flint.returns against the real server: camelCase in and out, every action.

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const usd = (amount: number) => ({ amount, currency: 'USD' });

describe('flint.returns (SDK)', () => {
  it('opens, receives, completes and lists returns; an exchange makes a follow-up order', async () => {
    const { testKey } = await createTestAccount(server);
    const flint = new Flint(testKey, { baseUrl: server.url });
    const order = await flint.orders.create({
      lineItems: [{ name: 'Boots 42', quantity: 2, unitPriceMoney: usd(6000) }],
    });
    await flint.orders.pay(order.orderId, { paymentSourceToken: 'tok_visa' });
    const lineItemId = order.lineItems[0]?.lineItemId ?? '';
    const plain = await flint.returns.create(order.orderId, {
      lineItems: [{ lineItemId, quantity: 1 }],
      reason: 'defective',
      metadata: { ticketId: 'T-1' },
    });
    expect(plain).toMatchObject({
      id: plain.returnId,
      status: 'requested',
      creditMoney: usd(6000),
      availableActions: ['update', 'receive', 'cancel'],
      metadata: { ticketId: 'T-1' },
    });
    await expect(flint.returns.complete(plain.returnId)).rejects.toBeInstanceOf(FlintConflictError);
    expect((await flint.returns.receive(plain.returnId)).status).toBe('received');
    const done = await flint.returns.complete(plain.returnId);
    expect(done.refundId).toMatch(/^re_/);
    expect((await flint.refunds.get(done.refundId ?? '')).amount).toBe(6000);

    const swap = await flint.returns.create(order.orderId, {
      lineItems: [{ lineItemId, quantity: 1 }],
      reason: 'size_or_fit',
      refundOn: 'received',
      exchangeLineItems: [{ name: 'Boots 43', quantity: 1, unitPriceMoney: usd(6000) }],
    });
    const swapped = await flint.returns.receive(swap.returnId);
    const followUp = await flint.orders.get(swapped.exchangeOrderId ?? '');
    expect(followUp).toMatchObject({ status: 'PAID', exchangeForOrderId: order.orderId });
    expect(followUp.creditMoney).toEqual(usd(6000));
    const updated = await flint.returns.update(swap.returnId, { reason: 'wrong_item' });
    expect(updated.reason).toBe('wrong_item');

    const mine = await flint.returns.listForOrder(order.orderId).toArray();
    expect(mine.map((r) => r.returnId)).toEqual([swap.returnId, plain.returnId]);
    const all = await flint.returns.list({ status: 'completed' }).toArray();
    expect(all.map((r) => r.id)).toEqual([plain.returnId]);
    expect((await flint.returns.retrieve(swap.returnId)).exchangeOrderId).toBe(followUp.orderId);
  });
});
