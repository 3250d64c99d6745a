import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countingSandbox } from './counting-processor.js';
import { startTestServer, type TestServer } from './harness.js';
import { Merchant } from './subscription-fixtures.js';

// A renewal's charge declined, through real HTTP on a test clock: the subscription goes
// past_due and dunning follows the decline's class — soft: retried on the account's
// schedule, then unpaid or canceled; hard: no retry, ended at the schedule's last day;
// authentication required: no blind retry, a mail asking to confirm. Processor calls are
// counted on the real sandbox.

const counting = countingSandbox();
let server: TestServer;
beforeAll(async () => {
  // Mail sent by a job links to the hosted page only where the deployment names its public URL.
  server = await startTestServer({
    processor: counting.processor,
    deps: { publicUrl: 'https://pay.flint.test' } as never,
  });
});
afterAll(() => server.close());

/** Processor charge calls made while `run` runs. */
async function chargesDuring(run: () => Promise<unknown>): Promise<number> {
  const before = counting.chargeCalls.length;
  await run();
  return counting.chargeCalls.length - before;
}

const RENEWAL = '2030-02-28T10:00:00.000Z';

describe('subscription dunning', () => {
  it('soft decline: retried after 1, 3, 5, 7 days, then canceled (the default)', async () => {
    const m = await Merchant.open(server);
    const s = await m.renewingWith('tok_chargeDeclinedInsufficientFunds');
    expect(await chargesDuring(() => m.advance(s.clock, '2030-02-28T12:00:00.000Z'))).toBe(1);
    const sub = await m.subscription(s.id);
    expect(sub).toMatchObject({ status: 'past_due', current_period_start: RENEWAL });
    const invoice = await m.invoice(sub.latest_invoice_id);
    expect(invoice).toMatchObject({
      status: 'open',
      billing_reason: 'subscription_cycle',
      attempt_count: 1,
      next_payment_attempt: '2030-03-01T10:00:00.000Z',
    });
    expect(invoice.amount_paid.amount).toBe(0);
    expect(await chargesDuring(() => m.advance(s.clock, '2030-03-04T00:00:00.000Z'))).toBe(2);
    expect(await m.invoice(invoice.invoice_id)).toMatchObject({
      attempt_count: 3,
      next_payment_attempt: '2030-03-05T10:00:00.000Z',
    });
    expect((await m.subscription(s.id)).status).toBe('past_due');
    expect(await chargesDuring(() => m.advance(s.clock, '2030-03-08T00:00:00.000Z'))).toBe(2);
    expect(await m.invoice(invoice.invoice_id)).toMatchObject({
      status: 'open',
      attempt_count: 5,
      next_payment_attempt: null,
    });
    expect(await m.subscription(s.id)).toMatchObject({
      status: 'canceled',
      cancellation_reason: 'payment_failed',
      ended_at: '2030-03-07T10:00:00.000Z',
      available_actions: [],
    });
    const mails = await m.mails(invoice.invoice_id, 'payment_failed');
    expect(mails.map((e: any) => e.dedupe_key)).toEqual(
      [1, 2, 3, 4, 5].map((n) => `invoice:${invoice.invoice_id}:payment_failed:${n}`),
    );
    // Nothing renews after the end.
    expect(await chargesDuring(() => m.advance(s.clock, '2030-05-01T00:00:00.000Z'))).toBe(0);
    expect((await m.invoicesOf(s.customer.id)).length).toBe(2);
    const types = await m.subscriptionEvents(s.id);
    expect(types[0]).toBe('customer.subscription.created');
    expect(types.at(-1)).toBe('customer.subscription.deleted');
    expect(types.filter((t) => t === 'customer.subscription.deleted')).toHaveLength(1);
  });

  it('soft decline with after_retries unpaid: later periods are invoiced, not charged; paying the latest reactivates', async () => {
    const m = await Merchant.open(server);
    await m.settings({ after_retries: 'unpaid', retry_days: [2] });
    const s = await m.renewingWith('tok_chargeDeclinedProcessingError');
    expect(await chargesDuring(() => m.advance(s.clock, '2030-03-03T00:00:00.000Z'))).toBe(2);
    const sub = await m.subscription(s.id);
    expect(sub.status).toBe('unpaid');
    expect(await m.invoice(sub.latest_invoice_id)).toMatchObject({
      status: 'open',
      attempt_count: 2,
      next_payment_attempt: null,
    });
    expect(await chargesDuring(() => m.advance(s.clock, '2030-04-01T00:00:00.000Z'))).toBe(0);
    const unpaid = await m.subscription(s.id);
    expect(unpaid).toMatchObject({
      status: 'unpaid',
      current_period_start: '2030-03-31T10:00:00.000Z',
    });
    expect(unpaid.latest_invoice_id).not.toBe(sub.latest_invoice_id);
    const latest = await m.invoice(unpaid.latest_invoice_id);
    expect(latest).toMatchObject({ status: 'open', attempt_count: 0 });
    const paid = await m.call('POST', `/v1/invoices/${latest.invoice_id}/pay`, {
      payment: { payment_source_token: 'tok_visa' },
    });
    expect(paid.status, paid.text).toBe(200);
    expect((await m.subscription(s.id)).status).toBe('active');
  });

  it('after_retries past_due with invoice_after_retries uncollectible: the invoice is written off, the subscription still charged each period', async () => {
    const m = await Merchant.open(server);
    const settings = await m.settings({
      after_retries: 'past_due',
      invoice_after_retries: 'uncollectible',
      retry_days: [1],
    });
    expect(settings).toMatchObject({
      after_retries: 'past_due',
      invoice_after_retries: 'uncollectible',
    });
    const s = await m.renewingWith('tok_chargeDeclinedInsufficientFunds');
    expect(await chargesDuring(() => m.advance(s.clock, '2030-03-02T00:00:00.000Z'))).toBe(2);
    const sub = await m.subscription(s.id);
    expect(sub.status).toBe('past_due');
    const invoice = await m.invoice(sub.latest_invoice_id);
    expect(invoice).toMatchObject({
      status: 'uncollectible',
      attempt_count: 2,
      next_payment_attempt: null,
    });
    const events = (await m.events(invoice.invoice_id)).map((e: any) => e.type);
    expect(events.filter((t: string) => t === 'invoice.marked_uncollectible')).toHaveLength(1);
    // Left past due, the next period is billed and charged (and dunned) as before.
    expect(await chargesDuring(() => m.advance(s.clock, '2030-03-31T12:00:00.000Z'))).toBe(1);
    const next = await m.subscription(s.id);
    expect(next).toMatchObject({
      status: 'past_due',
      current_period_start: '2030-03-31T10:00:00.000Z',
    });
    expect(await m.invoice(next.latest_invoice_id)).toMatchObject({
      status: 'open',
      attempt_count: 1,
    });
    // The written-off invoice can still be paid, with another card.
    const paid = await m.call('POST', `/v1/invoices/${invoice.invoice_id}/pay`, {
      payment: { payment_source_token: 'tok_visa' },
    });
    expect(paid.status, paid.text).toBe(200);
    expect(paid.body.invoice.status).toBe('paid');
  });

  it('hard decline (stolen card): no retry, the buyer is asked for a new card, canceled at the last retry day', async () => {
    const m = await Merchant.open(server);
    const s = await m.renewingWith('tok_chargeDeclinedStolenCard');
    expect(await chargesDuring(() => m.advance(s.clock, '2030-03-07T00:00:00.000Z'))).toBe(1);
    const sub = await m.subscription(s.id);
    expect(sub.status).toBe('past_due');
    expect(await m.invoice(sub.latest_invoice_id)).toMatchObject({
      status: 'open',
      attempt_count: 1,
      next_payment_attempt: null,
    });
    const mails = await m.mails(sub.latest_invoice_id, 'payment_failed');
    expect(mails).toHaveLength(1);
    expect(mails[0].subject).toMatch(/^Payment failed/);
    expect(await chargesDuring(() => m.advance(s.clock, '2030-03-08T00:00:00.000Z'))).toBe(0);
    expect(await m.subscription(s.id)).toMatchObject({
      status: 'canceled',
      cancellation_reason: 'payment_failed',
      ended_at: '2030-03-07T10:00:00.000Z',
    });
  });

  it('hard decline (lost card) paid with a new card: active again, dunning ends with nothing to do', async () => {
    const m = await Merchant.open(server);
    const s = await m.renewingWith('tok_chargeDeclinedLostCard');
    await m.advance(s.clock, '2030-03-01T00:00:00.000Z');
    const sub = await m.subscription(s.id);
    expect(sub.status).toBe('past_due');
    const fresh = await m.saveCard(s.customer.id, 'tok_mastercard');
    const paid = await m.call('POST', `/v1/invoices/${sub.latest_invoice_id}/pay`, {
      payment: { payment_method_id: fresh },
    });
    expect(paid.status, paid.text).toBe(200);
    expect(paid.body.invoice).toMatchObject({ status: 'paid', next_payment_attempt: null });
    expect((await m.subscription(s.id)).status).toBe('active');
    expect(await chargesDuring(() => m.advance(s.clock, '2030-03-10T00:00:00.000Z'))).toBe(0);
    expect((await m.subscription(s.id)).status).toBe('active');
  });

  it('authentication required: no blind retry, the buyer is mailed to confirm and pays with 3-D Secure', async () => {
    const m = await Merchant.open(server);
    const s = await m.renewingWith('tok_threeDSecureRequired');
    expect(await chargesDuring(() => m.advance(s.clock, '2030-03-06T00:00:00.000Z'))).toBe(1);
    const sub = await m.subscription(s.id);
    expect(sub.status).toBe('past_due');
    const invoice = await m.invoice(sub.latest_invoice_id);
    expect(invoice).toMatchObject({ attempt_count: 1, next_payment_attempt: null });
    const mails = await m.mails(invoice.invoice_id, 'payment_failed');
    expect(mails).toHaveLength(1);
    expect(mails[0].subject).toMatch(/^Confirm your payment/);
    expect(invoice.hosted_invoice_url).toMatch(/^https:\/\/pay\.flint\.test\//);
    expect(mails[0].text).toContain(invoice.hosted_invoice_url);
    // The buyer, present, pays with the same card: 3-D Secure is asked, then done.
    const pay = await m.call('POST', `/v1/invoices/${invoice.invoice_id}/pay`, {
      payment: { payment_method_id: s.method },
    });
    expect(pay.status, pay.text).toBe(200);
    expect(pay.body.payment_intent.status).toBe('requires_action');
    expect((await m.subscription(s.id)).status).toBe('past_due');
    await m.ok(
      'POST',
      `/v1/test_helpers/payment_intents/${pay.body.payment_intent.payment_intent_id}/succeed`,
    );
    expect(await m.invoice(invoice.invoice_id)).toMatchObject({ status: 'paid' });
    expect((await m.subscription(s.id)).status).toBe('active');
    expect(await chargesDuring(() => m.advance(s.clock, '2030-03-10T00:00:00.000Z'))).toBe(0);
    expect((await m.subscription(s.id)).status).toBe('active');
  });

  it('with no public URL set, dunning mails and receipts link to the host the subscription was created at', async () => {
    // A worker has no request to take a host from: the subscription keeps its creating
    // request's (before, such a mail carried no link at all).
    const bare = await startTestServer({
      processor: counting.processor,
      deps: { ...server.deps, publicUrl: undefined },
    });
    try {
      const m = await Merchant.open(bare);
      const s = await m.renewingWith('tok_threeDSecureRequired');
      await m.advance(s.clock, '2030-03-06T00:00:00.000Z');
      const invoice = await m.invoice((await m.subscription(s.id)).latest_invoice_id);
      expect(invoice.hosted_invoice_url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/invoice\//);
      const mails = await m.mails(invoice.invoice_id, 'payment_failed');
      expect(mails).toHaveLength(1);
      expect(mails[0].text).toContain(invoice.hosted_invoice_url);
      // A renewal paid by its job: the receipt links there too.
      const paying = await m.renewingWith('tok_visa');
      await m.advance(paying.clock, '2030-03-06T00:00:00.000Z');
      const renewal = await m.invoice((await m.subscription(paying.id)).latest_invoice_id);
      expect(renewal).toMatchObject({ status: 'paid', billing_reason: 'subscription_cycle' });
      const receipts = await m.mails(renewal.invoice_id, 'receipt');
      expect(receipts).toHaveLength(1);
      expect(receipts[0].text).toContain(renewal.hosted_invoice_url);
    } finally {
      await bare.close();
    }
  });

  it('no card left to charge (detached): past_due, the buyer is asked to pay, canceled at the last retry day', async () => {
    const m = await Merchant.open(server);
    const clock = await m.clock();
    const customer = await m.customer({ clock });
    const plan = await m.plan();
    const res = await m.subscribe({ customer_id: customer.id, items: [{ plan_id: plan }] });
    const id = res.body.subscription.subscription_id;
    await m.ok('POST', `/v1/payment_methods/${customer.method}/detach`, {});
    expect(await chargesDuring(() => m.advance(clock, '2030-03-01T00:00:00.000Z'))).toBe(0);
    const sub = await m.subscription(id);
    expect(sub.status).toBe('past_due');
    expect(await m.invoice(sub.latest_invoice_id)).toMatchObject({
      status: 'open',
      attempt_count: 1,
      next_payment_attempt: null,
    });
    expect(await m.mails(sub.latest_invoice_id, 'payment_failed')).toHaveLength(1);
    await m.advance(clock, '2030-03-08T00:00:00.000Z');
    expect(await m.subscription(id)).toMatchObject({
      status: 'canceled',
      cancellation_reason: 'payment_failed',
    });
  });

  it('a retry racing the buyer paying the invoice charges once', async () => {
    const m = await Merchant.open(server);
    const s = await m.renewingWith('tok_chargeDeclinedInsufficientFunds');
    await m.advance(s.clock, '2030-02-28T12:00:00.000Z');
    const sub = await m.subscription(s.id);
    expect(sub.status).toBe('past_due');
    // The retry will now charge a good card; the buyer pays with another at the same time.
    const good = await m.saveCard(s.customer.id, 'tok_visa');
    await m.ok('PATCH', `/v1/subscriptions/${s.id}`, {
      subscription: { default_payment_method_id: good },
    });
    const [, buyer] = await Promise.all([
      m.advance(s.clock, '2030-03-02T00:00:00.000Z'),
      m.call('POST', `/v1/invoices/${sub.latest_invoice_id}/pay`, {
        payment: { payment_source_token: 'tok_mastercard' },
      }),
    ]);
    expect([200, 409]).toContain(buyer.status);
    const invoice = await m.invoice(sub.latest_invoice_id);
    expect(invoice.status).toBe('paid');
    expect(invoice.amount_paid.amount).toBe(1000);
    const succeeded = (await m.intents(invoice.order_id)).filter(
      (i: any) => i.status === 'succeeded',
    );
    expect(succeeded).toHaveLength(1);
    expect((await m.subscription(s.id)).status).toBe('active');
  });
});
