import { Flint, FlintConflictError } from 'flint-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestAccount, startTestServer, type TestServer } from './harness.js';

// flint.testClocks and flint.customerBalanceTransactions against the real server.

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

describe('flint.testClocks (SDK)', () => {
  it('creates, advances, lists and deletes a clock; customers live on it', async () => {
    const { testKey } = await createTestAccount(server);
    const flint = new Flint(testKey, { baseUrl: server.url });
    const clock = await flint.testClocks.create({
      frozenTime: '2030-01-01T00:00:00Z',
      name: 'Renewals',
    });
    expect(clock).toMatchObject({ id: clock.testClockId, status: 'ready', advancingTo: null });
    const customer = await flint.customers.create({ email: 'a@example.com', testClock: clock.id });
    expect(customer.testClock).toBe(clock.id);
    const advanced = await flint.testClocks.advance(clock.id, {
      frozenTime: '2030-02-01T00:00:00Z',
    });
    expect(advanced).toMatchObject({ status: 'ready', frozenTime: '2030-02-01T00:00:00.000Z' });
    await expect(
      flint.testClocks.advance(clock.id, { frozenTime: '2030-01-15T00:00:00Z' }),
    ).rejects.toMatchObject({ status: 422 });
    expect((await flint.testClocks.update(clock.id, { name: 'Annual' })).name).toBe('Annual');
    const page = await flint.testClocks.list();
    expect(page.data.map((c) => c.id)).toEqual([clock.id]);
    expect(await flint.testClocks.del(clock.id)).toMatchObject({
      testClockId: clock.id,
      object: 'test_clock',
      deleted: true,
    });
    await expect(flint.customers.get(customer.id)).rejects.toMatchObject({ status: 404 });
    expect(FlintConflictError).toBeDefined();
  });
});

describe('flint.customerBalanceTransactions (SDK)', () => {
  it('credits a customer, lists and updates its transactions', async () => {
    const { testKey } = await createTestAccount(server);
    const flint = new Flint(testKey, { baseUrl: server.url });
    const customer = await flint.customers.create({ email: 'b@example.com' });
    const credit = await flint.customerBalanceTransactions.create(customer.id, {
      amount: -2500,
      currency: 'USD',
      description: 'Goodwill',
      metadata: { ticketId: 'T-9' },
    });
    expect(credit).toMatchObject({
      id: credit.customerBalanceTransactionId,
      amount: -2500,
      endingBalance: -2500,
      type: 'adjustment',
      metadata: { ticketId: 'T-9' },
    });
    expect((await flint.customers.get(customer.id)).balance).toBe(-2500);
    const updated = await flint.customerBalanceTransactions.update(credit.id, {
      description: 'Late delivery',
    });
    expect(updated.description).toBe('Late delivery');
    const listed = await flint.customerBalanceTransactions.list(customer.id);
    expect(listed.data.map((t) => t.id)).toEqual([credit.id]);
    const all = await flint.customerBalanceTransactions.listAll({ customerId: customer.id });
    expect(all.data).toHaveLength(1);
    expect((await flint.customerBalanceTransactions.get(credit.id)).amount).toBe(-2500);
  });
});
