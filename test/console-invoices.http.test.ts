import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hidden } from './checkout-page-client.js';
import { signedInConsoleUser } from './console-fixtures.js';
import {
  createOrder,
  createTestAccount,
  oneLine,
  payOrder,
  request,
  startTestServer,
  type TestServer,
} from './harness.js';
import { invoiceCalls } from './invoice-fixtures.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

describe('console: invoices', () => {
  it('lists invoices and acts on one with its forms (CSRF-checked)', async () => {
    const { testKey } = await createTestAccount(server);
    const inv = invoiceCalls(server, testKey);
    const draft = await inv.created({ line_items: oneLine(1234), requires_approval: true });
    const { browser } = await signedInConsoleUser(server, testKey);

    const list = await browser.get('/console/invoices?mode=test');
    expect(list.status).toBe(200);
    expect(list.text).toContain(draft.invoice_id);
    expect(list.text).toContain('Draft');

    const path = `/console/invoices/${draft.invoice_id}`;
    const page = await browser.get(`${path}?mode=test`);
    expect(page.status).toBe(200);
    expect(page.text).toContain(`action="${path}/finalize?mode=test"`);
    const forged = await browser.post(`${path}/finalize?mode=test`, { csrf_token: 'nope' });
    expect(forged.status).toBe(403);
    expect((await inv.get(draft.invoice_id)).status).toBe('draft');

    const csrf = hidden(page.text, 'csrf_token');
    const finalized = await browser.post(`${path}/finalize?mode=test`, { csrf_token: csrf });
    expect(finalized.status).toBe(303);
    expect((await inv.get(draft.invoice_id)).status).toBe('awaiting_approval');
    const rejected = await browser.post(`${path}/reject?mode=test`, {
      csrf_token: csrf,
      reason: 'Wrong <b>address</b>',
    });
    expect(rejected.status).toBe(303);
    const shown = await browser.get(`${path}?mode=test`);
    expect(shown.text).toContain('Wrong &lt;b&gt;address&lt;/b&gt;');
    const voided = await browser.post(`${path}/void?mode=test`, { csrf_token: csrf });
    expect(voided.status).toBe(409);
    expect((await inv.get(draft.invoice_id)).status).toBe('draft');
    expect(
      (await browser.get('/console/invoices/inv_01m84sgeyjf21ada62ac1e65xf?mode=test')).status,
    ).toBe(404);
  });

  it("invoices an order's balance from its sale page in two clicks: create, finalize", async () => {
    const { testKey } = await createTestAccount(server);
    const inv = invoiceCalls(server, testKey);
    const order = await createOrder(server, testKey, { line_items: oneLine(5000) });
    await payOrder(server, testKey, order.order_id, { amount: 1500 });
    const { browser } = await signedInConsoleUser(server, testKey);
    const sale = `/console/orders/${order.order_id}`;
    const page = await browser.get(`${sale}?mode=test`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Invoice the balance ($35.00)');
    const csrf = hidden(page.text, 'csrf_token');

    const forged = await browser.post(`${sale}/invoice?mode=test`, { csrf_token: 'nope' });
    expect(forged.status).toBe(403);
    const created = await browser.post(`${sale}/invoice?mode=test`, { csrf_token: csrf });
    expect(created.status).toBe(303);
    const location = created.headers.get('location') ?? '';
    const id = /\/console\/invoices\/(inv_[a-z0-9]+)\?mode=test$/.exec(location)?.[1];
    expect(id, location).toBeTruthy();
    const draft = await inv.get(id as string);
    expect(draft).toMatchObject({ status: 'draft', order_id: order.order_id });
    expect(draft.amount_remaining.amount).toBe(3500);

    // Second click: finalize on the invoice's page.
    const invoicePage = await browser.get(location);
    const finalized = await browser.post(`/console/invoices/${id}/finalize?mode=test`, {
      csrf_token: hidden(invoicePage.text, 'csrf_token'),
    });
    expect(finalized.status).toBe(303);
    expect((await inv.get(id as string)).status).toBe('open');

    // The sale page lists it and offers no second invoice; posting again changes nothing.
    const after = await browser.get(`${sale}?mode=test`);
    expect(after.text).toContain(`/console/invoices/${id}?mode=test`);
    expect(after.text).not.toContain('id="create-invoice"');
    const again = await browser.post(`${sale}/invoice?mode=test`, { csrf_token: csrf });
    expect(again.status).toBe(409);
    expect(again.text).toContain('already has an invoice');
    const listed = await request(server, 'GET', `/v1/invoices?order_id=${order.order_id}`, {
      key: testKey,
    });
    expect(listed.body.invoices.map((i: { invoice_id: string }) => i.invoice_id)).toEqual([id]);

    // Another account's order, and a viewer: nothing is made.
    const other = await createTestAccount(server);
    const foreign = await createOrder(server, other.testKey);
    const missing = await browser.post(`/console/orders/${foreign.order_id}/invoice?mode=test`, {
      csrf_token: csrf,
    });
    expect(missing.status).toBe(404);
    const viewer = await signedInConsoleUser(server, testKey, { role: 'viewer' });
    const seen = await viewer.browser.get(`${sale}?mode=test`);
    expect(seen.text).not.toContain('id="create-invoice"');
    const refused = await viewer.browser.post(`${sale}/invoice?mode=test`, {
      csrf_token: hidden(seen.text, 'csrf_token'),
    });
    expect(refused.status).toBe(403);
  });
});

describe('console: mailing an invoice', () => {
  it('sends it and a reminder from its page (CSRF-checked), and links its PDF', async () => {
    const { testKey } = await createTestAccount(server);
    const inv = invoiceCalls(server, testKey);
    const draft = await inv.created({
      line_items: oneLine(2500),
      customer_details: { email: 'buyer@console.example' },
    });
    const invoice = await inv.acted(draft.invoice_id, 'finalize');
    const { browser } = await signedInConsoleUser(server, testKey);
    const path = `/console/invoices/${invoice.invoice_id}`;
    const page = await browser.get(`${path}?mode=test`);
    expect(page.text).toContain(`action="${path}/send?mode=test"`);
    expect(page.text).toContain(`action="${path}/remind?mode=test"`);
    expect(page.text).toContain(`id="invoice-pdf" href="${invoice.invoice_pdf}"`);
    expect((await fetch(invoice.invoice_pdf)).headers.get('content-type')).toBe('application/pdf');
    expect(page.text).toContain('Not yet');

    const mails = async (kind: string) => {
      const res = await request(
        server,
        'GET',
        `/v1/test_helpers/emails?related_object_id=${invoice.invoice_id}&kind=${kind}`,
        { key: testKey },
      );
      return res.body.emails;
    };
    expect((await browser.post(`${path}/send?mode=test`, { csrf_token: 'forged' })).status).toBe(
      403,
    );
    expect(await mails('invoice')).toEqual([]);
    const csrf = hidden(page.text, 'csrf_token');
    expect((await browser.post(`${path}/send?mode=test`, { csrf_token: csrf })).status).toBe(303);
    expect((await browser.post(`${path}/remind?mode=test`, { csrf_token: csrf })).status).toBe(303);
    expect(await mails('invoice')).toHaveLength(1);
    expect(await mails('invoice_reminder')).toHaveLength(1);
    expect((await inv.get(invoice.invoice_id)).sent_at).not.toBeNull();
    expect((await browser.get(`${path}?mode=test`)).text).not.toContain('Not yet');
  });
});
