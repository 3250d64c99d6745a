import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Buyer, GOOD_CARD, hidden, type PageResponse } from './checkout-page-client.js';
import { createTestAccount, request, startTestServer, type TestServer } from './harness.js';
import { invoiceCalls, usd } from './invoice-fixtures.js';

// The hosted invoice page (`hosted_invoice_url`): what the buyer sees in each state, and
// paying it with checkout's card form — whole, in part, once.

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const XSS = '<script>alert(1)</script>';

async function account() {
  const { testKey } = await createTestAccount(server, `Acme ${XSS}`);
  return { key: testKey, inv: invoiceCalls(server, testKey) };
}

type Calls = Awaited<ReturnType<typeof account>>['inv'];

/** A finalized invoice of 25.00 USD (a 20.00 line and a 5.00 line). */
async function openInvoice(inv: Calls, fields: Record<string, unknown> = {}) {
  const draft = await inv.created({
    line_items: [
      { name: 'Consulting', quantity: 2, unit_price_money: { amount: 1000 } },
      { name: `Travel ${XSS}`, quantity: 1, unit_price_money: { amount: 500 } },
    ],
    currency: 'usd',
    memo: `Memo ${XSS}`,
    footer: `Footer ${XSS}`,
    seller_details: { name: 'Seller GmbH', tax_ids: [{ type: 'eu_vat', value: 'DE123' }] },
    customer_details: { name: `Buyer ${XSS}`, email: 'ap@buyer.example' },
    ...fields,
  });
  expect(draft.hosted_invoice_url).toBeNull();
  const open = await inv.acted(draft.invoice_id, 'finalize');
  const url = new URL(open.hosted_invoice_url);
  return { id: open.invoice_id as string, path: url.pathname, invoice: open, draft };
}

/** Opens the page and pays with `fields` (the test card unless overridden). */
async function pay(buyer: Buyer, path: string, fields: Record<string, string> = {}) {
  const page = await buyer.get(path);
  expect(page.status, page.text).toBe(200);
  return buyer.post(`${path}/pay`, {
    csrf_token: hidden(page.text, 'csrf_token'),
    attempt: hidden(page.text, 'attempt'),
    ...GOOD_CARD,
    ...fields,
  });
}

function expectPage(res: PageResponse, status: number) {
  expect(res.status, res.text).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^text\/html/);
  expect(res.headers.get('cache-control')).toBe('no-store');
  expect(res.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);
  expect(res.text).not.toContain(XSS);
}

