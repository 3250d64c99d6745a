import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILT_IN_JOB_KINDS } from '../src/app/jobs/built-in-job-kinds.js';
import { runDueJobs } from '../src/app/jobs/run-due-jobs.js';
import { findJob } from '../src/app/jobs/schedule-jobs.js';
import { PAYMENT_HOLD_EXPIRY } from '../src/app/payments/payment-holds.js';
import { countingSandbox } from './counting-processor.js';
import { startTestServer, type TestServer } from './harness.js';
import { Merchant, START } from './subscription-fixtures.js';

// How a subscription starts, through real HTTP on a test clock: a trial (nothing charged,
// `trial_will_end` three days before its end, the account's `missing_payment_method` when
// it ends with no card), or the first period paid now (3-D Secure keeps it `incomplete`
// until done, `incomplete_expired` after 23 hours).

const counting = countingSandbox();
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ processor: counting.processor });
});
afterAll(() => server.close());

async function chargesDuring(run: () => Promise<unknown>): Promise<number> {
  const before = counting.chargeCalls.length;
  await run();
  return counting.chargeCalls.length - before;
}

/** A new merchant's customer on a clock, with a card saved from `token`, subscribing now. */
/** A subscription started with a card saved from `token`; `credit` first on the balance. */
async function startingWith(token: string, { credit = 0 }: { credit?: number } = {}) {
  const m = await Merchant.open(server);
  const clock = await m.clock();
  const customer = await m.customer({ clock, token });
  if (credit > 0) {
    await m.ok('POST', `/v1/customers/${customer.id}/balance_transactions`, {
      customer_balance_transaction: { amount: -credit, currency: 'USD' },
    });
  }
  const plan = await m.plan();
  const res = await m.subscribe({ customer_id: customer.id, items: [{ plan_id: plan }] });
  return { m, clock, customer, res };
}

const TRIAL_END = '2030-02-14T10:00:00.000Z';

async function trialing(m: Merchant, { token }: { token?: string | null } = {}) {
  const clock = await m.clock();
  const customer = await m.customer({ clock, token });
  const plan = await m.plan();
  let res: Awaited<ReturnType<Merchant['subscribe']>> | undefined;
  const charges = await chargesDuring(async () => {
    res = await m.subscribe({
      customer_id: customer.id,
      items: [{ plan_id: plan }],
      trial_period_days: 14,
    });
  });
  expect(res?.status, res?.text).toBe(200);
  expect(charges).toBe(0);
  return { clock, customer, plan, sub: res?.body.subscription };
}

