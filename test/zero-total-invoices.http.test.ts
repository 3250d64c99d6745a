import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { create } from './catalog-fixtures.js';
import { countingSandbox } from './counting-processor.js';
import { createTestAccount, request, startTestServer, type TestServer } from './harness.js';
import { invoiceCalls, usd } from './invoice-fixtures.js';

// An invoice whose order has nothing to pay is `paid` at finalize, and its order PAID in
// the same transaction, by the code `/pay` uses: no processor call, no payment intent.

const { processor: counting, chargeCalls } = countingSandbox();

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ processor: counting });
});
afterAll(() => server.close());

/** A draft invoice for 2 of a tracked product (stock 5) under a 100 % coupon. */
async function freeDraft(fields: Record<string, unknown> = {}) {
  const { testKey: key } = await createTestAccount(server);
  const inv = invoiceCalls(server, key);
  const product = await create(server, key, 'products', 'product', {
    name: 'Sticker',
    inventory: { tracked: true, quantity: 5 },
  });
  const coupon = await create(server, key, 'coupons', 'coupon', {
    code: `FREE${Date.now()}`,
    percent_off: '100',
  });
  const draft = await inv.created({
    line_items: [{ product_id: product.product_id, quantity: 2, unit_price_money: usd(1500) }],
    coupon_codes: [coupon.code],
    ...fields,
  });
  expect(draft.amount_due).toEqual(usd(0));
  const get = async (path: string) => (await request(server, 'GET', path, { key })).body;
  const stockLeft = async () =>
    (await get(`/v1/products/${product.product_id}`)).product.inventory.quantity;
  const redeemed = async () => (await get(`/v1/coupons/${coupon.coupon_id}`)).coupon.times_redeemed;
  const orderPaidEvents = async () =>
    (await get(`/v1/events?type=order.paid&object_id=${draft.order_id}`)).events;
  const setStock = async (quantity: number) => {
    const res = await request(server, 'PATCH', `/v1/products/${product.product_id}`, {
      key,
      body: { product: { inventory: { tracked: true, quantity } } },
    });
    expect(res.status, res.text).toBe(200);
  };
  return { key, inv, draft, stockLeft, setStock, redeemed, orderPaidEvents };
}

describe('finalizing an invoice with nothing to pay', () => {
  it('pays the invoice and makes its order PAID in the same move: stock and coupon taken, order.paid once, no processor call', async () => {
    const { inv, draft, stockLeft, redeemed, orderPaidEvents } = await freeDraft();
    const before = chargeCalls.length;
    const paid = await inv.acted(draft.invoice_id, 'finalize');
    expect(paid).toMatchObject({ status: 'paid', amount_remaining: usd(0) });
    const order = await inv.order(draft.order_id);
    expect(order.status).toBe('PAID');
    expect(order.payments).toEqual([]);
    expect(chargeCalls.length).toBe(before);
    expect(await stockLeft()).toBe(3);
    expect(await redeemed()).toBe(1);
    expect(await orderPaidEvents()).toHaveLength(1);
    expect(await inv.eventTypes(draft.invoice_id)).toEqual([
      'invoice.created',
      'invoice.finalized',
      'invoice.paid',
    ]);
  });

  it('approving an invoice awaiting approval does the same', async () => {
    const { inv, draft, orderPaidEvents } = await freeDraft({ requires_approval: true });
    const waiting = await inv.acted(draft.invoice_id, 'finalize');
    expect(waiting.status).toBe('awaiting_approval');
    expect((await inv.order(draft.order_id)).status).toBe('OPEN');
    const approved = await inv.acted(draft.invoice_id, 'approve');
    expect(approved.status).toBe('paid');
    expect((await inv.order(draft.order_id)).status).toBe('PAID');
    expect(await orderPaidEvents()).toHaveLength(1);
  });

  it('refuses to finalize when the order cannot be completed (out of stock): nothing changes, no number taken', async () => {
    const { inv, draft, stockLeft, setStock, redeemed, orderPaidEvents } = await freeDraft();
    await setStock(1);
    const refused = await inv.act(draft.invoice_id, 'finalize');
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('out_of_stock');
    const still = await inv.get(draft.invoice_id);
    expect(still).toMatchObject({ status: 'draft', number: null });
    expect((await inv.order(draft.order_id)).status).toBe('OPEN');
    expect(await stockLeft()).toBe(1);
    expect(await redeemed()).toBe(0);
    expect(await orderPaidEvents()).toEqual([]);
  });

  it('an order already PAID through /pay: its draft invoice finalizes to paid, the order unchanged', async () => {
    const { key, inv, draft, orderPaidEvents } = await freeDraft();
    const paid = await request(server, 'POST', `/v1/orders/${draft.order_id}/pay`, {
      key,
      body: { payment: {} },
    });
    expect(paid.status, paid.text).toBe(200);
    const version = (await inv.order(draft.order_id)).version;
    expect((await inv.acted(draft.invoice_id, 'finalize')).status).toBe('paid');
    const order = await inv.order(draft.order_id);
    expect(order).toMatchObject({ status: 'PAID', version });
    expect(await orderPaidEvents()).toHaveLength(1);
  });
});