describe('hosted invoice page: what the buyer sees', () => {
  it('gives a finalized invoice an unguessable URL; a draft, an unknown token: 404', async () => {
    const { inv } = await account();
    const { path, draft, invoice } = await openInvoice(inv);
    expect(invoice.hosted_invoice_url).toBe(`${server.url}${path}`);
    expect(path).toMatch(/^\/invoice\/[A-Za-z0-9_-]{32}$/);
    const second = await openInvoice(inv);
    expect(second.path).not.toBe(path);

    const buyer = new Buyer(server);
    const other = await inv.created({
      line_items: [{ name: 'X', quantity: 1, unit_price_money: { amount: 100 } }],
      currency: 'usd',
    });
    expect(other.hosted_invoice_url).toBeNull();
    // A draft has a token already, but no page until it is finalized.
    const row = await server.deps.db
      .selectFrom('invoices')
      .select('hosted_token')
      .where('id', '=', other.invoice_id)
      .executeTakeFirstOrThrow();
    for (const bad of [
      `/invoice/${'A'.repeat(32)}`,
      '/invoice/nope',
      `/invoice/${draft.invoice_id}`,
      `/invoice/${row.hosted_token}`,
    ]) {
      const res = await buyer.get(bad);
      expectPage(res, 404);
      expect(res.text).toContain('Invoice not found');
    }
  });

  it('builds the URL on FLINT_PUBLIC_URL when set: the API and every event alike', async () => {
    const publicUrl = 'https://pay.example.com';
    const configured = await startTestServer({ deps: { ...server.deps, publicUrl } });
    try {
      const { testKey: key } = await createTestAccount(configured);
      const inv = invoiceCalls(configured, key);
      const { id, path, invoice } = await openInvoice(inv);
      expect(invoice.hosted_invoice_url).toBe(`${publicUrl}${path}`);
      const events = await request(configured, 'GET', `/v1/events?object_id=${id}`, { key });
      const byType = new Map(
        events.body.events.map((e: { type: string; data: { object: unknown } }) => [
          e.type,
          e.data.object,
        ]),
      );
      expect(byType.get('invoice.finalized')).toEqual(invoice);
      expect(byType.get('invoice.created')).toMatchObject({ hosted_invoice_url: null });
    } finally {
      await configured.close();
    }
  });

  it('shows an open invoice: parties, lines, totals, due date, memo, footer — escaped', async () => {
    const { inv } = await account();
    const { path } = await openInvoice(inv);
    const res = await new Buyer(server).get(path);
    expectPage(res, 200);
    const nonce = /script-src 'nonce-([^']+)'/.exec(
      res.headers.get('content-security-policy') ?? '',
    )?.[1];
    expect(nonce).toBeTruthy();
    expect(res.text).toContain(`<script nonce="${nonce}">`);
    for (const text of [
      'Invoice FLT-000001',
      'Seller GmbH',
      'EU VAT: DE123',
      'Buyer &lt;script&gt;alert(1)&lt;/script&gt;',
      'ap@buyer.example',
      'Travel &lt;script&gt;',
      'Memo &lt;script&gt;',
      'Footer &lt;script&gt;',
      '$25.00 due by',
      'id="amount-remaining">$25.00',
      `href="${path}/pdf">Download PDF`,
      `action="${path}/pay"`,
      'value="ap@buyer.example"',
    ]) {
      expect(res.text).toContain(text);
    }
    expect(res.text).not.toContain('name="amount"');
  });

  it("serves the PDF at invoice_pdf without a key: the API's bytes; none for a draft", async () => {
    const { key, inv } = await account();
    const { id, path, invoice, draft } = await openInvoice(inv);
    expect(draft.invoice_pdf).toBeNull();
    expect(invoice.invoice_pdf).toBe(`${server.url}${path}/pdf`);
    const fetched = await fetch(invoice.invoice_pdf);
    expect(fetched.status).toBe(200);
    expect(fetched.headers.get('content-type')).toBe('application/pdf');
    expect(fetched.headers.get('content-disposition')).toBe('inline; filename="FLT-000001.pdf"');
    const bytes = Buffer.from(await fetched.arrayBuffer());
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const api = await fetch(`${server.url}/v1/invoices/${id}/pdf`, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(Buffer.from(await api.arrayBuffer()).equals(bytes)).toBe(true);
    // A draft's token shows nothing yet, its PDF neither.
    const other = await inv.created({
      line_items: [{ name: 'X', quantity: 1, unit_price_money: { amount: 100 } }],
      currency: 'usd',
    });
    const otherRow = await server.deps.db
      .selectFrom('invoices')
      .select('hosted_token')
      .where('id', '=', other.invoice_id)
      .executeTakeFirstOrThrow();
    for (const bad of [`/invoice/${otherRow.hosted_token}/pdf`, '/invoice/nope/pdf']) {
      const res = await fetch(`${server.url}${bad}`);
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    }
  });

  it('says a void invoice is void and takes nothing', async () => {
    const { inv } = await account();
    const { id, path } = await openInvoice(inv);
    const buyer = new Buyer(server);
    const before = await buyer.get(path);
    await inv.acted(id, 'void');
    const res = await buyer.get(path);
    expectPage(res, 200);
    expect(res.text).toContain('This invoice is void');
    expect(res.text).not.toContain('id="pay-form"');
    const posted = await buyer.post(`${path}/pay`, {
      csrf_token: hidden(before.text, 'csrf_token'),
      attempt: hidden(before.text, 'attempt'),
      ...GOOD_CARD,
    });
    expectPage(posted, 409);
    expect(posted.text).toContain('voided: nothing was charged');
    expect((await inv.get(id)).amount_paid).toEqual(usd(0));
  });

  it('lets an uncollectible invoice still be paid', async () => {
    const { inv } = await account();
    const { id, path } = await openInvoice(inv);
    await inv.acted(id, 'mark_uncollectible');
    const paid = await pay(new Buyer(server), path);
    expect(paid.status, paid.text).toBe(303);
    expect((await inv.get(id)).status).toBe('paid');
  });
});

