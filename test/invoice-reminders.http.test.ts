import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInConsoleUser } from './console-fixtures.js';
import {
  createTestAccount,
  oneLine,
  request,
  startTestServer,
  type TestServer,
} from './harness.js';
import { invoiceCalls } from './invoice-fixtures.js';
import {
  mailsAbout,
  runJobsUntil,
  setInvoiceSettings,
  startClockServer,
  type TestClock,
} from './invoice-mail-fixtures.js';

// Reminders, overdue and receipts, by a test clock: the server's deps run by it, so the
// due jobs an invoice schedules carry its id and run when the test runs them up to a time,
// as a worker would then. "Once" is counted in the mailbox and the events.

let server: TestServer;
let clock: TestClock;
beforeAll(async () => {
  ({ server, clock } = await startClockServer('2030-01-01T00:00:00Z'));
});
afterAll(() => server.close());

const SCHEDULE = { days_before_due: [3], on_due_date: true, days_after_due: [1, 7] };
// 11:30 UTC on 10 Jan: 03:30 that day in Los Angeles, 00:30 on 11 Jan in Auckland.
const DUE = '2030-01-10T11:30:00Z';

/** An account with the schedule in `timeZone`, and a sent invoice due at DUE. */
async function sentInvoice(timeZone: string, fields: Record<string, unknown> = {}) {
  clock.set('2030-01-01T00:00:00Z');
  const { accountId, testKey } = await createTestAccount(server);
  await setInvoiceSettings(server, testKey, { time_zone: timeZone, reminders: SCHEDULE });
  const inv = invoiceCalls(server, testKey);
  const draft = await inv.created({
    line_items: oneLine(5000),
    customer_details: { email: 'buyer@example.com' },
    due_date: DUE,
    ...fields,
  });
  const invoice = await inv.acted(draft.invoice_id, 'finalize');
  await inv.acted(invoice.invoice_id, 'send');
  const run = (until: string) => runJobsUntil(server, clock, { accountId, until });
  const reminders = async () =>
    (await mailsAbout(server, testKey, invoice.invoice_id, 'invoice_reminder')).map(
      (m) => m.dedupe_key,
    );
  const key = (step: string) => `invoice:${invoice.invoice_id}:reminder:${step}`;
  return { testKey, inv, invoice, run, reminders, key };
}

describe('reminders', () => {
  it('mails each step at 09:00 local of its day, once, even with two runners at once', async () => {
    const t = await sentInvoice('America/Los_Angeles');
    // 3 days before: 09:00 PST on 7 Jan is 17:00 UTC.
    await t.run('2030-01-07T16:59:59Z');
    expect(await t.reminders()).toEqual([]);
    await t.run('2030-01-07T17:00:00Z');
    expect(await t.reminders()).toEqual([t.key('before_due_3')]);
    const [first] = await mailsAbout(server, t.testKey, t.invoice.invoice_id, 'invoice_reminder');
    expect(first?.subject).toBe(`Reminder: Invoice ${t.invoice.number} is due January 10, 2030`);
    expect(first?.text).toContain(t.invoice.hosted_invoice_url);
    expect(first?.html).toContain(`href="${t.invoice.hosted_invoice_url}"`);

    // Two runners race for everything left.
    clock.set('2030-01-20T00:00:00Z');
    const [a, b] = await Promise.all([
      t.run('2030-01-20T00:00:00Z'),
      t.run('2030-01-20T00:00:00Z'),
    ]);
    expect((a?.succeeded ?? 0) + (b?.succeeded ?? 0)).toBe(4); // three reminders and overdue
    await t.run('2030-02-01T00:00:00Z');
    expect(await t.reminders()).toEqual([
      t.key('before_due_3'),
      t.key('on_due_date'),
      t.key('after_due_1'),
      t.key('after_due_7'),
    ]);
    // A resend schedules nothing twice.
    await t.inv.acted(t.invoice.invoice_id, 'send');
    await t.run('2030-02-02T00:00:00Z');
    expect(await t.reminders()).toHaveLength(4);
  });

  it("reads the due day in the account's time zone (Auckland vs Los Angeles)", async () => {
    const la = await sentInvoice('America/Los_Angeles');
    const nz = await sentInvoice('Pacific/Auckland');
    // LA's due day is 10 Jan (09:00 PST = 17:00 UTC); Auckland's is 11 Jan (09:00 NZDT = 20:00 UTC on 10 Jan).
    await la.run('2030-01-10T17:00:00Z');
    await nz.run('2030-01-10T17:00:00Z');
    expect(await la.reminders()).toContain(la.key('on_due_date'));
    expect(await nz.reminders()).toEqual([nz.key('before_due_3')]);
    await nz.run('2030-01-10T20:00:00Z');
    expect(await nz.reminders()).toContain(nz.key('on_due_date'));

    // Overdue at the end of the due day there: LA 08:00 UTC on 11 Jan, Auckland 11:00 UTC.
    await la.run('2030-01-11T08:00:00Z');
    await nz.run('2030-01-11T08:00:00Z');
    expect((await la.inv.get(la.invoice.invoice_id)).overdue).toBe(true);
    expect((await nz.inv.get(nz.invoice.invoice_id)).overdue).toBe(false);
    await nz.run('2030-01-11T11:00:00Z');
    expect((await nz.inv.get(nz.invoice.invoice_id)).overdue).toBe(true);
  });

  it('leaves out steps already past when the invoice is sent', async () => {
    const t = await sentInvoice('UTC', { due_date: '2030-01-02T12:00:00Z' });
    await t.run('2030-01-30T00:00:00Z');
    expect(await t.reminders()).toEqual([
      t.key('on_due_date'),
      t.key('after_due_1'),
      t.key('after_due_7'),
    ]);
  });
});

