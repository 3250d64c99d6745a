import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hidden } from './checkout-page-client.js';
import { signedInConsoleUser } from './console-fixtures.js';
import {
  createOrder,
  createTestAccount,
  oneLine,
  request,
  startTestServer,
  type TestServer,
} from './harness.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

async function ok(res: Promise<{ status: number; text: string; body: any }>) {
  const r = await res;
  expect(r.status, r.text).toBe(200);
  return r.body;
}

describe('console: the customer page', () => {
  it('shows the customer, its saved methods, orders and invoices; detach and make default', async () => {
    const { testKey: key } = await createTestAccount(server);
    const call = (method: string, path: string, body?: unknown) =>
      request(server, method, path, { key, body });
    const cus = (await ok(call('POST', '/v1/customers', { customer: { email: 'jo@example.com' } })))
      .customer.customer_id;
    const save = async (token: string) =>
      (
        await ok(
          call('POST', `/v1/customers/${cus}/payment_methods`, {
            payment_method: { payment_source_token: token },
          }),
        )
      ).payment_method.payment_method_id as string;
    const visa = await save('tok_visa');
    const amex = await save('tok_amex');
    const order = await createOrder(server, key, { line_items: oneLine(1200), customer_id: cus });
    const { browser } = await signedInConsoleUser(server, key);

    const sale = await browser.get(`/console/orders/${order.order_id}?mode=test`);
    expect(sale.text).toContain(`href="/console/customers/${cus}?mode=test"`);
    const path = `/console/customers/${cus}?mode=test`;
    const page = await browser.get(path);
    expect(page.status).toBe(200);
    expect(page.text).toContain('jo@example.com');
    expect(page.text).toContain('Visa •••• 4242');
    expect(page.text).toContain('American Express •••• 8431');
    expect(page.text).toContain(order.order_id);
    const makeDefault = `/console/customers/${cus}/default_payment_method?mode=test`;
    expect(page.text).toContain(`action="${makeDefault}"`);

    const forged = await browser.post(makeDefault, { csrf_token: 'nope', payment_method_id: amex });
    expect(forged.status).toBe(403);
    const csrf = hidden(page.text, 'csrf_token');
    const switched = await browser.post(makeDefault, { csrf_token: csrf, payment_method_id: amex });
    expect(switched.status, switched.text).toBe(303);
    const customer = (await ok(call('GET', `/v1/customers/${cus}`))).customer;
    expect(customer.default_payment_method_id).toBe(amex);

    const detached = await browser.post(`/console/payment_methods/${visa}/detach?mode=test`, {
      csrf_token: csrf,
    });
    expect(detached.status).toBe(303);
    expect(detached.headers.get('location')).toBe(`${path}#payment-methods`);
    expect((await ok(call('GET', `/v1/payment_methods/${visa}`))).payment_method.status).toBe(
      'detached',
    );
    const events = await ok(call('GET', `/v1/events?object_id=${visa}`));
    expect(events.events[0].type).toBe('payment_method.detached');

    // Another account's customer is not found.
    const { testKey: other } = await createTestAccount(server);
    const { browser: stranger } = await signedInConsoleUser(server, other);
    expect((await stranger.get(path)).status).toBe(404);
  });
});