describe('hosted invoice page: paying', () => {
  it('pays the remaining amount with the test card, then shows the receipt', async () => {
    const { inv } = await account();
    const { id, path } = await openInvoice(inv);
    const buyer = new Buyer(server);
    const paid = await pay(buyer, path);
    expect(paid.status, paid.text).toBe(303);
    expect(paid.location).toBe(path);
    const receipt = await buyer.get(path);
    expectPage(receipt, 200);
    expect(receipt.text).toContain('id="receipt"');
    expect(receipt.text).toContain('Paid $25.00 on');
    expect(receipt.text).toContain('Visa •••• 4242');
    expect(receipt.text).not.toContain('id="pay-form"');
    const invoice = await inv.get(id);
    expect(invoice).toMatchObject({ status: 'paid', amount_paid: usd(2500) });
    expect(invoice.amount_remaining).toEqual(usd(0));
  });

  it('refuses a form without its CSRF token, or from another browser: nothing charged', async () => {
    const { inv } = await account();
    const { id, path } = await openInvoice(inv);
    const buyer = new Buyer(server);
    const page = await buyer.get(path);
    const attempt = hidden(page.text, 'attempt');
    const missing = await buyer.post(`${path}/pay`, { attempt, ...GOOD_CARD });
    expectPage(missing, 403);
    const stranger = new Buyer(server);
    await stranger.get(path);
    const forged = await stranger.post(`${path}/pay`, {
      csrf_token: hidden(page.text, 'csrf_token'),
      attempt,
      ...GOOD_CARD,
    });
    expectPage(forged, 403);
    const invoice = await inv.get(id);
    expect(invoice).toMatchObject({ status: 'open', amount_paid: usd(0) });
    expect((await inv.order(invoice.order_id)).payments).toEqual([]);
  });

  it('takes a part when allowed, bounded by 1..remaining in exact minor units', async () => {
    const { inv } = await account();
    const { id, path } = await openInvoice(inv, { allow_partial_payments: true });
    const buyer = new Buyer(server);
    const page = await buyer.get(path);
    expect(page.text).toContain('name="amount"');
    expect(page.text).toContain('value="25.00"');
    for (const bad of ['0', '0.00', '25.01', '0.001', '-1', '1e1', 'ten', '', '2,5']) {
      const res = await pay(buyer, path, { amount: bad });
      expectPage(res, 422);
      expect(res.text, bad).toMatch(/Enter (an|the) amount|Too many decimals/);
    }
    expect((await inv.get(id)).amount_paid).toEqual(usd(0));

    const part = await pay(buyer, path, { amount: '10.10' });
    expectPage(part, 200);
    expect(part.text).toContain('your payment was received. $14.90 remains');
    expect(await inv.get(id)).toMatchObject({
      status: 'open',
      amount_paid: usd(1010),
      amount_remaining: usd(1490),
    });
    const rest = await pay(buyer, path, { amount: '14.9' });
    expect(rest.status, rest.text).toBe(303);
    expect(await inv.get(id)).toMatchObject({ status: 'paid', amount_paid: usd(2500) });
  });

  it('pays what remains, whatever amount the form says, when partial payments are not allowed', async () => {
    const { inv } = await account();
    const { id, path } = await openInvoice(inv);
    const paid = await pay(new Buyer(server), path, { amount: '1.00' });
    expect(paid.status, paid.text).toBe(303);
    expect(await inv.get(id)).toMatchObject({ status: 'paid', amount_paid: usd(2500) });
  });

  it('never over-collects: a second payer is told it is already paid', async () => {
    const { inv } = await account();
    const { id, path } = await openInvoice(inv);
    const first = new Buyer(server);
    const second = new Buyer(server);
    const [a, b] = await Promise.all([first.get(path), second.get(path)]);
    const form = (page: PageResponse) => ({
      csrf_token: hidden(page.text, 'csrf_token'),
      attempt: hidden(page.text, 'attempt'),
      ...GOOD_CARD,
    });
    expect((await first.post(`${path}/pay`, form(a))).status).toBe(303);
    const late = await second.post(`${path}/pay`, form(b));
    expectPage(late, 409);
    expect(late.text).toContain('already paid: nothing was charged');
    expect(late.text).toContain('id="receipt"');

    // Racing: several payers at once for the same balance of another invoice.
    const race = await openInvoice(inv);
    const payers = Array.from({ length: 5 }, () => new Buyer(server));
    const pages = await Promise.all(payers.map((p) => p.get(race.path)));
    const answers = await Promise.all(
      payers.map((p, i) => p.post(`${race.path}/pay`, form(pages[i] as PageResponse))),
    );
    expect(answers.filter((r) => r.status === 303)).toHaveLength(1);
    for (const r of answers.filter((x) => x.status !== 303)) {
      expect(r.status).toBe(409);
      expect(r.text).toMatch(/already paid|under way/);
    }
    for (const invoiceId of [id, race.id]) {
      const invoice = await inv.get(invoiceId);
      expect(invoice).toMatchObject({ status: 'paid', amount_paid: usd(2500) });
      const order = await inv.order(invoice.order_id);
      const succeeded = order.payments.filter((p: { status: string }) => p.status === 'succeeded');
      expect(succeeded).toHaveLength(1);
    }
  });

  it('declines a declined card with its reason, charging nothing', async () => {
    const { inv } = await account();
    const { id, path } = await openInvoice(inv);
    const res = await pay(new Buyer(server), path, { card_number: '4000 0000 0000 0002' });
    expectPage(res, 402);
    expect(res.text).toContain('Your card was declined');
    expect(await inv.get(id)).toMatchObject({ status: 'open', amount_paid: usd(0) });
  });

  it('runs the 3-D Secure step as checkout does, then shows the receipt', async () => {
    const { inv } = await account();
    const { id, path } = await openInvoice(inv);
    const buyer = new Buyer(server);
    const asked = await pay(buyer, path, { card_number: '4000 0025 0000 3155' });
    expect(asked.status, asked.text).toBe(303);
    const step = await buyer.get(path);
    expectPage(step, 200);
    expect(step.text).toContain('Confirm your payment');
    expect(step.text).toContain(`action="${path}/authenticate"`);
    const csrf = hidden(step.text, 'csrf_token');
    const bogus = await buyer.post(`${path}/authenticate`, { csrf_token: csrf, result: 'maybe' });
    expectPage(bogus, 403);
    const done = await buyer.post(`${path}/authenticate`, { csrf_token: csrf, result: 'succeed' });
    expect(done.status, done.text).toBe(303);
    const receipt = await buyer.get(path);
    expect(receipt.text).toContain('id="receipt"');
    expect(await inv.get(id)).toMatchObject({ status: 'paid', amount_paid: usd(2500) });
  });

  it('does not complete a waiting 3-D Secure payment once the invoice is voided', async () => {
    const { inv } = await account();
    const { id, path, invoice } = await openInvoice(inv);
    const buyer = new Buyer(server);
    const asked = await pay(buyer, path, { card_number: '4000 0025 0000 3155' });
    expect(asked.status, asked.text).toBe(303);
    const step = await buyer.get(path);
    const csrf = hidden(step.text, 'csrf_token');
    await inv.acted(id, 'void');
    const late = await buyer.post(`${path}/authenticate`, { csrf_token: csrf, result: 'succeed' });
    expect(late.status).toBeLessThan(500);
    expect(late.text).not.toContain('id="receipt"');
    expect(await inv.get(id)).toMatchObject({ status: 'void', amount_paid: usd(0) });
    const order = await inv.order(invoice.order_id);
    expect(order.payments.map((p: { status: string }) => p.status)).toEqual(['requires_action']);
  });
});

describe('hosted invoice page: rate limits, as checkout’s', () => {
  it('limits views and payment attempts per address: a clear 429 page, nothing charged', async () => {
    const limited = await startTestServer({ pageRateLimits: { pages: 3, payments: 2 } });
    try {
      const { testKey: key } = await createTestAccount(limited);
      const inv = invoiceCalls(limited, key);
      const { id, path } = await openInvoice(inv);
      const buyer = new Buyer(limited);
      const page = await buyer.get(path);
      const form = {
        csrf_token: hidden(page.text, 'csrf_token'),
        attempt: hidden(page.text, 'attempt'),
        ...GOOD_CARD,
        card_number: '4000 0000 0000 0002',
      };
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) statuses.push((await buyer.post(`${path}/pay`, form)).status);
      expect(statuses).toEqual([402, 402, 429]);
      await buyer.get(path);
      await buyer.get(path);
      const tooMany = await buyer.get(path);
      expectPage(tooMany, 429);
      expect(tooMany.text).toContain('Too many attempts');
      const invoice = await inv.get(id);
      expect((await inv.order(invoice.order_id)).payments).toHaveLength(1);
    } finally {
      await limited.close();
    }
  });
});
