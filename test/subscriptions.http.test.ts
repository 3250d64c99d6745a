import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './harness.js';
import { Merchant, START } from './subscription-fixtures.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

describe('subscriptions', () => {
  it('pays the first period now and renews each month on the anchor day', async () => {
    const m = await Merchant.open(server);
    const clock = await m.clock();
    const customer = await m.customer({ clock });
    const plan = await m.plan();
    const res = await m.subscribe({
      customer_id: customer.id,
      items: [{ plan_id: plan, quantity: 2 }],
    });
    expect(res.status, res.text).toBe(200);
    const sub = res.body.subscription;
    expect(sub).toMatchObject({
      object: 'subscription',
      status: 'active',
      current_period_start: START,
      current_period_end: '2030-02-28T10:00:00.000Z',
      billing_cycle_anchor: START,
      test_clock: clock,
      available_actions: ['update', 'cancel', 'cancel_at_period_end', 'pause_collection'],
    });
    const first = await m.invoice(sub.latest_invoice_id);
    expect(first).toMatchObject({
      status: 'paid',
      billing_reason: 'subscription_create',
      subscription_id: sub.subscription_id,
      collection_method: 'charge_automatically',
    });
    expect(first.amount_paid.amount).toBe(2000);

    await m.advance(clock, '2030-04-01T00:00:00.000Z');
    const after = await m.subscription(sub.subscription_id);
    expect(after).toMatchObject({
      status: 'active',
      current_period_start: '2030-03-31T10:00:00.000Z',
      current_period_end: '2030-04-30T10:00:00.000Z',
    });
    const invoices = await m.invoicesOf(customer.id);
    expect(
      invoices.map((i: any) => [i.status, i.billing_reason, i.period_start, i.amount_paid.amount]),
    ).toEqual([
      ['paid', 'subscription_create', START, 2000],
      ['paid', 'subscription_cycle', '2030-02-28T10:00:00.000Z', 2000],
      ['paid', 'subscription_cycle', '2030-03-31T10:00:00.000Z', 2000],
    ]);
  });

  it('keeps billing a product and tax rate archived after the sale; a new subscription on them is refused', async () => {
    const m = await Merchant.open(server);
    const clock = await m.clock();
    const customer = await m.customer({ clock });
    const { product } = await m.ok('POST', '/v1/products', { product: { name: 'Seat' } });
    const { price } = await m.ok('POST', '/v1/prices', {
      price: {
        product_id: product.product_id,
        unit_amount: 1000,
        currency: 'USD',
        recurring: { interval: 'month' },
      },
    });
    const { tax_rate: rate } = await m.ok('POST', '/v1/tax_rates', {
      tax_rate: { display_name: 'VAT', percentage: '10', inclusive: false },
    });
    const plan = await m.plan({
      line_items: [{ price_id: price.price_id, tax_rate_ids: [rate.tax_rate_id] }],
    });
    const res = await m.subscribe({ customer_id: customer.id, items: [{ plan_id: plan }] });
    expect(res.status, res.text).toBe(200);
    await m.ok('PATCH', `/v1/prices/${price.price_id}`, { price: { active: false } });
    await m.ok('PATCH', `/v1/products/${product.product_id}`, { product: { active: false } });
    await m.ok('PATCH', `/v1/tax_rates/${rate.tax_rate_id}`, { tax_rate: { active: false } });
    // As Stripe keeps billing an archived price: the renewal bills what was sold, and its
    // preview says so.
    const upcoming = await m.ok(
      'GET',
      `/v1/subscriptions/${res.body.subscription.subscription_id}/upcoming_invoice`,
    );
    expect(upcoming.upcoming_invoice.amount_due_money.amount).toBe(1100);
    await m.advance(clock, '2030-03-01T00:00:00.000Z');
    expect((await m.subscription(res.body.subscription.subscription_id)).status).toBe('active');
    const invoices = await m.invoicesOf(customer.id);
    expect(invoices.map((i: any) => [i.status, i.billing_reason, i.amount_paid.amount])).toEqual([
      ['paid', 'subscription_create', 1100],
      ['paid', 'subscription_cycle', 1100],
    ]);
    // A new sale may not name them.
    const again = await m.subscribe({ customer_id: customer.id, items: [{ plan_id: plan }] });
    expect(again.status, again.text).toBe(422);
    expect(again.body.error.message).toMatch(/archived/);
  });

  it('starts the periods on a billing_cycle_anchor: the first, up to it, billed prorated', async () => {
    const m = await Merchant.open(server);
    const clock = await m.clock();
    const customer = await m.customer({ clock });
    const plan = await m.plan();
    const ANCHOR = '2030-02-15T00:00:00.000Z';
    const res = await m.subscribe({
      customer_id: customer.id,
      items: [{ plan_id: plan }],
      billing_cycle_anchor: ANCHOR,
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body.subscription).toMatchObject({
      status: 'active',
      billing_cycle_anchor: ANCHOR,
      current_period_start: START,
      current_period_end: ANCHOR,
    });
    // Jan 31 10:00 → Feb 15 00:00 is 350 of the 744 hours from Jan 15: 1000 × 350 / 744 = 470.4.
    const first = await m.invoice(res.body.subscription.latest_invoice_id);
    expect(first).toMatchObject({ status: 'paid', billing_reason: 'subscription_create' });
    expect(first.amount_paid.amount).toBe(470);
    await m.advance(clock, '2030-03-16T00:00:00.000Z');
    const invoices = await m.invoicesOf(customer.id);
    expect(invoices.map((i: any) => [i.period_start, i.period_end, i.amount_paid.amount])).toEqual([
      [START, ANCHOR, 470],
      [ANCHOR, '2030-03-15T00:00:00.000Z', 1000],
      ['2030-03-15T00:00:00.000Z', '2030-04-15T00:00:00.000Z', 1000],
    ]);
    // After now, at most an interval away, and not with a trial.
    const now = '2030-03-16T00:00:00.000Z';
    const refused = [
      { billing_cycle_anchor: '2030-03-15T00:00:00.000Z' },
      { billing_cycle_anchor: now },
      { billing_cycle_anchor: '2030-04-16T00:00:01.000Z' },
      { billing_cycle_anchor: '2030-04-01T00:00:00.000Z', trial_period_days: 7 },
    ];
    for (const fields of refused) {
      const bad = await m.subscribe({
        customer_id: customer.id,
        items: [{ plan_id: plan }],
        ...fields,
      });
      expect(bad.status, bad.text).toBe(422);
      expect(bad.body.error.errors?.[0]?.loc, bad.text).toEqual([
        'subscription',
        'billing_cycle_anchor',
      ]);
    }
    expect(await m.invoicesOf(customer.id)).toHaveLength(3);
  });
});
