import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hidden } from './checkout-page-client.js';
import { signedInConsoleUser } from './console-fixtures.js';
import { createTestAccount, startTestServer, type TestServer } from './harness.js';
import { Merchant } from './subscription-fixtures.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

/** A subscriber on a clock, paying 2 seats of 1000 a month, and a trial one. */
async function subscribed() {
  const m = await Merchant.open(server);
  const clock = await m.clock();
  const customer = await m.customer({ clock });
  const plan = await m.plan({ name: 'Pro <b>plan</b>' });
  const res = await m.subscribe({
    customer_id: customer.id,
    items: [{ plan_id: plan, quantity: 2 }],
  });
  expect(res.status, res.text).toBe(200);
  const trial = await m.subscribe({
    customer_id: customer.id,
    items: [{ plan_id: plan }],
    trial_period_days: 14,
  });
  expect(trial.status, trial.text).toBe(200);
  return {
    m,
    customer,
    sub: res.body.subscription,
    trial: trial.body.subscription,
  };
}

describe('console: subscriptions', () => {
  it('lists subscriptions by status and shows one with its next invoice and invoices', async () => {
    const { m, customer, sub, trial } = await subscribed();
    const { browser } = await signedInConsoleUser(server, m.account.testKey);

    const list = await browser.get('/console/subscriptions?mode=test');
    expect(list.status).toBe(200);
    expect(list.text).toContain('href="/console/subscriptions?mode=test">Subscriptions</a>');
    expect(list.text).toContain(`/console/subscriptions/${sub.subscription_id}?mode=test`);
    expect(list.text).toContain(`/console/subscriptions/${trial.subscription_id}?mode=test`);
    expect(list.text).toContain('Pro &lt;b&gt;plan&lt;/b&gt; × 2');
    const trialing = await browser.get('/console/subscriptions?mode=test&status=trialing');
    expect(trialing.text).toContain(trial.subscription_id);
    expect(trialing.text).not.toContain(sub.subscription_id);
    const odd = await browser.get('/console/subscriptions?mode=test&status=<x>');
    expect(odd.status).toBe(200);

    const page = await browser.get(`/console/subscriptions/${sub.subscription_id}?mode=test`);
    expect(page.status).toBe(200);
    expect(page.text).not.toContain('<b>plan</b>');
    expect(page.text).toContain(`/console/customers/${customer.id}?mode=test`);
    expect(page.text).toContain('Next invoice');
    expect(page.text).toContain('Subscription cycle');
    // The next period: 2 seats × $10.00.
    expect(page.text).toMatch(/<dt>Amount due<\/dt><dd>\$20\.00<\/dd>/);
    expect(page.text).toContain(sub.latest_invoice_id);
    for (const action of ['cancel', 'cancel_at_period_end', 'pause_collection']) {
      expect(page.text).toContain(
        `/console/subscriptions/${sub.subscription_id}/${action}?mode=test`,
      );
    }
    expect(page.text).not.toContain(`/${sub.subscription_id}/reactivate`);
    expect(page.text).not.toContain(`/${sub.subscription_id}/resume_collection`);

    const missing = await browser.get(
      '/console/subscriptions/sub_01m84sgeyjf21ada62ac1e65xf?mode=test',
    );
    expect(missing.status).toBe(404);
    expect(
      (await browser.get(`/console/subscriptions/${sub.subscription_id}?mode=live`)).status,
    ).toBe(404);
    const { testKey: other } = await createTestAccount(server);
    const { browser: stranger } = await signedInConsoleUser(server, other);
    expect(
      (await stranger.get(`/console/subscriptions/${sub.subscription_id}?mode=test`)).status,
    ).toBe(404);
  });

  it('moves a subscription by its forms, as the operator; viewers and forged forms change nothing', async () => {
    const { m, sub } = await subscribed();
    const id = sub.subscription_id;
    const { browser, user } = await signedInConsoleUser(server, m.account.testKey);
    const path = `/console/subscriptions/${id}?mode=test`;
    const post = async (action: string, fields: Record<string, string> = {}) => {
      const page = await browser.get(path);
      return browser.post(`/console/subscriptions/${id}/${action}?mode=test`, {
        csrf_token: hidden(page.text, 'csrf_token'),
        ...fields,
      });
    };

    const forged = await browser.post(`/console/subscriptions/${id}/cancel?mode=test`, {
      csrf_token: 'nope',
    });
    expect(forged.status).toBe(403);
    expect((await m.subscription(id)).status).toBe('active');

    const ending = await post('cancel_at_period_end');
    expect(ending.status, ending.text).toBe(303);
    expect(ending.headers.get('location')).toBe(path);
    expect((await m.subscription(id)).cancel_at_period_end).toBe(true);
    const shown = await browser.get(path);
    expect(shown.text).toContain('Ends at period end');
    expect(shown.text).toContain(`/${id}/reactivate?mode=test`);
    expect((await post('cancel_at_period_end')).status).toBe(409);
    expect((await post('reactivate')).status).toBe(303);
    expect((await m.subscription(id)).cancel_at_period_end).toBe(false);

    expect((await post('pause_collection', { behavior: 'sometimes' })).status).toBe(422);
    expect((await post('pause_collection', { behavior: 'keep_as_draft' })).status).toBe(303);
    expect((await m.subscription(id)).pause_collection).toMatchObject({
      behavior: 'keep_as_draft',
    });
    expect((await browser.get(path)).text).toContain('invoices kept as drafts');
    expect((await post('resume_collection')).status).toBe(303);
    expect((await m.subscription(id)).pause_collection).toBeNull();
    expect((await post('resume')).status).toBe(409);
    expect((await post('change')).status).toBe(422);
    expect((await post('explode')).status).toBe(404);

    // The events name the console user who acted.
    const events = await m.events(id);
    // The first payment's move (incomplete → active) is the system's; the four after, ours.
    const updates = events.filter((e: any) => e.type === 'customer.subscription.updated').slice(-4);
    expect(updates.map((e: any) => e.data.object.cancel_at_period_end)).toEqual([
      true,
      false,
      false,
      false,
    ]);
    const actors = await server.deps.db
      .selectFrom('events')
      .select(['actor_type', 'actor_id'])
      .where(
        'id',
        'in',
        updates.map((e: any) => e.event_id),
      )
      .execute();
    expect(actors).toEqual(
      updates.map(() => ({ actor_type: 'console_user', actor_id: user.console_user_id })),
    );

    const { browser: viewer } = await signedInConsoleUser(server, m.account.testKey, {
      role: 'viewer',
    });
    const seen = await viewer.get(path);
    expect(seen.status).toBe(200);
    expect(seen.text).not.toContain(`/${id}/cancel?mode=test`);
    const refused = await viewer.post(`/console/subscriptions/${id}/cancel?mode=test`, {
      csrf_token: hidden(seen.text, 'csrf_token'),
    });
    expect(refused.status).toBe(403);

    const { browser: support } = await signedInConsoleUser(server, m.account.testKey, {
      role: 'support',
    });
    const supportPage = await support.get(path);
    expect(supportPage.text).not.toContain('name="prorate"');
    const credit = await support.post(`/console/subscriptions/${id}/cancel?mode=test`, {
      csrf_token: hidden(supportPage.text, 'csrf_token'),
      prorate: 'true',
    });
    expect(credit.status).toBe(403);
    expect((await m.subscription(id)).status).toBe('active');

    expect((await browser.get(path)).text).toContain('name="prorate"');
    const canceled = await post('cancel', { prorate: 'true' });
    expect(canceled.status).toBe(303);
    expect((await m.subscription(id)).status).toBe('canceled');
    const after = await browser.get(path);
    expect(after.text).toContain('bills no further period');
    expect(after.text).not.toContain(`/${id}/cancel?mode=test`);
  });

  it("shows a customer's subscriptions and credit balance on its page", async () => {
    const { m, customer, sub, trial } = await subscribed();
    await m.ok('POST', `/v1/customers/${customer.id}/balance_transactions`, {
      customer_balance_transaction: {
        amount: -1500,
        currency: 'USD',
        description: 'Goodwill <i>credit</i>',
      },
    });
    const { browser } = await signedInConsoleUser(server, m.account.testKey);
    const page = await browser.get(`/console/customers/${customer.id}?mode=test`);
    expect(page.status).toBe(200);
    expect(page.text).toContain(`/console/subscriptions/${sub.subscription_id}?mode=test`);
    expect(page.text).toContain(`/console/subscriptions/${trial.subscription_id}?mode=test`);
    expect(page.text).toContain('$15.00 credit');
    expect(page.text).toContain('Goodwill &lt;i&gt;credit&lt;/i&gt;');
    expect(page.text).toContain('Adjustment');
    expect(page.text).toContain(sub.latest_invoice_id);
  });

  it('changes seats with the proration shown first, then bills exactly what it showed', async () => {
    const m = await Merchant.open(server);
    const clock = await m.clock('2030-04-01T00:00:00.000Z');
    const customer = await m.customer({ clock });
    const plan = await m.plan({ line_items: [{ name: 'Seat', unit_amount: 3000 }] });
    const sub = (
      await m.subscribe({ customer_id: customer.id, items: [{ plan_id: plan, quantity: 2 }] })
    ).body.subscription;
    await m.advance(clock, '2030-04-11T00:00:00.000Z');
    const { browser } = await signedInConsoleUser(server, m.account.testKey);
    const page = await browser.get(`/console/subscriptions/${sub.subscription_id}?mode=test`);
    expect(page.text).toContain(`name="seats.${plan}"`);
    const preview = await browser.get(
      `/console/subscriptions/${sub.subscription_id}/change?mode=test&seats.${plan}=5`,
    );
    expect(preview.status, preview.text).toBe(200);
    // 20 of 30 days left: 6000 paid → 4000 credited; 5 × 3000 × 2/3 = 10000; due 6000.
    expect(preview.text).toMatch(/<dt>Unused time credited to the balance<\/dt><dd>\$40\.00<\/dd>/);
    expect(preview.text).toMatch(/<dt>Amount due<\/dt><dd>\$60\.00<\/dd>/);
    // Time moves on before the confirm: the change still bills what was shown.
    await m.advance(clock, '2030-04-13T00:00:00.000Z');
    const confirmed = await browser.post(
      `/console/subscriptions/${sub.subscription_id}/change?mode=test`,
      {
        csrf_token: hidden(preview.text, 'csrf_token'),
        [`seats.${plan}`]: '5',
        proration_date: hidden(preview.text, 'proration_date'),
        subscription_version: hidden(preview.text, 'subscription_version'),
      },
    );
    expect(confirmed.status, confirmed.text).toBe(303);
    const after = await m.subscription(sub.subscription_id);
    expect(after.items[0].quantity).toBe(5);
    const invoice = await m.invoice(after.latest_invoice_id);
    expect(invoice).toMatchObject({ status: 'paid', billing_reason: 'subscription_update' });
    expect(invoice.amount_paid.amount).toBe(6000);
    const bad = await browser.get(
      `/console/subscriptions/${sub.subscription_id}/change?mode=test&seats.${plan}=0`,
    );
    expect(bad.status).toBe(422);
  });
});