describe('overdue', () => {
  it('records invoice.overdue once at the due day’s end; the status stays open', async () => {
    const t = await sentInvoice('UTC');
    await t.run('2030-01-10T23:59:59Z');
    expect(await t.inv.get(t.invoice.invoice_id)).toMatchObject({ status: 'open', overdue: false });
    await Promise.all([t.run('2030-01-11T00:00:00Z'), t.run('2030-01-11T00:00:00Z')]);
    await t.run('2030-03-01T00:00:00Z');
    const invoice = await t.inv.get(t.invoice.invoice_id);
    expect(invoice).toMatchObject({ status: 'open', overdue: true });
    const events = await request(
      server,
      'GET',
      `/v1/events?type=invoice.overdue&object_id=${t.invoice.invoice_id}`,
      { key: t.testKey },
    );
    expect(events.body.events).toHaveLength(1);
    expect(events.body.events[0].data.object).toMatchObject({
      invoice_id: t.invoice.invoice_id,
      status: 'open',
      overdue: true,
      updated_at: '2030-01-11T00:00:00.000Z',
    });
    // The console shows it in the list and on the invoice's page.
    const { browser } = await signedInConsoleUser(server, t.testKey);
    const list = await browser.get('/console/invoices?mode=test');
    expect(list.text).toContain('data-status="overdue"');
    // The buyer's page says so too.
    const hosted = await browser.get(new URL(t.invoice.hosted_invoice_url).pathname);
    expect(hosted.text).toMatch(/id="invoice-status">\$[\d,.]+ overdue: it was due by /);
    // Paid late: no longer overdue.
    expect((await t.inv.pay(t.invoice.invoice_id)).status).toBe(200);
    expect(await t.inv.get(t.invoice.invoice_id)).toMatchObject({ status: 'paid', overdue: false });
  });

  it('a finalized invoice is marked overdue whether or not it was sent', async () => {
    clock.set('2030-01-01T00:00:00Z');
    const { accountId, testKey } = await createTestAccount(server);
    const inv = invoiceCalls(server, testKey);
    const draft = await inv.created({ line_items: oneLine(700), days_until_due: 0 });
    const invoice = await inv.acted(draft.invoice_id, 'finalize');
    await runJobsUntil(server, clock, { accountId, until: '2030-01-02T00:00:00Z' });
    expect((await inv.get(invoice.invoice_id)).overdue).toBe(true);
    expect(await inv.eventTypes(invoice.invoice_id)).toEqual([
      'invoice.created',
      'invoice.finalized',
      'invoice.overdue',
    ]);
    expect(await mailsAbout(server, testKey, invoice.invoice_id)).toEqual([]);
  });
});

