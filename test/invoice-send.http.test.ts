import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../src/app/events/record-events.js';
import { sendInvoice } from '../src/app/invoices/send-invoice.js';
import { expectError } from './catalog-fixtures.js';
import { createTestAccount, liveKeyOf, oneLine, request, type TestServer } from './harness.js';
import { invoiceCalls, UNKNOWN_INVOICE } from './invoice-fixtures.js';
import {
  mailsAbout,
  runJobsUntil,
  setInvoiceSettings,
  startClockServer,
  type TestClock,
} from './invoice-mail-fixtures.js';

// Sending an invoice (POST /v1/invoices/{id}/send): the buyer's mail with its page and PDF,
// `invoice.sent`, resends; what cannot be sent; the invoice settings that steer reminders.

let server: TestServer;
let clock: TestClock;
beforeAll(async () => {
  ({ server, clock } = await startClockServer('2030-01-01T00:00:00Z'));
});
afterAll(() => server.close());

const buyer = { name: 'Ada Buyer', email: 'ada@buyer.example' };

async function openInvoice(key: string, fields: Record<string, unknown> = {}) {
  const inv = invoiceCalls(server, key);
  const draft = await inv.created({
    line_items: oneLine(12_345),
    customer_details: buyer,
    due_date: '2030-01-10T11:30:00Z',
    memo: 'Thanks <for> "everything"',
    ...fields,
  });
  return { inv, invoice: await inv.acted(draft.invoice_id, 'finalize') };
}

