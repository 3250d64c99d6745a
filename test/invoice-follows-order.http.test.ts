import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError } from './catalog-fixtures.js';
import { Buyer, createSession } from './checkout-page-client.js';
import {
  createTestAccount,
  oneLine,
  request,
  startTestServer,
  type TestServer,
} from './harness.js';
import { invoiceCalls, usd } from './invoice-fixtures.js';

// An invoice follows its order however the order is paid: `/v1/orders/{id}/pay`, a
// checkout session, the invoice's own `/pay`. Its events are recorded once.

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
  return { key, inv, id: draft.invoice_id as string, orderId: open.order_id as string };
}

function payOrder(
  key: string,
  orderId: string,
  payment: Record<string, unknown> = {},
  headers: Record<string, string> = {},
) {
  return request(server, 'POST', `/v1/orders/${orderId}/pay`, {
    key,
    body: { payment: { payment_source_token: 'tok_visa', ...payment } },
    headers,
  });
}

const PAID_EVENTS = [
  'invoice.created',
  'invoice.finalized',
  'invoice.payment_succeeded',
  'invoice.paid',
];

describe('an invoice follows its order', () => {
  it('paying the order through /v1/orders/{id}/pay pays the invoice: its events once', async () => {
    const { key, inv, id, orderId } = await openInvoice();
    const headers = { 'idempotency-key': `follow-${id}` };
    const paid = await payOrder(key, orderId, {}, headers);
    expect(paid.status, paid.text).toBe(200);
    expect(paid.body.order.status).toBe('PAID');
    const again = await payOrder(key, orderId, {}, headers);
    expect(again.text).toBe(paid.text);
    const invoice = await inv.get(id);
    expect(invoice).toMatchObject({
      status: 'paid',
      amount_paid: usd(5000),
      amount_remaining: usd(0),
      available_actions: [],
    });
    expect(invoice.status_transitions.paid_at).not.toBeNull();
    expect(await inv.eventTypes(id)).toEqual(PAID_EVENTS);
    // The event carries the invoice as the API returns it; its hosted_invoice_url is built
    // on FLINT_PUBLIC_URL only (an event never depends on a request), unset on this server.
    const events = await request(server, 'GET', `/v1/events?object_id=${id}&limit=100`, { key });
    const paidEvent = events.body.events.find((e: { type: string }) => e.type === 'invoice.paid');
    expect(paidEvent.data.object).toEqual({
      ...invoice,
      hosted_invoice_url: null,
      invoice_pdf: null,
    });
    // Paid already: neither the order nor the invoice takes another payment.
    expect((await payOrder(key, orderId)).status).toBe(409);
    expectError(await inv.pay(id), 409, 'conflict', 'invoice_state_invalid');
    expect((await inv.order(orderId)).payments).toHaveLength(1);
  });

  it('an uncollectible invoice is paid too when its order is', async () => {
    const { key, inv, id, orderId } = await openInvoice();
    expect((await inv.acted(id, 'mark_uncollectible')).status).toBe('uncollectible');
    expect((await payOrder(key, orderId)).status).toBe(200);
    expect((await inv.get(id)).status).toBe('paid');
    const types = await inv.eventTypes(id);
    expect(types.filter((t) => t === 'invoice.paid')).toHaveLength(1);
    expect(types.filter((t) => t === 'invoice.payment_succeeded')).toHaveLength(1);
  });

  it('a part of an invoice allowing partials records payment_succeeded only', async () => {
    const { key, inv, id, orderId } = await openInvoice({ allow_partial_payments: true });
    const part = await payOrder(key, orderId, { amount: 2000 });
    expect(part.status, part.text).toBe(200);
    expect(await inv.get(id)).toMatchObject({
      status: 'open',
      amount_paid: usd(2000),
      amount_remaining: usd(3000),
    });
    expect(await inv.eventTypes(id)).toEqual([
      'invoice.created',
      'invoice.finalized',
      'invoice.payment_succeeded',
    ]);
    expect((await payOrder(key, orderId)).status).toBe(200);
    expect((await inv.get(id)).status).toBe('paid');
    expect(await inv.eventTypes(id)).toEqual([...PAID_EVENTS.slice(0, 3), ...PAID_EVENTS.slice(2)]);
  });

  it('a declined payment of the order leaves the invoice open and records payment_failed', async () => {
    const { key, inv, id, orderId } = await openInvoice();
    const declined = await payOrder(key, orderId, { payment_source_token: 'tok_chargeDeclined' });
    expect(declined.status, declined.text).toBe(402);
    expect(await inv.get(id)).toMatchObject({ status: 'open', amount_remaining: usd(5000) });
    expect(await inv.eventTypes(id)).toEqual([
      'invoice.created',
      'invoice.finalized',
      'invoice.payment_failed',
    ]);
  });

  it('paying the invoice itself still records its events once', async () => {
    const { inv, id } = await openInvoice();
    expect((await inv.pay(id)).status).toBe(200);
    expect(await inv.eventTypes(id)).toEqual(PAID_EVENTS);
  });

  it('paying the order through a checkout session pays the invoice', async () => {
    const { key, inv, id, orderId } = await openInvoice();
    const cs = await createSession(server, key, { order_id: orderId, line_items: undefined });
    const done = await new Buyer(server).pay(cs.checkout_session_id);
    expect(done.status, done.text).toBe(303);
    expect((await inv.order(orderId)).status).toBe('PAID');
    expect((await inv.get(id)).status).toBe('paid');
    expect(await inv.eventTypes(id)).toEqual(PAID_EVENTS);
  });

  it('an order without an invoice is paid as before', async () => {
    const { testKey: key } = await createTestAccount(server);
    const order = await request(server, 'POST', '/v1/orders', {
      key,
      body: { order: { line_items: oneLine(4000) } },
    });
    expect(order.status, order.text).toBe(200);
    const orderId = order.body.order.order_id as string;
    const paid = await payOrder(key, orderId);
    expect(paid.status, paid.text).toBe(200);
    expect(paid.body.order.status).toBe('PAID');
    const events = await request(server, 'GET', '/v1/events?limit=100', { key });
    const types = events.body.events.map((e: { type: string }) => e.type);
    expect(types.some((t: string) => t.startsWith('invoice.'))).toBe(false);
  });
});
