import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { create, expectError } from './catalog-fixtures.js';
import { hidden } from './checkout-page-client.js';
import { createTestAccount, request, startTestServer, type TestServer } from './harness.js';
import { linkCheckout, quantities } from './payment-link-checkout-client.js';

// A payment link's checkout: its cancel_url (API, copied to each session, the page's
// Cancel link) and the quantity control of an adjustable line, as a browser without
// JavaScript uses it. The browser test (test/e2e/payment-links.test.ts) drives the same.

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ pageRateLimits: { pages: 1000, payments: 1000 } });
});
afterAll(() => server.close());
const { createLink, patchLink, matLink, startCheckout, sessionOf, orderOf } = linkCheckout({
  get url() {
    return server.url;
  },
});

describe('a payment link’s cancel_url', () => {
  it('is returned, changed and removed, and each session the link starts carries it', async () => {
    const { testKey: key } = await createTestAccount(server, 'Studio Nine');
    const link = await matLink(key, { cancel_url: 'https://shop.example/cart?from=link' });
    expect(link.cancel_url).toBe('https://shop.example/cart?from=link');
    const got = await request(server, 'GET', `/v1/payment_links/${link.payment_link_id}`, { key });
    expect(got.body.payment_link.cancel_url).toBe('https://shop.example/cart?from=link');

    const first = await startCheckout(link);
    expect((await sessionOf(key, first.sessionId)).cancel_url).toBe(
      'https://shop.example/cart?from=link',
    );
    expect(first.page.text).toContain(
      '<a class="back" href="https://shop.example/cart?from=link">Cancel and return to Studio Nine</a>',
    );

    const changed = await patchLink(key, link.payment_link_id, {
      cancel_url: 'http://shop.example/back',
    });
    expect(changed.status, changed.text).toBe(200);
    expect(changed.body.payment_link.cancel_url).toBe('http://shop.example/back');
    const second = await startCheckout(link);
    expect((await sessionOf(key, second.sessionId)).cancel_url).toBe('http://shop.example/back');
    // A session already started keeps the link's URL of then.
    expect((await sessionOf(key, first.sessionId)).cancel_url).toBe(
      'https://shop.example/cart?from=link',
    );

    const removed = await patchLink(key, link.payment_link_id, { cancel_url: null });
    expect(removed.body.payment_link.cancel_url).toBeNull();
    const third = await startCheckout(link);
    expect((await sessionOf(key, third.sessionId)).cancel_url).toBeNull();
    expect(third.page.text).not.toContain('class="back"');
  });

  it('refuses anything but an absolute http(s) URL, on create and update, changing nothing', async () => {
    const { testKey: key } = await createTestAccount(server);
    const link = await matLink(key, { cancel_url: 'https://shop.example/cart' });
    const line = link.line_items[0];
    const bad = ['javascript:alert(1)', 'ftp://shop.example/x', '/cart', 'not a url', 42];
    for (const cancel_url of bad) {
      const created = await createLink(key, {
        line_items: [{ price_id: line.price_id, quantity: 1 }],
        cancel_url,
      });
      expectError(created, 422, 'validation_error', 'parameter_invalid', [
        ['payment_link', 'cancel_url'],
      ]);
      const patched = await patchLink(key, link.payment_link_id, { cancel_url });
      expectError(patched, 422, 'validation_error', 'parameter_invalid', [
        ['payment_link', 'cancel_url'],
      ]);
    }
    const links = await request(server, 'GET', '/v1/payment_links', { key });
    expect(links.body.payment_links.map((l: any) => l.cancel_url)).toEqual([
      'https://shop.example/cart',
    ]);
  });
});

