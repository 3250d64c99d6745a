import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError, expectMissing } from './catalog-fixtures.js';
import {
  createOrder,
  createTestAccount,
  oneLine,
  payOrder,
  startTestServer,
  type TestServer,
} from './harness.js';
import { invoiceCalls, UNKNOWN_INVOICE, usd } from './invoice-fixtures.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

async function account() {
  const { testKey, liveKey } = await createTestAccount(server);
  return { key: testKey, liveKey, inv: invoiceCalls(server, testKey) };
}

describe('invoices: create, read, list', () => {
  it('makes a draft for an order’s balance, with the order’s amounts', async () => {
    const { key, inv } = await account();
    const order = await createOrder(server, key, { line_items: oneLine(2500) });
    const draft = await inv.created({ order_id: order.order_id, memo: 'Thanks!' });
    expect(draft).toMatchObject({
      object: 'invoice',
      status: 'draft',
      number: null,
      order_id: order.order_id,
      currency: 'USD',
      amount_due: usd(2500),
      amount_paid: usd(0),
      amount_remaining: usd(2500),
      amount_refunded: usd(0),
      collection_method: 'send_invoice',
      days_until_due: 30,
      due_date: null,
      allow_partial_payments: false,
      memo: 'Thanks!',
      available_actions: ['update', 'finalize'],
      test_mode: true,
    });
    expect(draft.invoice_id).toMatch(/^inv_/);
    expect(await inv.get(draft.invoice_id)).toEqual(draft);
    expect(await inv.eventTypes(draft.invoice_id)).toEqual(['invoice.created']);
  });

  it('makes the order underneath from line_items (one sale record)', async () => {
    const { inv } = await account();
    const draft = await inv.created({
      line_items: [{ name: 'Consulting', quantity: 3, unit_price_money: { amount: 10000 } }],
      currency: 'eur',
      seller_details: { name: 'Flint GmbH', tax_ids: [{ type: 'eu_vat', value: 'DE123' }] },
    });
    expect(draft).toMatchObject({
      currency: 'EUR',
      amount_due: { amount: 30000, currency: 'EUR' },
    });
    expect(draft.seller_details.tax_ids).toEqual([{ type: 'eu_vat', value: 'DE123' }]);
    const order = await inv.order(draft.order_id);
    expect(order).toMatchObject({
      status: 'OPEN',
      net_amounts: { total_money: { amount: 30000 } },
    });
  });

  it('lists newest first with filters, keyset pages, and only the caller’s', async () => {
    const { inv } = await account();
    const other = await account();
    const a = await inv.created({ line_items: oneLine(100) });
    const b = await inv.created({ line_items: oneLine(200) });
    await inv.acted(a.invoice_id, 'finalize');
    const first = await inv.call('GET', '/v1/invoices?limit=1');
    expect(first.body.invoices.map((i: any) => i.invoice_id)).toEqual([b.invoice_id]);
    expect(first.body.has_more).toBe(true);
    const next = await inv.call('GET', `/v1/invoices?limit=1&starting_after=${b.invoice_id}`);
    expect(next.body.invoices.map((i: any) => i.invoice_id)).toEqual([a.invoice_id]);
    const open = await inv.call('GET', '/v1/invoices?status=open');
    expect(open.body.invoices.map((i: any) => i.invoice_id)).toEqual([a.invoice_id]);
    const byOrder = await inv.call('GET', `/v1/invoices?order_id=${b.order_id}`);
    expect(byOrder.body.invoices.map((i: any) => i.invoice_id)).toEqual([b.invoice_id]);
    expect((await other.inv.call('GET', '/v1/invoices')).body.invoices).toEqual([]);
    expectMissing(await other.inv.call('GET', `/v1/invoices/${a.invoice_id}`), 'invoice');
    expectMissing(await other.inv.act(a.invoice_id, 'void'), 'invoice');
    expectMissing(await inv.call('GET', `/v1/invoices/${UNKNOWN_INVOICE}`), 'invoice');
  });

  it('keeps test and live apart: a test invoice is a 404 with the live key', async () => {
    const { liveKey, inv } = await account();
    const draft = await inv.created({ line_items: oneLine(100) });
    const live = invoiceCalls(server, liveKey);
    expectMissing(await live.call('GET', `/v1/invoices/${draft.invoice_id}`), 'invoice');
  });

  it('refuses bad input with one clear 4xx and makes nothing', async () => {
    const { key, inv } = await account();
    const order = await createOrder(server, key);
    expectError(await inv.create({}), 422, 'validation_error', 'parameter_invalid');
    expectError(
      await inv.create({ order_id: order.order_id, line_items: oneLine(1) }),
      422,
      'validation_error',
      'parameter_invalid',
    );
    expectError(
      await inv.create({ order_id: order.order_id, currency: 'USD' }),
      422,
      'validation_error',
      'parameter_invalid',
    );
    expectError(
      await inv.create({ order_id: order.order_id, collection_method: 'charge_automatically' }),
      422,
      'validation_error',
      'parameter_invalid',
      [['invoice', 'collection_method']],
    );
    expectError(
      await inv.create({
        order_id: order.order_id,
        days_until_due: 3,
        due_date: '2099-01-01T00:00:00Z',
      }),
      422,
      'validation_error',
      'parameter_invalid',
    );
    expectError(
      await inv.create({ order_id: order.order_id, colour: 'red' }),
      400,
      'invalid_request',
      'parameter_unknown',
    );
    expectError(
      await inv.create({ order_id: 'ord_01m84sgeyjf21ada62ac1e65xf' }),
      404,
      'not_found',
      'resource_missing',
    );
    expectError(
      await inv.create({
        line_items: [{ quantity: 1, price_id: 'price_01m84sgeyjf21ada62ac1e65xf' }],
      }),
      404,
      'not_found',
      'resource_missing',
    );
    const paid = await createOrder(server, key);
    await payOrder(server, key, paid.order_id);
    expectError(
      await inv.create({ order_id: paid.order_id }),
      409,
      'conflict',
      'order_state_invalid',
    );
    expect((await inv.call('GET', '/v1/invoices')).body.invoices).toEqual([]);
    await inv.created({ order_id: order.order_id });
    expectError(await inv.create({ order_id: order.order_id }), 409, 'conflict', 'resource_in_use');
    expect((await inv.call('GET', '/v1/invoices')).body.invoices).toHaveLength(1);
  });
});