describe('POST /v1/invoices/{id}/send', () => {
  it('mails the buyer the invoice as text and HTML with its page and PDF, and records invoice.sent', async () => {
    clock.set('2030-01-01T00:00:00Z');
    const { testKey } = await createTestAccount(server);
    const { inv, invoice } = await openInvoice(testKey);
    expect(invoice).toMatchObject({ sent_at: null, overdue: false });

    clock.set('2030-01-02T10:00:00Z');
    const sent = await inv.acted(invoice.invoice_id, 'send');
    expect(sent).toMatchObject({ status: 'open', sent_at: '2030-01-02T10:00:00.000Z' });
    const [mail, ...more] = await mailsAbout(server, testKey, invoice.invoice_id);
    expect(more).toEqual([]);
    expect(mail).toMatchObject({
      kind: 'invoice',
      to: 'ada@buyer.example',
      subject: `Invoice ${invoice.number}`,
      related_object: { type: 'invoice', id: invoice.invoice_id },
    });
    for (const part of [
      invoice.hosted_invoice_url,
      invoice.invoice_pdf,
      '$123.45',
      'January 10, 2030',
    ]) {
      expect(mail?.text).toContain(part);
    }
    expect(mail?.text).toContain(invoice.number);
    expect(mail?.text).toContain('Thanks <for> "everything"');
    expect(mail?.html).toContain(`href="${invoice.hosted_invoice_url}"`);
    expect(mail?.html).toContain(`href="${invoice.invoice_pdf}"`);
    expect(mail?.html).toContain('Thanks &lt;for&gt; &quot;everything&quot;');
    // The link works for the buyer, without a key.
    const page = await fetch(invoice.hosted_invoice_url);
    expect(page.status).toBe(200);

    const events = await inv.eventTypes(invoice.invoice_id);
    expect(events.filter((t) => t === 'invoice.sent')).toHaveLength(1);
    const listed = await request(
      server,
      'GET',
      `/v1/events?type=invoice.sent&object_id=${invoice.invoice_id}`,
      {
        key: testKey,
      },
    );
    expect(listed.body.events[0].data.object).toMatchObject({
      invoice_id: invoice.invoice_id,
      sent_at: '2030-01-02T10:00:00.000Z',
      available_actions: ['pay', 'void', 'mark_uncollectible', 'send', 'remind'],
    });

    // A resend is another mail and another event.
    await inv.acted(invoice.invoice_id, 'send');
    expect(await mailsAbout(server, testKey, invoice.invoice_id, 'invoice')).toHaveLength(2);
    expect(
      (await inv.eventTypes(invoice.invoice_id)).filter((t) => t === 'invoice.sent'),
    ).toHaveLength(2);
  });

  it("mails the customer's address when the invoice has none; an uncollectible one can be sent", async () => {
    clock.set('2030-01-01T00:00:00Z');
    const { testKey } = await createTestAccount(server);
    const customer = await request(server, 'POST', '/v1/customers', {
      key: testKey,
      body: { customer: { email: 'grace@customer.example', name: 'Grace' } },
    });
    const { inv, invoice } = await openInvoice(testKey, {
      customer_details: null,
      customer_id: customer.body.customer.customer_id,
    });
    await inv.acted(invoice.invoice_id, 'mark_uncollectible');
    await inv.acted(invoice.invoice_id, 'send');
    const [mail] = await mailsAbout(server, testKey, invoice.invoice_id);
    expect(mail?.to).toBe('grace@customer.example');
  });

  it('refuses a draft (409, naming what it allows), an invoice with no address (422), a paid one', async () => {
    clock.set('2030-01-01T00:00:00Z');
    const { testKey } = await createTestAccount(server);
    const inv = invoiceCalls(server, testKey);
    const draft = await inv.created({ line_items: oneLine(500), customer_details: buyer });
    const refused = await inv.act(draft.invoice_id, 'send');
    expectError(refused, 409, 'conflict', 'invoice_state_invalid');
    expect(refused.body.error.available_actions).toEqual(['update', 'finalize']);

    const { invoice: bare } = await openInvoice(testKey, { customer_details: { name: 'No mail' } });
    const noAddress = await inv.act(bare.invoice_id, 'send');
    expectError(noAddress, 422, 'validation_error', 'invoice_email_missing');
    expect(noAddress.body.error.errors?.[0]?.loc ?? ['customer_details', 'email']).toEqual([
      'customer_details',
      'email',
    ]);
    expect((await inv.get(bare.invoice_id)).sent_at).toBeNull();

    const { invoice: paid } = await openInvoice(testKey);
    expect((await inv.pay(paid.invoice_id)).status).toBe(200);
    expectError(await inv.act(paid.invoice_id, 'send'), 409, 'conflict', 'invoice_state_invalid');
    expectError(await inv.act(paid.invoice_id, 'remind'), 409, 'conflict', 'invoice_state_invalid');

    // Nothing was mailed by a refusal, and another tenant's or mode's invoice is not found.
    expect(await mailsAbout(server, testKey, draft.invoice_id)).toEqual([]);
    expect(await mailsAbout(server, testKey, bare.invoice_id)).toEqual([]);
    const other = await createTestAccount(server);
    expectError(
      await invoiceCalls(server, other.testKey).act(paid.invoice_id, 'send'),
      404,
      'not_found',
      'resource_missing',
    );
    expectError(
      await invoiceCalls(server, liveKeyOf(testKey)).act(paid.invoice_id, 'send'),
      404,
      'not_found',
      'resource_missing',
    );
    expectError(await inv.act(UNKNOWN_INVOICE, 'send'), 404, 'not_found', 'resource_missing');
  });

  it('sends a reminder now (remind): a mail each time, no event, the invoice unchanged', async () => {
    clock.set('2030-01-01T00:00:00Z');
    const { testKey } = await createTestAccount(server);
    const { inv, invoice } = await openInvoice(testKey);
    clock.set('2030-01-12T10:00:00Z');
    const reminded = await inv.acted(invoice.invoice_id, 'remind');
    expect(reminded).toMatchObject({ sent_at: null, updated_at: invoice.updated_at });
    await inv.acted(invoice.invoice_id, 'remind');
    const mails = await mailsAbout(server, testKey, invoice.invoice_id, 'invoice_reminder');
    expect(mails).toHaveLength(2);
    expect(mails[0]?.subject).toBe(`Invoice ${invoice.number} is overdue`);
    expect(mails[0]?.text).toContain('was due on January 10, 2030');
    expect(mails[0]?.dedupe_key).toBeNull();
    expect(await inv.eventTypes(invoice.invoice_id)).toEqual([
      'invoice.created',
      'invoice.finalized',
    ]);
  });
});

