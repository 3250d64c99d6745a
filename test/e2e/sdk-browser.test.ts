import type { Browser } from 'playwright-core';
import { build } from 'rolldown';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestAccount, startTestServer, type TestServer } from '../harness.js';
import { launchBrowser, skipBrowserTests } from './browser.js';

// The SDK in a browser: bundled for the browser (as an app's bundler would) and run in
// Chromium with its own fetch, against the real server. The page is served from the
// server's origin (Flint's API answers no cross-origin requests: secret keys belong on
// servers; this checks that nothing in the SDK needs Node).

let server: TestServer;
let browser: Browser;
let bundle: string;
beforeAll(async () => {
  server = await startTestServer();
  if (skipBrowserTests) return;
  browser = await launchBrowser();
  const built = await build({
    input: new URL('../../sdk/src/index.ts', import.meta.url).pathname,
    platform: 'browser',
    write: false,
    output: { format: 'esm' },
  });
  bundle = built.output[0].code;
});
afterAll(async () => {
  await browser?.close();
  await server.close();
});

describe.skipIf(skipBrowserTests)('the SDK in a browser', () => {
  it('creates, pays and refunds an order, pages a list and types its errors, with the browser’s fetch', async () => {
    const { testKey } = await createTestAccount(server);
    const context = await browser.newContext();
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    await page.route(`${server.url}/__sdk__/**`, (route) =>
      route.fulfill(
        route.request().url().endsWith('.js')
          ? { contentType: 'text/javascript', body: bundle }
          : { contentType: 'text/html', body: '<!doctype html><title>sdk</title>' },
      ),
    );
    await page.goto(`${server.url}/__sdk__/index.html`);
    const script = `(async () => {
      const { Flint, FlintNotFoundError } = await import('/__sdk__/sdk.js');
      const flint = new Flint({ apiKey: ${JSON.stringify(testKey)}, baseUrl: location.origin, retryDelayMs: 10 });
      const order = await flint.orders.create({
        lineItems: [{ name: 'Pro Plan', quantity: 1, unitPriceMoney: { amount: 9900 } }],
        metadata: { crmId: 'A-1' },
      });
      const { order: paid, paymentIntent } = await flint.orders.pay(order.orderId, { paymentSourceToken: 'tok_visa' });
      const refund = await flint.refunds.create({ paymentIntentId: paymentIntent.paymentIntentId, amount: 900 });
      const ids = [];
      for await (const o of flint.orders.list({ limit: 1 })) ids.push(o.orderId);
      let missing = null;
      try { await flint.orders.get('ord_01h00000000000000000000000'); } catch (e) {
        missing = { isNotFound: e instanceof FlintNotFoundError, code: e.code, requestId: e.requestId };
      }
      return {
        total: order.netAmounts.totalMoney.amount,
        metadata: order.metadata,
        status: paid.status,
        refund: refund.amount,
        after: (await flint.orders.get(order.orderId)).status,
        ids,
        missing,
      };
    })()`;
    const result = await page.evaluate(script);
    expect(result).toEqual({
      total: 9900,
      metadata: { crmId: 'A-1' },
      status: 'PAID',
      refund: 900,
      after: 'PARTIALLY_REFUNDED',
      ids: [expect.stringMatching(/^ord_/)],
      missing: {
        isNotFound: true,
        code: 'resource_missing',
        requestId: expect.stringMatching(/^req_/),
      },
    });
    expect(problems).toEqual([]);
    await context.close();
  });
});