describe('invoices: the lifecycle', () => {
  it('finalizes with a number and due date, freezes the order, and refuses wrong moves', async () => {
    const { inv } = await account();
    const draft = await inv.created({ line_items: oneLine(1000), days_until_due: 14 });
    const updated = (
      await inv.call('PATCH', `/v1/invoices/${draft.invoice_id}`, {
        invoice: { footer: 'Bank: 123', metadata: { po: '42' } },
      })
    ).body.invoice;
    expect(updated).toMatchObject({ footer: 'Bank: 123', metadata: { po: '42' } });
    const open = await inv.acted(draft.invoice_id, 'finalize');
    expect(open).toMatchObject({
      status: 'open',
      number: 'FLT-000001',
      available_actions: ['pay', 'void', 'mark_uncollectible', 'send', 'remind'],
    });
    const finalizedAt = Date.parse(open.status_transitions.finalized_at);
    expect(Date.parse(open.due_date) - finalizedAt).toBe(14 * 24 * 3600 * 1000);

    const wrong = await inv.act(draft.invoice_id, 'approve');
    expectError(wrong, 409, 'conflict', 'invoice_state_invalid');
    expect(wrong.body.error.available_actions).toEqual([
      'pay',
      'void',
      'mark_uncollectible',
      'send',
      'remind',
    ]);
    expectError(
      await inv.call('PATCH', `/v1/invoices/${draft.invoice_id}`, { invoice: { memo: 'x' } }),
      409,
      'conflict',
      'invoice_state_invalid',
    );
    // The order is frozen under the finalized invoice.
    const orderPath = `/v1/orders/${draft.order_id}`;
    const lines = await inv.call('PATCH', orderPath, { order: { line_items: oneLine(1) } });
    expectError(lines, 409, 'conflict', 'order_state_invalid');
    expect(lines.body.error.invoice_id).toBe(draft.invoice_id);
    expectError(
      await inv.call('POST', `${orderPath}/cancel`, {}),
      409,
      'conflict',
      'order_state_invalid',
    );
    const meta = await inv.call('PATCH', orderPath, { order: { metadata: { a: 'b' } } });
    expect(meta.status, meta.text).toBe(200);

    const voided = await inv.acted(draft.invoice_id, 'void');
    expect(voided).toMatchObject({ status: 'void', number: 'FLT-000001', available_actions: [] });
    // Voiding thaws the order and frees it for another invoice.
    expect(
      (await inv.call('PATCH', orderPath, { order: { line_items: oneLine(700) } })).status,
    ).toBe(200);
    const again = await inv.created({ order_id: draft.order_id });
    expect((await inv.acted(again.invoice_id, 'finalize')).number).toBe('FLT-000002');
    expect(await inv.eventTypes(draft.invoice_id)).toEqual([
      'invoice.created',
      'invoice.updated',
      'invoice.finalized',
      'invoice.voided',
    ]);
  });

  it('waits for approval when asked: reject returns a draft with the reason, approve finalizes', async () => {
    const { inv } = await account();
    const draft = await inv.created({ line_items: oneLine(500), requires_approval: true });
    const waiting = await inv.acted(draft.invoice_id, 'finalize');
    expect(waiting).toMatchObject({
      status: 'awaiting_approval',
      number: null,
      available_actions: ['approve', 'reject'],
    });
    expectError(
      await inv.act(draft.invoice_id, 'reject', {}),
      422,
      'validation_error',
      'parameter_invalid',
      [['reason']],
    );
    const rejected = await inv.acted(draft.invoice_id, 'reject', { reason: 'Wrong address' });
    expect(rejected).toMatchObject({ status: 'draft', rejection_reason: 'Wrong address' });
    await inv.acted(draft.invoice_id, 'finalize');
    const approved = await inv.acted(draft.invoice_id, 'approve');
    expect(approved.status).toBe('open');
    expect(approved.number).toMatch(/^FLT-\d{6}$/);
    expect(approved.status_transitions.approved_at).not.toBeNull();
    expect(await inv.eventTypes(draft.invoice_id)).toEqual([
      'invoice.created',
      'invoice.approval_requested',
      'invoice.updated',
      'invoice.approval_requested',
      'invoice.finalized',
    ]);
  });

  it('marks uncollectible, which can still be paid or voided', async () => {
    const { inv } = await account();
    const a = await inv.created({ line_items: oneLine(800) });
    await inv.acted(a.invoice_id, 'finalize');
    const lost = await inv.acted(a.invoice_id, 'mark_uncollectible');
    expect(lost).toMatchObject({
      status: 'uncollectible',
      available_actions: ['pay', 'void', 'send'],
    });
    const paid = await inv.pay(a.invoice_id);
    expect(paid.status, paid.text).toBe(200);
    expect(paid.body.invoice.status).toBe('paid');
    const b = await inv.created({ line_items: oneLine(800) });
    await inv.acted(b.invoice_id, 'finalize');
    await inv.acted(b.invoice_id, 'mark_uncollectible');
    expect((await inv.acted(b.invoice_id, 'void')).status).toBe('void');
    expectError(await inv.act(a.invoice_id, 'void'), 409, 'conflict', 'invoice_state_invalid');
  });
});
