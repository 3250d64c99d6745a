import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hidden } from './checkout-page-client.js';
import { signedInConsoleUser } from './console-fixtures.js';
import {
  createTestAccount,
  oneLine,
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
