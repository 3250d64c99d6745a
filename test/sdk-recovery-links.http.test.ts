import { Flint, FlintConflictError } from 'flint-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestAccount, startTestServer, type TestServer } from './harness.js';

// flint.recoveryLinks against the real server: camelCase in and out, every call.

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

describe('flint.recoveryLinks (SDK)', () => {
  it('creates, reads, lists, updates and deactivates a link; sets automatic recovery', async () => {
    const { testKey } = await createTestAccount(server);
    const flint = new Flint(testKey, { baseUrl: server.url });
    const order = await flint.orders.create({
      lineItems: [{ name: 'Mat', quantity: 1, unitPriceMoney: { amount: 6000, currency: 'USD' } }],
    });
    await flint.orders.pay(order.id, { paymentSourceToken: 'tok_visa', amount: 2500 });
    const link = await flint.recoveryLinks.create(order.id, { metadata: { cart: 'c1' } });
    expect(link).toMatchObject({
      id: link.recoveryLinkId,
      orderId: order.id,
      status: 'active',
      amount: { amount: 3500, currency: 'USD' },
      metadata: { cart: 'c1' },
    });
    expect(link.url).toMatch(/\/recover\/[A-Za-z0-9_-]{32}$/);
    expect((await flint.recoveryLinks.get(link.id)).id).toBe(link.id);
    const listed = await flint.recoveryLinks.listForOrder(order.id);
    expect(listed.data.map((l) => l.id)).toEqual([link.id]);
    const all = await flint.recoveryLinks.list({ status: 'active' });
    expect(all.data.map((l) => l.id)).toEqual([link.id]);
    const updated = await flint.recoveryLinks.update(link.id, { metadata: { cart: '' } });
    expect(updated.metadata).toEqual({});
    const off = await flint.recoveryLinks.deactivate(link.id);
    expect(off).toMatchObject({ status: 'deactivated', availableActions: [] });
    await expect(flint.recoveryLinks.deactivate(link.id)).rejects.toBeInstanceOf(
      FlintConflictError,
    );
    expect(await flint.recoveryLinks.settings()).toMatchObject({ automaticRecovery: false });
    expect(await flint.recoveryLinks.updateSettings({ automaticRecovery: true })).toMatchObject({
      automaticRecovery: true,
      testMode: true,
    });
  });
});