describe('subscription trials', () => {
  it('charges nothing during the trial, warns three days before, then bills the first period', async () => {
    const m = await Merchant.open(server);
    const { clock, customer, sub } = await trialing(m);
    expect(sub).toMatchObject({
      status: 'trialing',
      trial_start: START,
      trial_end: TRIAL_END,
      current_period_start: START,
      current_period_end: TRIAL_END,
      billing_cycle_anchor: TRIAL_END,
    });
    const trialInvoice = await m.invoice(sub.latest_invoice_id);
    expect(trialInvoice).toMatchObject({ status: 'paid', billing_reason: 'subscription_create' });
    expect(trialInvoice.amount_due.amount).toBe(0);

    await m.advance(clock, '2030-02-11T09:00:00.000Z');
    expect(await m.subscriptionEvents(sub.subscription_id)).toEqual([
      'customer.subscription.created',
      'invoice.upcoming',
    ]);
    await m.advance(clock, '2030-02-11T11:00:00.000Z');
    expect(await m.subscriptionEvents(sub.subscription_id)).toEqual([
      'customer.subscription.created',
      'invoice.upcoming',
      'customer.subscription.trial_will_end',
    ]);
    const charges = await chargesDuring(() => m.advance(clock, '2030-02-14T12:00:00.000Z'));
    expect(charges).toBe(1);
    const after = await m.subscription(sub.subscription_id);
    expect(after).toMatchObject({
      status: 'active',
      current_period_start: TRIAL_END,
      current_period_end: '2030-03-14T10:00:00.000Z',
    });
    const invoices = await m.invoicesOf(customer.id);
    expect(invoices.map((i: any) => [i.status, i.billing_reason, i.amount_paid.amount])).toEqual([
      ['paid', 'subscription_create', 0],
      ['paid', 'subscription_cycle', 1000],
    ]);
    const types = await m.subscriptionEvents(sub.subscription_id);
    expect(types.slice(3)).toEqual(['customer.subscription.updated']);
    const updated = (await m.events(sub.subscription_id)).at(-1);
    expect(updated.data.object.status).toBe('active');
    expect(updated.data.previous_attributes).toMatchObject({ status: 'trialing' });
  });

  it('a trial ending with no card is canceled by default', async () => {
    const m = await Merchant.open(server);
    const { clock, sub } = await trialing(m, { token: null });
    expect(await chargesDuring(() => m.advance(clock, '2030-02-15T00:00:00.000Z'))).toBe(0);
    expect(await m.subscription(sub.subscription_id)).toMatchObject({
      status: 'canceled',
      cancellation_reason: 'trial_ended_without_payment_method',
      ended_at: TRIAL_END,
    });
    const types = await m.subscriptionEvents(sub.subscription_id);
    expect(types.at(-1)).toBe('customer.subscription.deleted');
  });

  it('pause: a trial ending with no card is paused, resumed once a card is saved', async () => {
    const m = await Merchant.open(server);
    await m.settings({ missing_payment_method: 'pause' });
    const { clock, customer, sub } = await trialing(m, { token: null });
    const id = sub.subscription_id;
    await m.advance(clock, '2030-02-15T00:00:00.000Z');
    const paused = await m.subscription(id);
    expect(paused).toMatchObject({
      status: 'paused',
      available_actions: ['update', 'cancel', 'resume'],
    });
    expect((await m.subscriptionEvents(id)).at(-1)).toBe('customer.subscription.paused');
    // Paused: nothing renews.
    await m.advance(clock, '2030-03-20T00:00:00.000Z');
    expect((await m.invoicesOf(customer.id)).length).toBe(1);

    const missing = await m.call('POST', `/v1/subscriptions/${id}/resume`, {});
    expect(missing.status).toBe(422);
    expect(missing.body.error.code).toBe('payment_method_missing');
    await m.saveCard(customer.id, 'tok_visa');
    let resumed: any;
    const charges = await chargesDuring(async () => {
      resumed = await m.ok('POST', `/v1/subscriptions/${id}/resume`, {});
      await m.advance(clock, '2030-03-20T00:00:01.000Z');
    });
    expect(charges).toBe(1);
    expect(resumed.subscription).toMatchObject({
      status: 'active',
      billing_cycle_anchor: '2030-03-20T00:00:00.000Z',
      current_period_start: '2030-03-20T00:00:00.000Z',
      current_period_end: '2030-04-20T00:00:00.000Z',
    });
    expect(await m.invoice(resumed.subscription.latest_invoice_id)).toMatchObject({
      status: 'paid',
    });
    expect((await m.subscriptionEvents(id)).at(-1)).toBe('customer.subscription.resumed');
    await m.advance(clock, '2030-04-21T00:00:00.000Z');
    expect(await m.subscription(id)).toMatchObject({
      status: 'active',
      current_period_start: '2030-04-20T00:00:00.000Z',
    });
    const again = await m.call('POST', `/v1/subscriptions/${id}/resume`, {});
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('subscription_state_invalid');
  });

  it('create_invoice: a trial ending with no card leaves the invoice open; paying it makes it active', async () => {
    const m = await Merchant.open(server);
    await m.settings({ missing_payment_method: 'create_invoice' });
    const { clock, sub } = await trialing(m, { token: null });
    const id = sub.subscription_id;
    expect(await chargesDuring(() => m.advance(clock, '2030-02-15T00:00:00.000Z'))).toBe(0);
    const after = await m.subscription(id);
    expect(after.status).toBe('past_due');
    const invoice = await m.invoice(after.latest_invoice_id);
    expect(invoice).toMatchObject({
      status: 'open',
      billing_reason: 'subscription_cycle',
      attempt_count: 1,
      next_payment_attempt: null,
    });
    expect(await m.mails(invoice.invoice_id, 'payment_failed')).toHaveLength(1);
    const paid = await m.call('POST', `/v1/invoices/${invoice.invoice_id}/pay`, {
      payment: { payment_source_token: 'tok_visa' },
    });
    expect(paid.status, paid.text).toBe(200);
    expect((await m.subscription(id)).status).toBe('active');
  });
});