describe('a keyed send retried after its answer was lost', () => {
  it('mails once per Idempotency-Key: the mail is keyed by the request', async () => {
    clock.set('2030-01-01T00:00:00Z');
    const { testKey, accountId } = await createTestAccount(server);
    const { invoice } = await openInvoice(testKey);
    const ctx = {
      deps: server.deps,
      tenant: { accountId, mode: 'test' as const },
      actor: SYSTEM_ACTOR,
    };
    const send = (requestKey: string) =>
      sendInvoice(ctx, { id: invoice.invoice_id, baseUrl: server.url, requestKey });
    // The same request run twice (a crash between its commit and its stored answer).
    expect((await send('retry-1')).ok).toBe(true);
    expect((await send('retry-1')).ok).toBe(true);
    expect(await mailsAbout(server, testKey, invoice.invoice_id, 'invoice')).toHaveLength(1);
    // Another request is another send: a resend mails again.
    expect((await send('retry-2')).ok).toBe(true);
    expect(await mailsAbout(server, testKey, invoice.invoice_id, 'invoice')).toHaveLength(2);
  });
});

describe('auto_send: finalizing sends', () => {
  it('mails the invoice on finalize (or approval) and schedules its reminders; no address: not sent', async () => {
    clock.set('2030-01-01T00:00:00Z');
    const { accountId, testKey } = await createTestAccount(server);
    const settings = await setInvoiceSettings(server, testKey, {
      auto_send: true,
      reminders: { on_due_date: true },
    });
    expect(settings.auto_send).toBe(true);
    const { inv, invoice } = await openInvoice(testKey);
    expect(invoice.sent_at).toBe(invoice.status_transitions.finalized_at);
    expect(await inv.eventTypes(invoice.invoice_id)).toEqual([
      'invoice.created',
      'invoice.finalized',
      'invoice.sent',
    ]);
    const [mail] = await mailsAbout(server, testKey, invoice.invoice_id, 'invoice');
    expect(mail?.text).toContain(invoice.invoice_pdf);
    await runJobsUntil(server, clock, { accountId, until: '2030-01-10T09:00:00Z' });
    expect(
      (await mailsAbout(server, testKey, invoice.invoice_id, 'invoice_reminder')).map(
        (m) => m.dedupe_key,
      ),
    ).toEqual([`invoice:${invoice.invoice_id}:reminder:on_due_date`]);

    clock.set('2030-01-01T00:00:00Z');
    const { invoice: bare } = await openInvoice(testKey, { customer_details: null });
    expect(bare).toMatchObject({ status: 'open', sent_at: null });
    expect(await mailsAbout(server, testKey, bare.invoice_id)).toEqual([]);

    const draft = await inv.created({
      line_items: oneLine(100),
      customer_details: buyer,
      requires_approval: true,
    });
    await inv.acted(draft.invoice_id, 'finalize');
    expect(await mailsAbout(server, testKey, draft.invoice_id)).toEqual([]);
    const approved = await inv.acted(draft.invoice_id, 'approve');
    expect(approved).toMatchObject({ status: 'open', sent_at: expect.any(String) });
    expect(await mailsAbout(server, testKey, draft.invoice_id, 'invoice')).toHaveLength(1);
  });
});

