import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { create } from './catalog-fixtures.js';
import { Buyer, createSession, hidden } from './checkout-page-client.js';
import { countingSandbox } from './counting-processor.js';
import { createTestAccount, request, startTestServer, type TestServer } from './harness.js';
import { linkCheckout } from './payment-link-checkout-client.js';

// The hosted checkout of an order with nothing to pay, as a browser without JavaScript
// uses it: no card form, a "Complete order" button, the order PAID with no processor call.
// test/e2e/checkout-zero-total.test.ts drives the same page in Chromium.

const { processor: counting, chargeCalls } = countingSandbox();

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({
    processor: counting,
    pageRateLimits: { pages: 1000, payments: 1000 },
  });
});
afterAll(() => server.close());

const FREE_LINES = [
  { name: 'Sample', quantity: 2, unit_price_money: { amount: 0, currency: 'USD' } },
];

async function eventsOf(key: string, type: string, objectId: string) {
  const res = await request(server, 'GET', `/v1/events?type=${type}&object_id=${objectId}`, {
    key,
  });
  return res.body.events as any[];
}

async function sessionStatus(key: string, sessionId: string): Promise<string> {
  const res = await request(server, 'GET', `/v1/checkout/sessions/${sessionId}`, { key });
  return res.body.checkout_session.status;
}

describe('hosted checkout of an order with nothing to pay', () => {
  it('shows no card form but "Complete order"; completing it makes the order PAID and the session complete, with no processor call', async () => {
    const { testKey: key } = await createTestAccount(server);
    const cs = await createSession(server, key, { line_items: FREE_LINES });
    const buyer = new Buyer(server);
    const { page, csrf, attempt } = await buyer.open(cs.checkout_session_id);
    expect(page.status).toBe(200);
    expect(page.text).toContain('id="complete-form"');
    expect(page.text).toContain('>Complete order</button>');
    expect(page.text).not.toContain('name="card_number"');
    expect(page.text).not.toContain('id="pay-form"');
    expect(csrf).not.toBe('');
    const before = chargeCalls.length;

    // Without its CSRF token the form changes nothing.
    const forged = await buyer.post(`/checkout/${cs.checkout_session_id}/pay`, {
      csrf_token: 'forged',
      attempt,
    });
    expect(forged.status).toBe(403);
    const open = await request(server, 'GET', `/v1/orders/${cs.order_id}`, { key });
    expect(open.body.order.status).toBe('OPEN');

    const done = await buyer.post(`/checkout/${cs.checkout_session_id}/pay`, {
      csrf_token: csrf,
      attempt,
    });
    expect(done.status, done.text).toBe(303);
    expect(done.location).toBe(
      `https://shop.example/done?ref=a&b=1&session_id=${cs.checkout_session_id}`,
    );
    expect(chargeCalls.length).toBe(before);
    const order = (await request(server, 'GET', `/v1/orders/${cs.order_id}`, { key })).body.order;
    expect(order.status).toBe('PAID');
    expect(order.payments).toEqual([]);
    expect(await sessionStatus(key, cs.checkout_session_id)).toBe('complete');
    const completed = await eventsOf(key, 'checkout.session.completed', cs.checkout_session_id);
    expect(completed).toHaveLength(1);
    expect(await eventsOf(key, 'order.paid', cs.order_id)).toHaveLength(1);

    // The same form sent again (a double click) changes nothing: on to the success URL.
    const again = await buyer.post(`/checkout/${cs.checkout_session_id}/pay`, {
      csrf_token: csrf,
      attempt,
    });
    expect(again.status).toBe(303);
    expect(await eventsOf(key, 'order.paid', cs.order_id)).toHaveLength(1);
    const closed = await buyer.get(`/checkout/${cs.checkout_session_id}`);
    expect(closed.text).toContain('Order complete');
  });

  it('paying the order through the API completes its session too', async () => {
    const { testKey: key } = await createTestAccount(server);
    const cs = await createSession(server, key, { line_items: FREE_LINES });
    const paid = await request(server, 'POST', `/v1/orders/${cs.order_id}/pay`, {
      key,
      body: { payment: {} },
    });
    expect(paid.status, paid.text).toBe(200);
    expect(await sessionStatus(key, cs.checkout_session_id)).toBe('complete');
    expect(await eventsOf(key, 'checkout.session.completed', cs.checkout_session_id)).toHaveLength(
      1,
    );
  });

  it('a payment link of a free price: the page completes it, with no card', async () => {
    const { testKey: key } = await createTestAccount(server);
    const { createLink, startCheckout, orderOf, sessionOf } = linkCheckout(server);
    const product = await create(server, key, 'products', 'product', { name: 'Gift' });
    const price = await create(server, key, 'prices', 'price', {
      product_id: product.product_id,
      unit_amount: 0,
      currency: 'USD',
    });
    const link = await createLink(key, { line_items: [{ price_id: price.price_id, quantity: 1 }] });
    expect(link.status, link.text).toBe(200);
    const { buyer, sessionId, page, csrf } = await startCheckout(link.body.payment_link);
    expect(page.text).toContain('>Complete order</button>');
    const before = chargeCalls.length;
    const done = await buyer.post(`/checkout/${sessionId}/pay`, {
      csrf_token: csrf,
      attempt: hidden(page.text, 'attempt'),
    });
    expect(done.status, done.text).toBe(303);
    expect(chargeCalls.length).toBe(before);
    const session = await sessionOf(key, sessionId);
    expect(session.status).toBe('complete');
    expect((await orderOf(key, session.order_id)).status).toBe('PAID');
  });

  it('an order with something to pay still shows the card form', async () => {
    const { testKey: key } = await createTestAccount(server);
    const cs = await createSession(server, key);
    const page = await new Buyer(server).get(`/checkout/${cs.checkout_session_id}`);
    expect(page.text).toContain('name="card_number"');
    expect(page.text).not.toContain('Complete order');
  });
});