describe('paying the first period now', () => {
  it('without a saved card: 422 payment_method_missing, nothing made', async () => {
    const m = await Merchant.open(server);
    const customer = await m.customer({ token: null });
    const plan = await m.plan();
    const res = await m.subscribe({ customer_id: customer.id, items: [{ plan_id: plan }] });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('payment_method_missing');
    const list = await m.ok('GET', `/v1/subscriptions?customer_id=${customer.id}`);
    expect(list.subscriptions).toEqual([]);
    expect(await m.invoicesOf(customer.id)).toEqual([]);
  });

  it('3-D Secure: incomplete until the buyer confirms, then active', async () => {
    const { m, clock, res } = await startingWith('tok_threeDSecureRequired');
    expect(res.status, res.text).toBe(200);
    const sub = res.body.subscription;
    expect(sub).toMatchObject({ status: 'incomplete', available_actions: ['update', 'cancel'] });
    const invoice = await m.invoice(sub.latest_invoice_id);
    expect(invoice.status).toBe('open');
    const [intent] = await m.intents(invoice.order_id);
    expect(intent.status).toBe('requires_action');
    await m.ok('POST', `/v1/test_helpers/payment_intents/${intent.payment_intent_id}/succeed`);
    expect(await m.invoice(invoice.invoice_id)).toMatchObject({ status: 'paid' });
    expect(await m.subscription(sub.subscription_id)).toMatchObject({ status: 'active' });
    // The expiry that was scheduled finds it paid.
    await m.advance(clock, '2030-02-02T10:00:00.000Z');
    expect(await m.subscription(sub.subscription_id)).toMatchObject({ status: 'active' });
    expect(await m.subscriptionEvents(sub.subscription_id)).toEqual([
      'customer.subscription.created',
      'customer.subscription.updated',
    ]);
  });

  it("a clock's customer pays in the clock's time: the 3-D Secure hold ends by the clock, a payment is stamped with it", async () => {
    const { m, clock, res } = await startingWith('tok_threeDSecureRequired');
    const sub = res.body.subscription;
    const invoice = await m.invoice(sub.latest_invoice_id);
    const [intent] = await m.intents(invoice.order_id);
    expect(intent.status).toBe('requires_action');
    // The hold's end is on the clock, 30 minutes after its time…
    const tenant = { accountId: m.account.accountId, mode: 'test' as const };
    const hold = await findJob(
      { deps: server.deps, tenant },
      {
        kind: PAYMENT_HOLD_EXPIRY.kind,
        key: `payment_intent:${intent.payment_intent_id}:hold_expiry`,
      },
    );
    expect(hold).toMatchObject({ clock_id: clock, status: 'scheduled' });
    expect(hold?.run_at.toISOString()).toBe('2030-01-31T10:30:00.000Z');
    // …so a real-time worker, for which 2030 is far ahead, never ends it…
    await runDueJobs(server.deps, {
      kinds: BUILT_IN_JOB_KINDS,
      owner: null,
      scope: { accountIds: [m.account.accountId] },
    });
    expect((await m.intents(invoice.order_id))[0].status).toBe('requires_action');
    // …and advancing the clock past it does.
    await m.advance(clock, '2030-01-31T10:31:00.000Z');
    expect((await m.intents(invoice.order_id))[0].status).toBe('canceled');
    // Paying the invoice through the API is at the clock's time, not today's.
    const paid = await m.call('POST', `/v1/invoices/${invoice.invoice_id}/pay`, {
      payment: { payment_source_token: 'tok_visa' },
    });
    expect(paid.status, paid.text).toBe(200);
    expect(paid.body.invoice).toMatchObject({
      status: 'paid',
      status_transitions: { paid_at: '2030-01-31T10:31:00.000Z' },
    });
    const after = await m.subscription(sub.subscription_id);
    expect(after).toMatchObject({ status: 'active' });
    const events = await m.events(sub.subscription_id);
    const updated = events.find((e: any) => e.type === 'customer.subscription.updated');
    expect(updated.created_at).toBe('2030-01-31T10:31:00.000Z');
  });

  it('3-D Secure never done: incomplete_expired after 23 hours, its invoice void, the credit it took given back', async () => {
    const { m, clock, customer, res } = await startingWith('tok_threeDSecureRequired', {
      credit: 300,
    });
    const sub = res.body.subscription;
    const first = await m.invoice(sub.latest_invoice_id);
    expect(first.amount_due.amount).toBe(700);
    const balance = async () => (await m.ok('GET', `/v1/customers/${customer.id}`)).customer;
    expect((await balance()).balance).toBe(0);
    await m.advance(clock, '2030-02-01T08:59:00.000Z');
    expect((await m.subscription(sub.subscription_id)).status).toBe('incomplete');
    await m.advance(clock, '2030-02-01T09:00:00.000Z');
    expect(await m.subscription(sub.subscription_id)).toMatchObject({
      status: 'incomplete_expired',
      ended_at: '2030-02-01T09:00:00.000Z',
      available_actions: [],
    });
    expect((await m.invoice(sub.latest_invoice_id)).status).toBe('void');
    // Its order is canceled: the 300 of credit it took is the customer's again, once.
    const order = (await m.ok('GET', `/v1/orders/${first.order_id}`)).order;
    expect(order.status).toBe('CANCELED');
    expect((await balance()).balance).toBe(-300);
    const txns = (await m.ok('GET', `/v1/customers/${customer.id}/balance_transactions`))
      .customer_balance_transactions;
    expect(txns.map((t: any) => [t.type, t.amount])).toEqual([
      ['unapplied_from_order', -300],
      ['applied_to_order', 300],
      ['adjustment', -300],
    ]);
    await m.advance(clock, '2030-03-05T00:00:00.000Z');
    expect((await m.invoicesOf(customer.id)).length).toBe(1);
  });

  it('a declined first payment leaves it incomplete (no retry); paying the invoice makes it active', async () => {
    const m = await Merchant.open(server);
    const clock = await m.clock();
    const customer = await m.customer({ clock, token: 'tok_chargeDeclinedInsufficientFunds' });
    const plan = await m.plan();
    let res: any;
    expect(
      await chargesDuring(async () => {
        res = await m.subscribe({ customer_id: customer.id, items: [{ plan_id: plan }] });
      }),
    ).toBe(1);
    expect(res.status, res.text).toBe(200);
    const sub = res.body.subscription;
    expect(sub.status).toBe('incomplete');
    expect(await m.invoice(sub.latest_invoice_id)).toMatchObject({
      status: 'open',
      attempt_count: 1,
    });
    expect(await chargesDuring(() => m.advance(clock, '2030-01-31T20:00:00.000Z'))).toBe(0);
    const paid = await m.call('POST', `/v1/invoices/${sub.latest_invoice_id}/pay`, {
      payment: { payment_source_token: 'tok_visa' },
    });
    expect(paid.status, paid.text).toBe(200);
    expect((await m.subscription(sub.subscription_id)).status).toBe('active');
    await m.advance(clock, '2030-02-02T00:00:00.000Z');
    expect((await m.subscription(sub.subscription_id)).status).toBe('active');
  });
});
