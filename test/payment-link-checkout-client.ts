import { expect } from 'vitest';
import { create } from './catalog-fixtures.js';
import { Buyer } from './checkout-page-client.js';
import { request, type TestServer } from './harness.js';

// The payment-link checkout tests' helpers: links through the API, and a buyer who opens
// one and lands on its session's page.

/** The helpers bound to one test server. */
export function linkCheckout(server: Pick<TestServer, 'url'>) {
  async function price(key: string, unitAmount: number, name: string) {
    const product = await create(server, key, 'products', 'product', { name });
    return create(server, key, 'prices', 'price', {
      product_id: product.product_id,
      unit_amount: unitAmount,
      currency: 'USD',
    });
  }

  const createLink = (key: string, fields: Record<string, unknown>) =>
    request(server, 'POST', '/v1/payment_links', { key, body: { payment_link: fields } });
  const patchLink = (key: string, id: string, fields: Record<string, unknown>) =>
    request(server, 'PATCH', `/v1/payment_links/${id}`, { key, body: { payment_link: fields } });

  /** A link selling a mat (1 to 5 of them, 1 by default) and two fixed blocks. */
  async function matLink(key: string, fields: Record<string, unknown> = {}) {
    const mat = await price(key, 4500, 'Yoga mat');
    const blocks = await price(key, 1500, 'Blocks');
    const res = await createLink(key, {
      line_items: [
        {
          price_id: mat.price_id,
          quantity: 1,
          adjustable_quantity: { enabled: true, minimum: 1, maximum: 5 },
        },
        { price_id: blocks.price_id, quantity: 2 },
      ],
      ...fields,
    });
    expect(res.status, res.text).toBe(200);
    return res.body.payment_link;
  }

  /** Opens the link as a browser does: its session's id, and the buyer on its page. */
  async function startCheckout(link: { url: string }) {
    const buyer = new Buyer(server);
    const visit = await buyer.get(new URL(link.url).pathname);
    expect(visit.status, visit.text).toBe(303);
    const sessionId = visit.location?.split('/').pop() ?? '';
    expect(sessionId).toMatch(/^cs_/);
    const { page, csrf } = await buyer.open(sessionId);
    expect(page.status, page.text).toBe(200);
    return { buyer, sessionId, page, csrf };
  }

  async function sessionOf(key: string, id: string) {
    const res = await request(server, 'GET', `/v1/checkout/sessions/${id}`, { key });
    expect(res.status, res.text).toBe(200);
    return res.body.checkout_session;
  }

  async function orderOf(key: string, id: string) {
    const res = await request(server, 'GET', `/v1/orders/${id}`, { key });
    expect(res.status, res.text).toBe(200);
    return res.body.order;
  }

  return { createLink, patchLink, matLink, startCheckout, sessionOf, orderOf };
}

/** An order's lines as [name, quantity]. */
export const quantities = (order: any) => order.line_items.map((l: any) => [l.name, l.quantity]);