describe('live mode', () => {
  it('queues the mail for SMTP instead of keeping it (and the test mailbox is closed to it)', async () => {
    clock.set('2030-01-01T00:00:00Z');
    const { testKey } = await createTestAccount(server);
    const { inv, invoice } = await openInvoice(liveKeyOf(testKey));
    await inv.acted(invoice.invoice_id, 'send');
    const rows = await server.deps.db
      .selectFrom('emails')
      .select(['status', 'mode', 'kind', 'to_address'])
      .where('object_id', '=', invoice.invoice_id)
      .execute();
    expect(rows).toEqual([
      { status: 'queued', mode: 'live', kind: 'invoice', to_address: 'ada@buyer.example' },
    ]);
    const box = await request(
      server,
      'GET',
      `/v1/test_helpers/emails?related_object_id=${invoice.invoice_id}`,
      {
        key: liveKeyOf(testKey),
      },
    );
    expect(box.status).toBe(403);
  });
});

describe('invoice settings: time zone and reminders', () => {
  it('sets them, and answers them on GET', async () => {
    const { testKey } = await createTestAccount(server);
    const before = await request(server, 'GET', '/v1/invoice_settings', { key: testKey });
    expect(before.body.invoice_settings).toMatchObject({
      time_zone: 'UTC',
      reminders: { days_before_due: [], on_due_date: false, days_after_due: [] },
    });
    const set = await setInvoiceSettings(server, testKey, {
      time_zone: 'pacific/auckland',
      reminders: { days_before_due: [3, 1], on_due_date: true },
    });
    expect(set).toMatchObject({
      time_zone: 'Pacific/Auckland',
      reminders: { days_before_due: [3, 1], on_due_date: true, days_after_due: [] },
    });
    // Only what is given changes.
    const again = await setInvoiceSettings(server, testKey, { reminders: { days_after_due: [7] } });
    expect(again.reminders).toEqual({
      days_before_due: [3, 1],
      on_due_date: true,
      days_after_due: [7],
    });
    expect(again.number_prefix).toBe('FLT-');
  });

  it('refuses a bad time zone, negative, duplicate, huge or too many days — and changes nothing', async () => {
    const { testKey } = await createTestAccount(server);
    const set = await setInvoiceSettings(server, testKey, {
      time_zone: 'Europe/Paris',
      reminders: { days_before_due: [2] },
    });
    const attempt = (invoice_settings: unknown) =>
      request(server, 'POST', '/v1/invoice_settings', { key: testKey, body: { invoice_settings } });

    const zone = await attempt({ time_zone: 'Mars/Olympus_Mons' });
    expectError(zone, 422, 'validation_error', 'parameter_invalid');
    expect(zone.body.error.errors[0].loc).toEqual(['invoice_settings', 'time_zone']);
    const refusals: [unknown, number][] = [
      [{ time_zone: '' }, 422],
      [{ time_zone: 'x'.repeat(65) }, 422],
      [{ time_zone: 42 }, 422],
      [{ reminders: { days_before_due: [-1] } }, 422],
      [{ reminders: { days_after_due: [0] } }, 422],
      [{ reminders: { days_after_due: [1.5] } }, 422],
      [{ reminders: { days_after_due: [366] } }, 422],
      [{ reminders: { days_after_due: [1e20] } }, 422],
      [{ reminders: { days_before_due: [3, 3] } }, 422],
      [{ reminders: { days_before_due: [1, 2, 3, 4, 5, 6] } }, 422],
      [{ reminders: { on_due_date: 'yes' } }, 422],
      [{ reminders: null }, 422],
      [{ reminders: { every_day: true } }, 400],
    ];
    for (const [bad, status] of refusals) {
      const res = await attempt(bad);
      expect(res.status, `${JSON.stringify(bad)}: ${res.text}`).toBe(status);
      expect(res.body.error.type).toBe(status === 400 ? 'invalid_request' : 'validation_error');
      expect(res.body.error.errors[0].loc[0]).toBe('invoice_settings');
    }
    const after = await request(server, 'GET', '/v1/invoice_settings', { key: testKey });
    expect(after.body.invoice_settings).toEqual(set);
  });
});
