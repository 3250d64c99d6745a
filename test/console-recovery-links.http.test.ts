import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hidden } from './checkout-page-client.js';
import { signedInConsoleUser } from './console-fixtures.js';
import {
  createOrder,
  createPaidOrder,
  createTestAccount,
  oneLine,
  payOrder,
  startTestServer,
  type TestServer,
} from './harness.js';
import { recoveryCalls } from './recovery-link-fixtures.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

describe('console: recovery links on the sale page', () => {
  it('makes a link for the balance in one click, and shows it to open or copy', async () => {
    const { testKey } = await createTestAccount(server);
    const order = await createOrder(server, testKey, { line_items: oneLine(8000) });
    await payOrder(server, testKey, order.order_id, { amount: 3000 });
    const { browser } = await signedInConsoleUser(server, testKey);
    const path = `/console/orders/${order.order_id}`;
    const page = await browser.get(`${path}?mode=test`);
    expect(page.text).toContain('id="create-recovery-link"');
    const forged = await browser.post(`${path}/recovery_links?mode=test`, { csrf_token: 'no' });
    expect(forged.status).toBe(403);
    const made = await browser.post(`${path}/recovery_links?mode=test`, {
      csrf_token: hidden(page.text, 'csrf_token'),
    });
    expect(made.status).toBe(303);
    expect(made.location).toBe(`${path}?mode=test#recovery`);
    const [link] = (
      await recoveryCalls(server, testKey).call(
        'GET',
        `/v1/orders/${order.order_id}/recovery_links`,
      )
    ).body.recovery_links;
    expect(link).toMatchObject({ status: 'active', amount: { amount: 5000 } });
    const shown = await browser.get(`${path}?mode=test`);
    expect(shown.text).toContain(link.recovery_link_id);
    expect(shown.text).toContain(`data-copy="${link.url}"`);
    expect(shown.text).toContain('$50.00');
    const timeline = await recoveryCalls(server, testKey).call(
      'GET',
      `/v1/events?object_id=${link.recovery_link_id}`,
    );
    expect(timeline.body.events[0].data.object.recovery_link_id).toBe(link.recovery_link_id);
  });

  it('offers no button for a paid order; a click on one anyway is refused', async () => {
    const { testKey } = await createTestAccount(server);
    const paid = await createPaidOrder(server, testKey);
    const { browser } = await signedInConsoleUser(server, testKey);
    const path = `/console/orders/${paid.order.order_id}`;
    const page = await browser.get(`${path}?mode=test`);
    expect(page.status).toBe(200);
    expect(page.text).not.toContain('id="create-recovery-link"');
    const refused = await browser.post(`${path}/recovery_links?mode=test`, {
      csrf_token: hidden(page.text, 'csrf_token'),
    });
    expect(refused.status).toBe(409);
  });
});
