import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Buyer, GOOD_CARD, hidden } from './checkout-page-client.js';
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
import { pathOf, recoveryCalls } from './recovery-link-fixtures.js';

// Never over-collect: every path into an order pays the same balance under the order's
// lock. Twenty payers race for one balance — on the hosted invoice page, on a recovery
// link's page and through `POST /v1/orders/{id}/pay` — and exactly the balance is captured,
// once; every other payer is told the order is paid or a payment is under way.

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ pageRateLimits: { pages: 1000, payments: 1000 } });
});
afterAll(() => server.close());

/** A page opened by its own buyer: the form's hidden fields, ready to post. */
async function openPage(path: string) {
  const buyer = new Buyer(server);
  const page = await buyer.get(path);
  expect(page.status, page.text).toBe(200);
  const form = {
    csrf_token: hidden(page.text, 'csrf_token'),
    attempt: hidden(page.text, 'attempt'),
  };
  return () => buyer.post(`${path}/pay`, { ...form, ...GOOD_CARD });
}

describe('20 concurrent payers on one balance', () => {
  it('capture exactly the balance once; the others are told it is paid or under way', async () => {
    const { testKey: key } = await createTestAccount(server);
    const order = await createOrder(server, key, { line_items: oneLine(5000) });
    await payOrder(server, key, order.order_id, { amount: 1000 });
    const invoices = invoiceCalls(server, key);
    const draft = await invoices.created({ order_id: order.order_id });
    const invoice = await invoices.acted(draft.invoice_id, 'finalize');
    const link = await recoveryCalls(server, key).created(order.order_id);
    const invoicePath = new URL(invoice.hosted_invoice_url).pathname;
    const pagePayers = await Promise.all([
      ...Array.from({ length: 7 }, () => openPage(invoicePath)),
      ...Array.from({ length: 7 }, () => openPage(pathOf(link))),
    ]);
    const apiPayers = Array.from(
      { length: 6 },
      (_, i) => () =>
        request(server, 'POST', `/v1/orders/${order.order_id}/pay`, {
          key,
          headers: { 'idempotency-key': `race-${i}` },
          body: { payment: { payment_source_token: 'tok_visa' } },
        }),
    );
    const answers = await Promise.all([
      ...pagePayers.map(async (pay) => ({ via: 'page', ...(await pay()) })),
      ...apiPayers.map(async (pay) => ({ via: 'api', ...(await pay()) })),
    ]);
    const won = answers.filter((a) => (a.via === 'page' ? a.status === 303 : a.status === 200));
    expect(won).toHaveLength(1);
    for (const lost of answers.filter((a) => !won.includes(a))) {
      expect(lost.status, lost.text.slice(0, 300)).toBe(409);
      if (lost.via === 'api') {
        expect(['payment_in_progress', 'order_state_invalid']).toContain(
          JSON.parse(lost.text).error.code,
        );
      } else {
        expect(lost.text).toMatch(/already paid|under way/);
        expect(lost.text).toMatch(/nothing was charged/i);
      }
    }
    const after = await invoices.order(order.order_id);
    expect(after.status).toBe('PAID');
    expect(after.net_amounts.paid_money.amount).toBe(5000);
    expect(after.net_amounts.balance_money.amount).toBe(0);
    const succeeded = after.payments.filter((p: any) => p.status === 'succeeded');
    expect(succeeded.map((p: any) => p.amount_money.amount).sort()).toEqual([1000, 4000]);
    expect(after.payments.filter((p: any) => p.status !== 'failed')).toHaveLength(2);
    expect((await invoices.get(invoice.invoice_id)).status).toBe('paid');
    expect((await recoveryCalls(server, key).get(link.recovery_link_id)).status).toBe('completed');
  });
});
