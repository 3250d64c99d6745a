import { Flint, FlintCardError, FlintConflictError } from 'flint-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestAccount, startTestServer, type TestServer } from './harness.js';

// flint.paymentMethods against the real server: save, list, default, pay, detach.

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

describe('flint.paymentMethods (SDK)', () => {
  it('saves cards, switches the default, pays a renewal off session, detaches', async () => {
    const { testKey } = await createTestAccount(server);
    const flint = new Flint(testKey, { baseUrl: server.url });
    const customer = await flint.customers.create({ email: 'jo@example.com' });
    const visa = await flint.paymentMethods.attach(customer.id, {
      paymentSourceToken: 'tok_visa',
      metadata: { label: 'Work card' },
    });
    expect(visa).toMatchObject({
      id: visa.paymentMethodId,
      customerId: customer.id,
      status: 'attached',
      card: { brand: 'visa', last4: '4242' },
      metadata: { label: 'Work card' },
    });
    expect((await flint.customers.get(customer.id)).defaultPaymentMethodId).toBe(visa.id);
    const broke = await flint.paymentMethods.attach(customer.id, {
      paymentSourceToken: 'tok_chargeDeclinedInsufficientFunds',
      setDefault: true,
    });
    expect((await flint.customers.get(customer.id)).defaultPaymentMethodId).toBe(broke.id);
    const listed = await flint.paymentMethods.list(customer.id);
    expect(listed.data.map((m) => m.id)).toEqual([broke.id, visa.id]);

    const order = await flint.orders.create({
      customerId: customer.id,
      lineItems: [{ name: 'Plan', quantity: 1, unitPriceMoney: { amount: 900, currency: 'USD' } }],
    });
    const declined = flint.orders.pay(order.id, { paymentMethodId: broke.id, offSession: true });
    await expect(declined).rejects.toBeInstanceOf(FlintCardError);
    await expect(declined).rejects.toMatchObject({ code: 'insufficient_funds' });
    const updated = await flint.customers.update(customer.id, { defaultPaymentMethodId: visa.id });
    expect(updated.defaultPaymentMethodId).toBe(visa.id);
    const paid = await flint.orders.pay(order.id, { paymentMethodId: visa.id, offSession: true });
    expect(paid.paymentIntent).toMatchObject({ status: 'succeeded', paymentMethodId: visa.id });

    const renamed = await flint.paymentMethods.update(visa.id, { metadata: { label: 'Home' } });
    expect(renamed.metadata).toEqual({ label: 'Home' });
    const detached = await flint.paymentMethods.detach(visa.id);
    expect(detached.status).toBe('detached');
    expect((await flint.paymentMethods.get(visa.id)).detachedAt).not.toBeNull();
    expect((await flint.customers.get(customer.id)).defaultPaymentMethodId).toBeNull();
    await expect(flint.paymentMethods.detach(visa.id)).rejects.toBeInstanceOf(FlintConflictError);
  });

  it("creates a setup-mode checkout session: the customer's page to add a card", async () => {
    const { testKey } = await createTestAccount(server);
    const flint = new Flint(testKey, { baseUrl: server.url });
    const customer = await flint.customers.create({ email: 'jo@example.com' });
    const session = await flint.checkoutSessions.create({
      mode: 'setup',
      customerId: customer.id,
      successUrl: 'https://shop.example/card-saved',
    });
    expect(session).toMatchObject({
      id: session.checkoutSessionId,
      mode: 'setup',
      status: 'open',
      orderId: null,
      amountTotal: null,
      paymentMethodId: null,
      customer: { customerId: customer.id },
    });
    expect(session.url).toBe(`${server.url}/checkout/${session.id}`);
  });
});
