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
