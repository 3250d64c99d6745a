import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './harness.js';
import { Merchant } from './subscription-fixtures.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

// A 30-day period from Apr 1: each day is exactly 1/30 of it.
const START = '2030-04-01T00:00:00.000Z';
const DAY_10 = '2030-04-11T00:00:00.000Z';

async function subscribed(m: Merchant, quantity = 2) {
  const clock = await m.clock(START);
  const customer = await m.customer({ clock });
  const plan = await m.plan({ line_items: [{ name: 'Seat', unit_amount: 3000 }] });
  const res = await m.subscribe({ customer_id: customer.id, items: [{ plan_id: plan, quantity }] });
  expect(res.status, res.text).toBe(200);
  return { clock, customer, plan, sub: res.body.subscription };
}

describe('subscription changes', () => {
  it('previews a seat change and bills exactly the preview: unused time credited, time left charged', async () => {
    const m = await Merchant.open(server);
    const { clock, customer, plan, sub } = await subscribed(m);
    await m.advance(clock, DAY_10);
    const path = `/v1/subscriptions/${sub.subscription_id}`;
    const change = { items: [{ plan_id: plan, quantity: 5 }] };
    const preview = (await m.ok('POST', `${path}/preview`, { subscription_change: change }))
      .upcoming_invoice;
    // 20 of 30 days left: 2 seats paid 6000 → 4000 back; 5 seats × 3000 × 2/3 = 10000.
    expect(preview).toMatchObject({
      billing_reason: 'subscription_update',
      proration_date: Date.parse(DAY_10) / 1000,
      unused_time_credit_money: { amount: 4000 },
      subtotal_money: { amount: 10000 },
      credit_money: { amount: 4000 },
      total_money: { amount: 6000 },
      ending_credit_balance_money: { amount: 0 },
    });
    expect(preview.lines).toEqual([
      expect.objectContaining({
        quantity: 1,
        total_money: { amount: 10000, currency: 'USD' },
        proration: true,
      }),
    ]);
    // The clock moves on a day: the change still bills at the preview's date.
    await m.advance(clock, '2030-04-12T00:00:00.000Z');
    const changed = await m.ok('POST', `${path}/change`, {
      subscription_change: {
        ...change,
        proration_date: preview.proration_date,
        subscription_version: preview.subscription_version,
      },
    });
    const after = changed.subscription;
    expect(after.items[0].quantity).toBe(5);
    expect(after.status).toBe('active');
    const invoice = await m.invoice(after.latest_invoice_id);
    expect(invoice).toMatchObject({ status: 'paid', billing_reason: 'subscription_update' });
    expect(invoice.amount_paid.amount).toBe(6000);
    const balance = (await m.ok('GET', `/v1/customers/${customer.id}`)).customer;
    expect(balance.balance).toBe(0);

    // The version the preview priced is gone: the same change again is refused.
    const again = await m.call('POST', `${path}/change`, {
      subscription_change: { ...change, subscription_version: preview.subscription_version },
    });
    expect(again.status).toBe(409);

    // The next period bills 5 seats.
    await m.advance(clock, '2030-05-02T00:00:00.000Z');
    const renewed = await m.subscription(sub.subscription_id);
    const next = await m.invoice(renewed.latest_invoice_id);
    expect(next).toMatchObject({ billing_reason: 'subscription_cycle', status: 'paid' });
    expect(next.amount_paid.amount).toBe(15000);
  });

  it('create_prorations: the proration waits for the next renewal, which bills it with the period', async () => {
    const m = await Merchant.open(server);
    const { clock, customer, plan, sub } = await subscribed(m);
    await m.advance(clock, DAY_10);
    const path = `/v1/subscriptions/${sub.subscription_id}`;
    const change = {
      items: [{ plan_id: plan, quantity: 5 }],
      proration_behavior: 'create_prorations',
    };
    // The preview is the next renewal's invoice: 5 seats for May (15000) and 20 days of 5
    // seats (10000), less the unused time of 2 seats (4000).
    const MAY = '2030-05-01T00:00:00.000Z';
    const preview = (await m.ok('POST', `${path}/preview`, { subscription_change: change }))
      .upcoming_invoice;
    expect(preview).toMatchObject({
      billing_reason: 'subscription_cycle',
      period_start: MAY,
      unused_time_credit_money: { amount: 4000 },
      subtotal_money: { amount: 25000 },
      credit_money: { amount: 4000 },
      total_money: { amount: 21000 },
    });
    const changed = (
      await m.ok('POST', `${path}/change`, {
        subscription_change: { ...change, proration_date: preview.proration_date },
      })
    ).subscription;
    // Nothing billed now: the unused time is the customer's credit until then.
    expect(changed.latest_invoice_id).toBe(sub.latest_invoice_id);
    expect(changed.items[0].quantity).toBe(5);
    expect((await m.ok('GET', `/v1/customers/${customer.id}`)).customer.balance).toBe(-4000);
    const upcoming = (await m.ok('GET', `${path}/upcoming_invoice`)).upcoming_invoice;
    expect(upcoming).toMatchObject({ period_start: MAY, total_money: { amount: 21000 } });
    await m.advance(clock, '2030-05-02T00:00:00.000Z');
    const renewal = await m.invoice((await m.subscription(sub.subscription_id)).latest_invoice_id);
    expect(renewal).toMatchObject({ billing_reason: 'subscription_cycle', status: 'paid' });
    expect(renewal.amount_paid.amount).toBe(21000);
    expect((await m.ok('GET', `/v1/customers/${customer.id}`)).customer.balance).toBe(0);
    // Billed once: the renewal after it is the period alone.
    await m.advance(clock, '2030-06-02T00:00:00.000Z');
    const june = await m.invoice((await m.subscription(sub.subscription_id)).latest_invoice_id);
    expect(june.amount_paid.amount).toBe(15000);
  });

  it('credits a downgrade to the balance, which the next renewal uses first', async () => {
    const m = await Merchant.open(server);
    const { clock, customer, plan, sub } = await subscribed(m, 4);
    await m.advance(clock, DAY_10);
    const path = `/v1/subscriptions/${sub.subscription_id}`;
    const changed = await m.ok('POST', `${path}/change`, {
      subscription_change: { items: [{ plan_id: plan, quantity: 1 }] },
    });
    // 4 seats paid 12000 → 8000 back; 1 seat for 20 days = 2000, paid from the credit.
    const invoice = await m.invoice(changed.subscription.latest_invoice_id);
    expect(invoice.status).toBe('paid');
    expect(invoice.amount_due.amount).toBe(0);
    expect((await m.ok('GET', `/v1/customers/${customer.id}`)).customer.balance).toBe(-6000);
    await m.advance(clock, '2030-05-02T00:00:00.000Z');
    const next = await m.invoice((await m.subscription(sub.subscription_id)).latest_invoice_id);
    expect(next.amount_due.amount).toBe(0);
    expect((await m.ok('GET', `/v1/customers/${customer.id}`)).customer.balance).toBe(-3000);
  });

  it('moves to a yearly plan: the unused time credited, a yearly cycle billed from the change and renewed a year on', async () => {
    const m = await Merchant.open(server);
    const { clock, customer, plan, sub } = await subscribed(m);
    await m.advance(clock, DAY_10);
    const yearly = await m.plan({
      interval: 'year',
      line_items: [{ name: 'Seat', unit_amount: 30000 }],
    });
    const path = `/v1/subscriptions/${sub.subscription_id}`;
    // One subscription has one interval: a monthly plan kept beside a yearly one is refused.
    const mixed = await m.call('POST', `${path}/change`, {
      subscription_change: { items: [{ plan_id: plan }, { plan_id: yearly }] },
    });
    expect(mixed.status, mixed.text).toBe(422);
    const change = { items: [{ plan_id: yearly, quantity: 2 }] };
    const preview = (await m.ok('POST', `${path}/preview`, { subscription_change: change }))
      .upcoming_invoice;
    // 2 monthly seats paid 6000, 20 of 30 days left: 4000 back; a year of 2 seats: 60000.
    const YEAR_ON = '2031-04-11T00:00:00.000Z';
    expect(preview).toMatchObject({
      billing_reason: 'subscription_update',
      period_start: DAY_10,
      period_end: YEAR_ON,
      unused_time_credit_money: { amount: 4000 },
      subtotal_money: { amount: 60000 },
      credit_money: { amount: 4000 },
      total_money: { amount: 56000 },
    });
    const changed = (
      await m.ok('POST', `${path}/change`, {
        subscription_change: { ...change, proration_date: preview.proration_date },
      })
    ).subscription;
    expect(changed).toMatchObject({
      status: 'active',
      interval: 'year',
      interval_count: 1,
      billing_cycle_anchor: DAY_10,
      current_period_start: DAY_10,
      current_period_end: YEAR_ON,
    });
    const invoice = await m.invoice(changed.latest_invoice_id);
    expect(invoice).toMatchObject({
      status: 'paid',
      billing_reason: 'subscription_update',
      period_start: DAY_10,
      period_end: YEAR_ON,
    });
    expect(invoice.amount_paid.amount).toBe(56000);
    expect((await m.ok('GET', `/v1/customers/${customer.id}`)).customer.balance).toBe(0);
    // The monthly renewal that was due on May 1 bills nothing; the next is a year on.
    await m.advance(clock, '2030-06-01T00:00:00.000Z');
    expect(await m.invoicesOf(customer.id)).toHaveLength(2);
    await m.advance(clock, '2031-04-12T00:00:00.000Z');
    const invoices = await m.invoicesOf(customer.id);
    expect(
      invoices.map((i: any) => [i.billing_reason, i.period_start, i.amount_paid.amount]),
    ).toEqual([
      ['subscription_create', START, 6000],
      ['subscription_update', DAY_10, 56000],
      ['subscription_cycle', YEAR_ON, 60000],
    ]);
    expect(await m.subscription(sub.subscription_id)).toMatchObject({
      current_period_start: YEAR_ON,
      current_period_end: '2032-04-11T00:00:00.000Z',
    });
  });

  it('moves a trial to a yearly plan: nothing billed now, the trial ends into a yearly period', async () => {
    const m = await Merchant.open(server);
    const clock = await m.clock(START);
    const customer = await m.customer({ clock });
    const monthly = await m.plan({ line_items: [{ name: 'Seat', unit_amount: 3000 }] });
    const yearly = await m.plan({
      interval: 'year',
      line_items: [{ name: 'Seat', unit_amount: 30000 }],
    });
    const res = await m.subscribe({
      customer_id: customer.id,
      items: [{ plan_id: monthly }],
      trial_period_days: 14,
    });
    expect(res.status, res.text).toBe(200);
    const id = res.body.subscription.subscription_id;
    const changed = (
      await m.ok('POST', `/v1/subscriptions/${id}/change`, {
        subscription_change: { items: [{ plan_id: yearly }] },
      })
    ).subscription;
    const TRIAL_END = '2030-04-15T00:00:00.000Z';
    expect(changed).toMatchObject({
      status: 'trialing',
      interval: 'year',
      current_period_end: TRIAL_END,
    });
    expect(changed.latest_invoice_id).toBe(res.body.subscription.latest_invoice_id);
    await m.advance(clock, '2030-04-16T00:00:00.000Z');
    const after = await m.subscription(id);
    expect(after).toMatchObject({
      status: 'active',
      current_period_start: TRIAL_END,
      current_period_end: '2031-04-15T00:00:00.000Z',
    });
    expect((await m.invoice(after.latest_invoice_id)).amount_paid.amount).toBe(30000);
  });

  it('refuses another currency, an empty list, 0 or too many seats, and a date outside the period', async () => {
    const m = await Merchant.open(server);
    const { plan, sub } = await subscribed(m);
    const eur = await m.plan({ currency: 'EUR' });
    const foreign = await (await Merchant.open(server)).plan();
    const path = `/v1/subscriptions/${sub.subscription_id}/change`;
    const cases: [unknown, number][] = [
      [{ items: [{ plan_id: eur }] }, 422],
      [{ items: [] }, 422],
      [{ items: [{ plan_id: plan, quantity: 0 }] }, 422],
      [{ items: [{ plan_id: plan, quantity: 1e12 }] }, 422],
      [{ items: [{ plan_id: plan }], proration_date: 1 }, 422],
      [{ items: [{ plan_id: foreign }] }, 404],
    ];
    for (const [change, status] of cases) {
      const res = await m.call('POST', path, { subscription_change: change });
      expect(res.status, JSON.stringify(change) + res.text).toBe(status);
    }
    const unchanged = await m.subscription(sub.subscription_id);
    expect(unchanged.items.map((i: any) => [i.plan_id, i.quantity])).toEqual([[plan, 2]]);
    expect(unchanged.updated_at).toBe(sub.updated_at);
  });

  it('cancels with the unused time credited', async () => {
    const m = await Merchant.open(server);
    const { clock, customer, sub } = await subscribed(m, 1);
    await m.advance(clock, DAY_10);
    const canceled = await m.ok('POST', `/v1/subscriptions/${sub.subscription_id}/cancel`, {
      prorate: true,
    });
    expect(canceled.subscription).toMatchObject({ status: 'canceled', available_actions: [] });
    expect((await m.ok('GET', `/v1/customers/${customer.id}`)).customer.balance).toBe(-2000);
    const twice = await m.call('POST', `/v1/subscriptions/${sub.subscription_id}/cancel`, {});
    expect(twice.status).toBe(409);
    expect(twice.body.error.code).toBe('subscription_state_invalid');
  });
});
