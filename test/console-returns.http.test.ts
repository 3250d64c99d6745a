import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hidden } from './checkout-page-client.js';
import { signedInConsoleUser } from './console-fixtures.js';
import { createPaidOrder, createTestAccount, startTestServer, type TestServer } from './harness.js';
import { lineIds, ok, returnsClient } from './return-fixtures.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const usd = (amount: number) => ({ amount, currency: 'USD' });

describe('console: returns and exchanges on the sale record', () => {
  it('shows the returns and the follow-up order, and moves them with CSRF-checked forms', async () => {
    const { testKey } = await createTestAccount(server);
    const api = returnsClient(server, testKey);
    const { order } = await createPaidOrder(server, testKey, {
      order: { line_items: [{ name: 'Shirt', quantity: 2, unit_price_money: usd(2000) }] },
    });
    const [line] = lineIds(order);
    const plain = ok(
      await api.open(order.order_id, {
        line_items: [{ line_item_id: line, quantity: 1 }],
        reason: 'damaged',
      }),
    ).return;
    const swap = ok(
      await api.open(order.order_id, {
        line_items: [{ line_item_id: line, quantity: 1 }],
        reason: 'size_or_fit',
        refund_on: 'received',
        exchange_line_items: [{ name: 'Shirt <L>', quantity: 1, unit_price_money: usd(2500) }],
      }),
    ).return;
    const { browser } = await signedInConsoleUser(server, testKey);
    const salePath = `/console/orders/${order.order_id}?mode=test`;
    const page = await browser.get(salePath);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Returns and exchanges');
    expect(page.text).toContain(plain.return_id);
    expect(page.text).toContain('1 new line(s) when received');
    const receive = `/console/returns/${plain.return_id}/receive?mode=test`;
    expect(page.text).toContain(`action="${receive}"`);

    const forged = await browser.post(receive, { csrf_token: 'nope' });
    expect(forged.status).toBe(403);
    expect(ok(await api.get(`/v1/returns/${plain.return_id}`)).return.status).toBe('requested');

    const csrf = hidden(page.text, 'csrf_token');
    const received = await browser.post(receive, { csrf_token: csrf });
    expect(received.status).toBe(303);
    expect(received.headers.get('location')).toBe(`${salePath}#returns`);
    const completed = await browser.post(`/console/returns/${plain.return_id}/complete?mode=test`, {
      csrf_token: csrf,
    });
    expect(completed.status).toBe(303);
    const done = ok(await api.get(`/v1/returns/${plain.return_id}`)).return;
    expect(done.status).toBe('completed');
    expect(done.refund_id).toMatch(/^re_/);
    const again = await browser.post(`/console/returns/${plain.return_id}/cancel?mode=test`, {
      csrf_token: csrf,
    });
    expect(again.status).toBe(409);

    const swapping = await browser.post(`/console/returns/${swap.return_id}/receive?mode=test`, {
      csrf_token: csrf,
    });
    expect(swapping.status).toBe(303);
    const swapped = ok(await api.get(`/v1/returns/${swap.return_id}`)).return;
    const followUpId = swapped.exchange_order_id;
    expect(followUpId).toMatch(/^ord_/);
    const original = await browser.get(salePath);
    expect(original.text).toContain(`href="/console/orders/${followUpId}?mode=test"`);
    expect(original.text).toContain(done.refund_id);
    const followUp = await browser.get(`/console/orders/${followUpId}?mode=test`);
    expect(followUp.text).toContain('An exchange for order');
    expect(followUp.text).toContain(`href="/console/orders/${order.order_id}?mode=test"`);
    expect(followUp.text).toContain('Shirt &lt;L&gt;');
    expect(
      (
        await browser.post('/console/returns/ret_01m84sgeyjf21ada62ac1e65xf/receive?mode=test', {
          csrf_token: csrf,
        })
      ).status,
    ).toBe(404);
  });

  it('lets viewers look but not act', async () => {
    const { testKey } = await createTestAccount(server);
    const api = returnsClient(server, testKey);
    const { order } = await createPaidOrder(server, testKey, {
      order: { line_items: [{ name: 'Cap', quantity: 1, unit_price_money: usd(900) }] },
    });
    const made = ok(
      await api.open(order.order_id, {
        line_items: [{ line_item_id: lineIds(order)[0], quantity: 1 }],
        reason: 'other',
      }),
    ).return;
    const { browser } = await signedInConsoleUser(server, testKey, { role: 'viewer' });
    const page = await browser.get(`/console/orders/${order.order_id}?mode=test`);
    expect(page.text).toContain(made.return_id);
    expect(page.text).not.toContain(`/console/returns/${made.return_id}/receive`);
    const tried = await browser.post(`/console/returns/${made.return_id}/receive?mode=test`, {
      csrf_token: hidden(page.text, 'csrf_token'),
    });
    expect(tried.status).toBe(403);
    expect(ok(await api.get(`/v1/returns/${made.return_id}`)).return.status).toBe('requested');
  });
});
