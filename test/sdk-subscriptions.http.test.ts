import { Flint, FlintConflictError } from 'flint-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestAccount, startTestServer, type TestServer } from './harness.js';

// flint.subscriptions and flint.subscriptionSettings against the real server: camelCase
// in and out, every action, the upcoming invoice, a renewal on a test clock.

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

async function merchant() {
  const { testKey } = await createTestAccount(server);
  const flint = new Flint(testKey, { baseUrl: server.url });
  const clock = await flint.testClocks.create({ frozenTime: '2030-01-15T12:00:00Z' });
  const customer = await flint.customers.create({ email: 'sub@example.com', testClock: clock.id });
  const card = await flint.paymentMethods.attach(customer.id, { paymentSourceToken: 'tok_visa' });
  const plan = await flint.plans.create({
    name: 'Pro',
    currency: 'USD',
    interval: 'month',
    lineItems: [{ name: 'Pro seat', unitAmount: 1000 }],
  });
  return { flint, clock, customer, card, plan };
}

describe('flint.subscriptions (SDK)', () => {
  it('subscribes, previews the next invoice, renews on a clock and lists', async () => {
    const { flint, clock, customer, plan } = await merchant();
    const sub = await flint.subscriptions.create({
      customerId: customer.id,
      items: [{ planId: plan.id, quantity: 2 }],
      metadata: { crmId: 'C-1' },
    });
    expect(sub).toMatchObject({
      id: sub.subscriptionId,
      status: 'active',
      defaultPaymentMethodId: null,
      currentPeriodEnd: '2030-02-15T12:00:00.000Z',
      items: [{ planId: plan.id, quantity: 2 }],
      availableActions: ['update', 'cancel', 'cancel_at_period_end', 'pause_collection'],
      metadata: { crmId: 'C-1' },
    });
    expect((await flint.invoices.get(sub.latestInvoiceId ?? '')).status).toBe('paid');

    const upcoming = await flint.subscriptions.upcomingInvoice(sub.id);
    expect(upcoming).toMatchObject({
      object: 'upcoming_invoice',
      subscriptionId: sub.id,
      billingReason: 'subscription_cycle',
      periodStart: '2030-02-15T12:00:00.000Z',
      amountDueMoney: { amount: 2000, currency: 'USD' },
    });

    await flint.testClocks.advance(clock.id, { frozenTime: '2030-02-16T00:00:00Z' });
    const renewed = await flint.subscriptions.retrieve(sub.id);
    expect(renewed.currentPeriodStart).toBe('2030-02-15T12:00:00.000Z');
    const renewal = await flint.invoices.get(renewed.latestInvoiceId ?? '');
    expect(renewal).toMatchObject({ status: 'paid', billingReason: 'subscription_cycle' });

    const updated = await flint.subscriptions.update(sub.id, { metadata: { crmId: 'C-2' } });
    expect(updated.metadata).toEqual({ crmId: 'C-2' });
    expect((await flint.subscriptions.list({ status: 'active' })).data.map((s) => s.id)).toEqual([
      sub.id,
    ]);
    expect((await flint.subscriptions.list({ status: 'canceled' })).data).toEqual([]);
    expect(
      (await flint.subscriptions.list({ customerId: customer.id })).data.map((s) => s.id),
    ).toEqual([sub.id]);
  });

  it('previews a change of seats, then bills exactly the preview', async () => {
    const { flint, clock, plan } = await merchant();
    const customer = await flint.customers.create({ testClock: clock.id });
    await flint.paymentMethods.attach(customer.id, { paymentSourceToken: 'tok_visa' });
    const sub = await flint.subscriptions.create({
      customerId: customer.id,
      items: [{ planId: plan.id, quantity: 1 }],
    });
    // Jan 15 → Feb 15 is 31 days; on Jan 30, 16 are left.
    await flint.testClocks.advance(clock.id, { frozenTime: '2030-01-30T12:00:00Z' });
    const change = { items: [{ planId: plan.id, quantity: 3 }] };
    const preview = await flint.subscriptions.preview(sub.id, change);
    // 1000 × 16/31 = 516 back; 3000 × 16/31 = 1548 charged.
    expect(preview).toMatchObject({
      billingReason: 'subscription_update',
      unusedTimeCreditMoney: { amount: 516 },
      subtotalMoney: { amount: 1548 },
      amountDueMoney: { amount: 1032 },
    });
    const changed = await flint.subscriptions.change(sub.id, {
      ...change,
      prorationDate: preview.prorationDate ?? undefined,
      subscriptionVersion: preview.subscriptionVersion,
    });
    expect(changed.items[0]?.quantity).toBe(3);
    const invoice = await flint.invoices.get(changed.latestInvoiceId ?? '');
    expect(invoice).toMatchObject({ status: 'paid', amountPaid: { amount: 1032 } });
  });

  it('cancels at period end, reactivates, pauses and resumes collection, cancels', async () => {
    const { flint, customer, card, plan } = await merchant();
    const sub = await flint.subscriptions.create({
      customerId: customer.id,
      items: [{ planId: plan.id }],
      defaultPaymentMethodId: card.id,
    });
    expect(sub.defaultPaymentMethodId).toBe(card.id);
    const ending = await flint.subscriptions.cancelAtPeriodEnd(sub.id);
    expect(ending).toMatchObject({ cancelAtPeriodEnd: true, status: 'active' });
    expect(ending.availableActions).toContain('reactivate');
    expect((await flint.subscriptions.reactivate(sub.id)).cancelAtPeriodEnd).toBe(false);

    const paused = await flint.subscriptions.pauseCollection(sub.id, {
      behavior: 'keep_as_draft',
      idempotencyKey: 'pause-1',
    });
    expect(paused).toMatchObject({
      status: 'active',
      pauseCollection: { behavior: 'keep_as_draft', resumesAt: null },
    });
    expect(paused.availableActions).toContain('resume_collection');
    expect((await flint.subscriptions.resumeCollection(sub.id)).pauseCollection).toBeNull();

    const canceled = await flint.subscriptions.cancel(sub.id, { prorate: true });
    expect(canceled).toMatchObject({ status: 'canceled', availableActions: [] });
    // The whole period was unused: its price comes back as credit.
    expect((await flint.customers.get(customer.id)).balance).toBe(-1000);
    await expect(flint.subscriptions.reactivate(sub.id)).rejects.toBeInstanceOf(FlintConflictError);
    await expect(flint.subscriptions.reactivate(sub.id)).rejects.toMatchObject({
      status: 409,
      code: 'subscription_state_invalid',
    });
  });

  it('resumes a subscription paused when its trial ended without a payment method', async () => {
    const { flint, clock, plan } = await merchant();
    await flint.subscriptionSettings.update({ missingPaymentMethod: 'pause' });
    const customer = await flint.customers.create({ email: 't@example.com', testClock: clock.id });
    const sub = await flint.subscriptions.create({
      customerId: customer.id,
      items: [{ planId: plan.id }],
      trialPeriodDays: 7,
    });
    expect(sub.status).toBe('trialing');
    await flint.testClocks.advance(clock.id, { frozenTime: '2030-01-23T00:00:00Z' });
    expect((await flint.subscriptions.get(sub.id)).status).toBe('paused');
    await flint.paymentMethods.attach(customer.id, { paymentSourceToken: 'tok_visa' });
    const resumed = await flint.subscriptions.resume(sub.id);
    expect(resumed.status).toBe('active');
  });
});

describe('flint.subscriptionSettings (SDK)', () => {
  it('reads the defaults and changes only what is given', async () => {
    const { testKey } = await createTestAccount(server);
    const flint = new Flint(testKey, { baseUrl: server.url });
    expect(await flint.subscriptionSettings.get()).toEqual({
      object: 'subscription_settings',
      retryDays: [1, 3, 5, 7],
      afterRetries: 'canceled',
      invoiceAfterRetries: 'open',
      missingPaymentMethod: 'cancel',
      trialWillEndDays: 3,
      upcomingDays: 7,
      testMode: true,
    });
    const next = await flint.subscriptionSettings.update({
      retryDays: [2, 4],
      afterRetries: 'unpaid',
      invoiceAfterRetries: 'uncollectible',
    });
    expect(next).toMatchObject({
      retryDays: [2, 4],
      afterRetries: 'unpaid',
      invoiceAfterRetries: 'uncollectible',
      upcomingDays: 7,
    });
    expect((await flint.subscriptionSettings.retrieve()).retryDays).toEqual([2, 4]);
    await expect(flint.subscriptionSettings.update({ retryDays: [4, 2] })).rejects.toMatchObject({
      status: 422,
      code: 'parameter_invalid',
    });
  });
});
