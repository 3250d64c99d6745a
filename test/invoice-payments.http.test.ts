import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { create, expectError } from './catalog-fixtures.js';
import {
  createTestAccount,
  oneLine,
  request,
  startTestServer,
  type TestServer,
} from './harness.js';
import { invoiceCalls, usd } from './invoice-fixtures.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

async function openInvoice(fields: Record<string, unknown> = {}, amount = 5000) {
  const { testKey: key } = await createTestAccount(server);
  const inv = invoiceCalls(server, key);
  const draft = await inv.created({ line_items: oneLine(amount), ...fields });
  const open = await inv.acted(draft.invoice_id, 'finalize');
  return { key, inv, invoice: open, id: draft.invoice_id as string };
}

describe('paying an invoice', () => {
  it('pays the remaining amount through the order: the invoice and the order are paid', async () => {
    const { inv, id, invoice } = await openInvoice();
    const paid = await inv.pay(id);
    expect(paid.status, paid.text).toBe(200);
    expect(paid.body.invoice).toMatchObject({
      status: 'paid',
      amount_paid: usd(5000),
      amount_remaining: usd(0),
      available_actions: [],
    });
    expect(paid.body.invoice.status_transitions.paid_at).not.toBeNull();
    expect(paid.body.payment_intent).toMatchObject({
      status: 'succeeded',
      amount: 5000,
    });
    expect((await inv.order(invoice.order_id)).status).toBe('PAID');
    expect(await inv.eventTypes(id)).toEqual([
      'invoice.created',
      'invoice.finalized',
      'invoice.payment_succeeded',
      'invoice.paid',
    ]);
    expectError(await inv.pay(id), 409, 'conflict', 'invoice_state_invalid');
  });

  it('takes a part only when partial payments are allowed', async () => {
    const strict = await openInvoice();
    expectError(
      await strict.inv.pay(strict.id, { amount: 1000 }),
      422,
      'validation_error',
      'amount_invalid',
    );
    expect((await strict.inv.get(strict.id)).amount_paid).toEqual(usd(0));

    const { inv, id } = await openInvoice({ allow_partial_payments: true });
    const part = await inv.pay(id, { amount: 2000 });
    expect(part.status, part.text).toBe(200);
    expect(part.body.invoice).toMatchObject({
      status: 'open',
      amount_paid: usd(2000),
      amount_remaining: usd(3000),
    });
    expectError(await inv.pay(id, { amount: 3001 }), 422, 'validation_error', 'amount_invalid');
    const rest = await inv.pay(id);
    expect(rest.body.invoice).toMatchObject({ status: 'paid', amount_remaining: usd(0) });
  });

  it('answers a decline with 402 and records invoice.payment_failed; the invoice stays open', async () => {
    const { inv, id } = await openInvoice();
    const declined = await inv.pay(id, { payment_source_token: 'tok_chargeDeclined' });
    expect(declined.status, declined.text).toBe(402);
    expect(declined.body.error.invoice_id).toBe(id);
    expect(await inv.get(id)).toMatchObject({ status: 'open', amount_remaining: usd(5000) });
    expect(await inv.eventTypes(id)).toContain('invoice.payment_failed');
  });

  it('replays a retried payment with the same Idempotency-Key: one charge', async () => {
    const { key, inv, id } = await openInvoice();
    const headers = { 'idempotency-key': `inv-pay-${id}` };
    const body = { payment: { payment_source_token: 'tok_visa' } };
    const path = `/v1/invoices/${id}/pay`;
    const first = await request(server, 'POST', path, { key, body, headers });
    const again = await request(server, 'POST', path, { key, body, headers });
    expect(first.status, first.text).toBe(200);
    expect(again.text).toBe(first.text);
    const order = await inv.order(first.body.invoice.order_id);
    expect(order.payments).toHaveLength(1);
  });

  it('shows refunds apart: amount_refunded rises, amount_remaining does not', async () => {
    const { key, inv, id } = await openInvoice();
    await inv.pay(id);
    const invoice = await inv.get(id);
    const refund = await request(server, 'POST', '/v1/refunds', {
      key,
      body: { refund: { order_id: invoice.order_id, amount: 1500 } },
    });
    expect(refund.status, refund.text).toBe(200);
    expect(await inv.get(id)).toMatchObject({
      status: 'paid',
      amount_paid: usd(5000),
      amount_refunded: usd(1500),
      amount_remaining: usd(0),
    });
  });

  it('is paid at finalize when nothing is due (a 100 % coupon), with no processor call', async () => {
    const { testKey: key } = await createTestAccount(server);
    const inv = invoiceCalls(server, key);
    const coupon = await create(server, key, 'coupons', 'coupon', {
      code: `FREE${Date.now()}`,
      percent_off: '100',
    });
    const draft = await inv.created({ line_items: oneLine(4200), coupon_codes: [coupon.code] });
    expect(draft.amount_due).toEqual(usd(0));
    const paid = await inv.acted(draft.invoice_id, 'finalize');
    expect(paid).toMatchObject({ status: 'paid', amount_remaining: usd(0) });
    expect(paid.number).toMatch(/^FLT-\d{6}$/);
    expect((await inv.order(draft.order_id)).payments).toEqual([]);
    expect(await inv.eventTypes(draft.invoice_id)).toEqual([
      'invoice.created',
      'invoice.finalized',
      'invoice.paid',
    ]);
  });
});