describe('the quantity control of a payment link’s checkout', () => {
  it('shows the adjustable line’s quantity and bounds; a new quantity re-prices the order', async () => {
    const { testKey: key } = await createTestAccount(server);
    const link = await matLink(key);
    const { buyer, sessionId, page, csrf } = await startCheckout(link);
    expect(page.text).toContain(`action="/checkout/${sessionId}/quantity"`);
    expect(page.text).toMatch(/id="quantity" name="quantity" type="number"[^>]* min="1" max="5"/);
    expect(page.text).toContain('value="1"');
    expect(page.text).toContain('Pay $75.00');
    const session = await sessionOf(key, sessionId);
    const before = await orderOf(key, session.order_id);

    // The buyer's price fields are not read: only the quantity is.
    const changed = await buyer.post(`/checkout/${sessionId}/quantity`, {
      csrf_token: csrf,
      quantity: ' 4 ',
      unit_amount: '1',
      amount: '1',
    });
    expect(changed.status, changed.text).toBe(303);
    expect(changed.location).toBe(`/checkout/${sessionId}`);
    const after = await orderOf(key, session.order_id);
    expect(quantities(after)).toEqual([
      ['Yoga mat', 4],
      ['Blocks', 2],
    ]);
    expect(after.net_amounts.total_money).toEqual({ amount: 21000, currency: 'USD' });
    expect(after.version).toBe(before.version + 1);

    const again = await buyer.get(`/checkout/${sessionId}`);
    expect(again.text).toContain('4 × $45.00');
    expect(again.text).toContain('Pay $210.00');
    expect(again.text).toMatch(/id="quantity" name="quantity"[^>]* value="4"/);

    // The change is the order's next version on its timeline, made by the session.
    const events = await request(server, 'GET', `/v1/events?type=order.updated`, { key });
    const updated = events.body.events.filter(
      (e: any) => e.data.object.order_id === session.order_id,
    );
    expect(updated).toHaveLength(1);
    expect(updated[0].data.object.net_amounts.total_money.amount).toBe(21000);

    const paid = await buyer.pay(sessionId);
    expect(paid.status, paid.text).toBe(303);
    const order = await orderOf(key, session.order_id);
    expect(order.status).toBe('PAID');
    expect(order.net_amounts.paid_money.amount).toBe(21000);
  });

  it('refuses a quantity out of bounds or not a whole number, with the page’s message, changing nothing', async () => {
    const { testKey: key } = await createTestAccount(server);
    const link = await matLink(key);
    const { buyer, sessionId, csrf } = await startCheckout(link);
    const { order_id } = await sessionOf(key, sessionId);
    const before = await orderOf(key, order_id);
    for (const quantity of ['0', '6', '1000000']) {
      const res = await buyer.post(`/checkout/${sessionId}/quantity`, {
        csrf_token: csrf,
        quantity,
      });
      expect(res.status, quantity).toBe(422);
      expect(res.text).toContain('Choose a quantity between 1 and 5');
      expect(res.text).toContain('The quantity was not changed.');
      expect(res.text).toMatch(
        new RegExp(
          `id="quantity" name="quantity"[^>]* value="${quantity}"[^>]* aria-invalid="true"`,
        ),
      );
    }
    for (const quantity of ['', 'two', '2.5', '-1']) {
      const res = await buyer.post(`/checkout/${sessionId}/quantity`, {
        csrf_token: csrf,
        quantity,
      });
      expect(res.status, quantity).toBe(422);
      expect(res.text).toContain('Enter the quantity as a whole number.');
    }
    expect(await orderOf(key, order_id)).toEqual(before);
  });

  it('refuses a quantity the stock cannot cover (409), changing nothing', async () => {
    const { testKey: key } = await createTestAccount(server);
    const product = await create(server, key, 'products', 'product', {
      name: 'Limited print',
      inventory: { tracked: true, quantity: 3 },
    });
    const limited = await create(server, key, 'prices', 'price', {
      product_id: product.product_id,
      unit_amount: 2000,
      currency: 'USD',
    });
    const res = await createLink(key, {
      line_items: [
        {
          price_id: limited.price_id,
          quantity: 1,
          adjustable_quantity: { enabled: true, minimum: 1, maximum: 5 },
        },
      ],
    });
    const { buyer, sessionId, csrf } = await startCheckout(res.body.payment_link);
    const { order_id } = await sessionOf(key, sessionId);
    const before = await orderOf(key, order_id);
    const refused = await buyer.post(`/checkout/${sessionId}/quantity`, {
      csrf_token: csrf,
      quantity: '4',
    });
    expect(refused.status).toBe(409);
    expect(refused.text).toContain('Not enough of this item is in stock for that quantity.');
    expect(await orderOf(key, order_id)).toEqual(before);
    const fits = await buyer.post(`/checkout/${sessionId}/quantity`, {
      csrf_token: csrf,
      quantity: '3',
    });
    expect(fits.status).toBe(303);
    expect(quantities(await orderOf(key, order_id))).toEqual([['Limited print', 3]]);
  });

  it('changes nothing without the CSRF token, or on a link without an adjustable quantity', async () => {
    const { testKey: key } = await createTestAccount(server);
    const link = await matLink(key);
    const { buyer, sessionId } = await startCheckout(link);
    const { order_id } = await sessionOf(key, sessionId);
    const before = await orderOf(key, order_id);
    const forged = await buyer.post(`/checkout/${sessionId}/quantity`, {
      csrf_token: 'x'.repeat(43),
      quantity: '3',
    });
    expect(forged.status).toBe(403);
    expect(await orderOf(key, order_id)).toEqual(before);

    const fixed = await createLink(key, {
      line_items: [{ price_id: link.line_items[0].price_id, quantity: 2 }],
    });
    const plain = await startCheckout(fixed.body.payment_link);
    expect(plain.page.text).not.toContain('name="quantity"');
    const refused = await plain.buyer.post(`/checkout/${plain.sessionId}/quantity`, {
      csrf_token: plain.csrf,
      quantity: '3',
    });
    expect(refused.status).toBe(422);
    expect(refused.text).toContain('The quantity of this order cannot be changed');
    const order = await orderOf(key, (await sessionOf(key, plain.sessionId)).order_id);
    expect(quantities(order)).toEqual([['Yoga mat', 2]]);
  });

  it('is refused once the session is complete, or while a payment waits for 3-D Secure', async () => {
    const { testKey: key } = await createTestAccount(server);
    const link = await matLink(key, {
      after_completion: { redirect_url: 'https://shop.example/ok' },
    });
    const { buyer, sessionId, csrf } = await startCheckout(link);
    const { order_id } = await sessionOf(key, sessionId);
    expect((await buyer.pay(sessionId)).status).toBe(303);
    const paid = await orderOf(key, order_id);
    const late = await buyer.post(`/checkout/${sessionId}/quantity`, {
      csrf_token: csrf,
      quantity: '3',
    });
    expect(late.status).toBe(303);
    expect(late.location).toBe(`https://shop.example/ok?session_id=${sessionId}`);
    expect(await orderOf(key, order_id)).toEqual(paid);

    const waiting = await startCheckout(link);
    const waitingOrder = (await sessionOf(key, waiting.sessionId)).order_id;
    const challenged = await waiting.buyer.pay(waiting.sessionId, {
      card_number: '4000 0025 0000 3155',
    });
    expect(challenged.status, challenged.text).toBe(303);
    const held = await orderOf(key, waitingOrder);
    expect(held.payments.map((p: any) => p.status)).toEqual(['requires_action']);
    const page = await waiting.buyer.get(`/checkout/${waiting.sessionId}`);
    expect(page.text).not.toContain('name="quantity"');
    const during = await waiting.buyer.post(`/checkout/${waiting.sessionId}/quantity`, {
      csrf_token: hidden(page.text, 'csrf_token'),
      quantity: '3',
    });
    expect(during.status).toBe(303);
    expect(during.location).toBe(`/checkout/${waiting.sessionId}`);
    expect(await orderOf(key, waitingOrder)).toEqual(held);
  });
});