describe('paid, void and uncollectible invoices', () => {
  it('get no more reminders and are never overdue; a paid one gets a receipt, once', async () => {
    const paid = await sentInvoice('UTC');
    clock.set('2030-01-05T08:00:00Z');
    const pay = await paid.inv.call('POST', `/v1/invoices/${paid.invoice.invoice_id}/pay`, {
      payment: { payment_source_token: 'tok_visa' },
      idempotency_key: 'pay-once-1',
    });
    expect(pay.status).toBe(200);
    const intent = pay.body.payment_intent.payment_intent_id;
    const voided = await sentInvoice('UTC');
    await voided.inv.acted(voided.invoice.invoice_id, 'void');
    const lost = await sentInvoice('UTC');
    await lost.inv.acted(lost.invoice.invoice_id, 'mark_uncollectible');

    for (const t of [paid, voided, lost]) {
      await t.run('2030-03-01T00:00:00Z');
      expect(await t.reminders()).toEqual([]);
      expect(await t.inv.eventTypes(t.invoice.invoice_id)).not.toContain('invoice.overdue');
    }
    const receipts = await mailsAbout(server, paid.testKey, paid.invoice.invoice_id, 'receipt');
    expect(receipts).toHaveLength(1);
    expect(receipts[0]).toMatchObject({
      to: 'buyer@example.com',
      dedupe_key: `invoice:${paid.invoice.invoice_id}:receipt:${intent}`,
    });
    expect(receipts[0]?.text).toContain('We received $50.00');
    expect(receipts[0]?.text).toContain('The invoice is paid in full.');
    for (const t of [voided, lost]) {
      expect(await mailsAbout(server, t.testKey, t.invoice.invoice_id, 'receipt')).toEqual([]);
    }
  });

  it('mails a receipt per payment of a partly paid invoice, however the order is paid', async () => {
    const t = await sentInvoice('UTC', { allow_partial_payments: true });
    expect((await t.inv.pay(t.invoice.invoice_id, { amount: 2000 })).status).toBe(200);
    const order = await t.inv.order(t.invoice.order_id);
    const direct = await request(server, 'POST', `/v1/orders/${order.order_id}/pay`, {
      key: t.testKey,
      body: { payment: { payment_source_token: 'tok_visa' } },
    });
    expect(direct.status).toBe(200);
    const declined = await sentInvoice('UTC');
    expect(
      (
        await declined.inv.pay(declined.invoice.invoice_id, {
          payment_source_token: 'tok_chargeDeclined',
        })
      ).status,
    ).toBe(402);

    const receipts = await mailsAbout(server, t.testKey, t.invoice.invoice_id, 'receipt');
    expect(receipts.map((r) => r.text.match(/We received (\S+)/)?.[1])).toEqual([
      '$20.00',
      '$30.00',
    ]);
    expect(receipts[0]?.text).toContain('$30.00 remains to pay.');
    expect(new Set(receipts.map((r) => r.dedupe_key)).size).toBe(2);
    expect(
      await mailsAbout(server, declined.testKey, declined.invoice.invoice_id, 'receipt'),
    ).toEqual([]);
    // Paid in full before the first reminder: none goes out.
    await t.run('2030-03-01T00:00:00Z');
    expect(await t.reminders()).toEqual([]);
  });
});

describe('POST /v1/test_helpers/invoices/{id}/advance (real time)', () => {
  it("runs an invoice's steps due by `until` now, each still once; test mode only", async () => {
    const real = await startTestServer();
    try {
      const { testKey } = await createTestAccount(real);
      await setInvoiceSettings(real, testKey, { reminders: SCHEDULE });
      const inv = invoiceCalls(real, testKey);
      const due = new Date(Date.now() + 5 * 86_400_000);
      const draft = await inv.created({
        line_items: oneLine(900),
        customer_details: { email: 'later@example.com' },
        due_date: due.toISOString(),
      });
      await inv.acted(draft.invoice_id, 'finalize');
      await inv.acted(draft.invoice_id, 'send');
      const advance = (body: unknown = {}, key = testKey) =>
        request(real, 'POST', `/v1/test_helpers/invoices/${draft.invoice_id}/advance`, {
          key,
          body,
        });
      const reminders = async () =>
        (await mailsAbout(real, testKey, draft.invoice_id, 'invoice_reminder')).map((m) =>
          m.dedupe_key?.split(':').at(-1),
        );

      const early = await advance({ until: new Date(Date.now() + 86_400_000).toISOString() });
      expect(early.status, early.text).toBe(200);
      expect(await reminders()).toEqual([]);
      const all = await advance();
      expect(all.body.invoice).toMatchObject({ status: 'open', overdue: true });
      await advance();
      expect(await reminders()).toEqual([
        'before_due_3',
        'on_due_date',
        'after_due_1',
        'after_due_7',
      ]);
      expect(
        (await inv.eventTypes(draft.invoice_id)).filter((t) => t === 'invoice.overdue'),
      ).toHaveLength(1);

      const { liveKey } = await createTestAccount(real);
      const live = await advance({}, liveKey);
      expect(live.status).toBe(403);
      expect(live.body.error.code).toBe('test_mode_only');
      const other = await createTestAccount(real);
      expect((await advance({}, other.testKey)).status).toBe(404);
      expect((await advance({ until: 'tomorrow' })).status).toBe(422);
    } finally {
      await real.close();
    }
  });
});
