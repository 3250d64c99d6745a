import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FrameLocator, Page } from 'playwright-core';
import { build } from 'rolldown';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BUYER_EMAIL,
  browserSuite,
  CARDS,
  futureExpiry,
  inPage,
  screenshot,
  skipBrowserTests,
  type Tab,
} from './browser.js';
import { getSession, LINES, type Merchant, newMerchant } from './flint-api.js';

// Embedded pay in Chromium, across sites: the merchant's page is on http://localhost:<port>
// and Flint on http://127.0.0.1:<port> — two sites, so the frame is a third-party context
// where no SameSite=Strict cookie is sent. The merchant's page loads /js/flint.js under a
// strict CSP of its own and mounts the session; paying in the frame tells the page
// (postMessage, checked both ways). A page of an origin the session does not allow
// (another site, or the same host on another port) cannot frame it.

/** The merchant's site: its checkout page (which embeds Flint) and its return page. */
interface Shop {
  readonly port: number;
  close(): Promise<void>;
}

const escapeJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

async function startShop(flintOrigin: string, sdkBundle: string): Promise<Shop> {
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/sdk.js') {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' });
      res.end(sdkBundle);
      return;
    }
    if (url.pathname === '/sdk-checkout') {
      // The SDK's mountCheckout, bundled into the shop's own script: it loads flint.js.
      const nonce = 'shop-nonce-5678';
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'content-security-policy': `default-src 'none'; script-src 'nonce-${nonce}' 'self' ${flintOrigin}; frame-src ${flintOrigin}; style-src 'none'; img-src data:`,
      });
      res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Shop checkout</title></head>
<body><h1>Your basket</h1><div id="checkout"></div>
<script type="module" nonce="${nonce}">
import { mountCheckout } from '/sdk.js';
window.completions = [];
const session = { url: ${escapeJson(url.searchParams.get('session_url') ?? '')}, uiMode: 'embedded' };
await mountCheckout(session, '#checkout', {
  nonce: '${nonce}',
  followReturnUrl: false,
  onComplete: (detail) => window.completions.push(detail),
});
</script></body></html>`);
      return;
    }
    if (url.pathname === '/checkout') {
      const nonce = 'shop-nonce-1234';
      const options = {
        url: url.searchParams.get('session_url') ?? '',
        follow: url.searchParams.get('follow') !== '0',
      };
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        // The merchant's own strict policy: flint.js needs no inline code, eval or style.
        'content-security-policy': `default-src 'none'; script-src 'nonce-${nonce}' ${flintOrigin}; frame-src ${flintOrigin}; style-src 'none'; img-src data:`,
      });
      res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Shop checkout</title>
<script nonce="${nonce}" src="${flintOrigin}/js/flint.js"></script></head>
<body><h1>Your basket</h1><div id="checkout"></div>
<script nonce="${nonce}">
var options = ${escapeJson(options)};
window.completions = [];
window.messagesSeen = 0;
window.addEventListener('message', function () { window.messagesSeen += 1; });
window.embed = Flint.mount('#checkout', {
  url: options.url,
  followReturnUrl: options.follow,
  onComplete: function (detail) { window.completions.push(detail); }
});
</script></body></html>`);
      return;
    }
    const body =
      url.pathname === '/return'
        ? `<h1>Order placed</h1><p id="session">${(url.searchParams.get('session_id') ?? '').replace(/[^a-z0-9_]/g, '')}</p>`
        : '<h1>Not found</h1>';
    res.writeHead(url.pathname === '/return' ? 200 : 404, {
      'content-type': 'text/html; charset=utf-8',
    });
    res.end(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Shop</title></head><body>${body}</body></html>`,
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

describe.skipIf(skipBrowserTests)('embedded pay in a browser, across sites', () => {
  const suite = browserSuite({ pageRateLimits: { pages: 1000, payments: 1000 } });
  let shop: Shop;
  let shopOrigin: string;
  beforeAll(async () => {
    const built = await build({
      input: new URL('../../sdk/src/index.ts', import.meta.url).pathname,
      platform: 'browser',
      write: false,
      output: { format: 'esm' },
    });
    shop = await startShop(suite.server.url, built.output[0].code);
    shopOrigin = `http://localhost:${shop.port}`;
  });
  afterAll(() => shop?.close());

  async function embeddedSession(merchant: Merchant, origins = [shopOrigin]) {
    const body = await merchant.post('/v1/checkout/sessions', {
      checkout_session: {
        line_items: LINES,
        ui_mode: 'embedded',
        allowed_origins: origins,
        return_url: `${shopOrigin}/return`,
      },
    });
    return body.checkout_session;
  }

  function openShop(
    tab: Tab,
    sessionUrl: string,
    options: { origin?: string; follow?: boolean } = {},
  ) {
    const query = new URLSearchParams({
      session_url: sessionUrl,
      follow: options.follow === false ? '0' : '1',
    });
    return tab.page.goto(`${options.origin ?? shopOrigin}/checkout?${query}`);
  }

  const frameOf = (page: Page): FrameLocator => page.frameLocator('#checkout iframe');

  async function payInFrame(frame: FrameLocator, number: string) {
    await frame.getByLabel('Email', { exact: true }).fill(BUYER_EMAIL);
    await frame.getByLabel('Card number', { exact: true }).fill(number);
    await frame.getByLabel('Expiry date', { exact: true }).fill(futureExpiry());
    await frame.getByLabel('Security code (CVC)', { exact: true }).fill('123');
    await frame.getByRole('button', { name: /^Pay / }).click();
  }

  it('a page on localhost frames the form from 127.0.0.1 and pays; the page hears of it from Flint’s frame, and no cookie was needed', async () => {
    const merchant = await newMerchant(suite.server, 'Harbor Coffee');
    const cs = await embeddedSession(merchant);
    const tab = await suite.openTab();
    const { page } = tab;
    const response = await openShop(tab, cs.url, { follow: false });
    expect(response?.status()).toBe(200);
    const frame = frameOf(page);
    await expect(frame.getByRole('heading', { name: 'Checkout' }).textContent()).resolves.toBe(
      'Checkout',
    );
    // The frame told the page its height, and the page fitted the iframe to it.
    const child = page.frames().find((f) => f !== page.mainFrame());
    const height = await child?.evaluate<number>('document.body.scrollHeight');
    expect(height).toBeGreaterThan(200);
    await expect
      .poll(() => inPage<string>(page, "document.querySelector('#checkout iframe').style.height"))
      .toBe(`${height}px`);
    await screenshot(page, 'embedded-checkout-form');

    // A message that is not from Flint's frame (here the page's own) is ignored: seen by a
    // listener added after flint.js's, so flint.js had it first.
    await inPage(
      page,
      `window.addEventListener('message', function (e) { if (e.data && e.data.checkout_session_id === 'cs_forged') window.forgedSeen = true; });
      window.postMessage({ type: 'flint:complete', checkout_session_id: 'cs_forged', return_url: 'https://evil.example/' }, '*')`,
    );
    await expect.poll(() => inPage<boolean>(page, 'window.forgedSeen === true')).toBe(true);
    expect(await inPage<unknown[]>(page, 'window.completions')).toEqual([]);

    await payInFrame(frame, CARDS.visa);
    await expect.poll(() => inPage<number>(page, 'window.completions.length')).toBe(1);
    const completions = await inPage<unknown[]>(page, 'window.completions');
    expect(completions).toEqual([
      {
        checkoutSessionId: cs.checkout_session_id,
        status: 'complete',
        returnUrl: `${shopOrigin}/return?session_id=${cs.checkout_session_id}`,
      },
    ]);
    // Not followed (followReturnUrl: false): the page stays, the frame shows the receipt.
    expect(page.url()).toMatch(new RegExp(`^${shopOrigin}/checkout\\?`));
    await expect(frame.getByRole('heading', { name: 'Payment complete' }).count()).resolves.toBe(1);
    await screenshot(page, 'embedded-checkout-complete');
    expect((await getSession(merchant, cs.checkout_session_id)).status).toBe('complete');
    const order = await merchant.get(`/v1/orders/${cs.order_id}`);
    expect(order.order.status).toBe('PAID');
    // The frame is third-party: Flint set no cookie, and none was needed.
    expect(await tab.context.cookies()).toEqual([]);
  });

  it('3-D Secure (4000 0025 0000 3155) in the frame: the simulated bank page, then the page follows return_url', async () => {
    const merchant = await newMerchant(suite.server, 'Harbor Coffee');
    const cs = await embeddedSession(merchant, ['https://shop.example', shopOrigin]);
    const tab = await suite.openTab();
    const { page } = tab;
    await openShop(tab, cs.url);
    const frame = frameOf(page);
    await payInFrame(frame, CARDS.threeDSecure);
    await frame.getByRole('heading', { name: 'Confirm your payment' }).waitFor();
    await screenshot(page, 'embedded-checkout-3ds');
    await Promise.all([
      page.waitForURL(`${shopOrigin}/return?session_id=${cs.checkout_session_id}`),
      frame.getByRole('button', { name: 'Complete authentication' }).click(),
    ]);
    await expect(page.locator('#session').textContent()).resolves.toBe(cs.checkout_session_id);
    expect((await getSession(merchant, cs.checkout_session_id)).status).toBe('complete');
    const order = await merchant.get(`/v1/orders/${cs.order_id}`);
    expect(order.order.payments.map((p: { status: string }) => p.status)).toEqual(['succeeded']);
  });

  it('the SDK’s mountCheckout loads flint.js from the session’s server (under the page’s nonce) and mounts it', async () => {
    const merchant = await newMerchant(suite.server, 'Harbor Coffee');
    const cs = await embeddedSession(merchant);
    const tab = await suite.openTab();
    const { page } = tab;
    await page.goto(`${shopOrigin}/sdk-checkout?${new URLSearchParams({ session_url: cs.url })}`);
    const frame = frameOf(page);
    await payInFrame(frame, CARDS.visa);
    await expect.poll(() => inPage<number>(page, 'window.completions.length')).toBe(1);
    await expect(inPage(page, 'window.completions[0].checkoutSessionId')).resolves.toBe(
      cs.checkout_session_id,
    );
    expect((await getSession(merchant, cs.checkout_session_id)).status).toBe('complete');
  });

  it('a page of an origin the session does not allow cannot frame it: another site, or localhost on another port; nor a hosted session', async () => {
    const merchant = await newMerchant(suite.server, 'Harbor Coffee');
    const cs = await embeddedSession(merchant, [`http://localhost:${shop.port + 1}`]);
    const hosted = await merchant.post('/v1/checkout/sessions', {
      checkout_session: { line_items: LINES, success_url: `${shopOrigin}/return` },
    });
    const cases = [
      { origin: shopOrigin, url: cs.url, why: 'localhost on another port than allowed' },
      { origin: `http://127.0.0.1:${shop.port}`, url: cs.url, why: 'another site' },
      { origin: shopOrigin, url: hosted.checkout_session.url, why: 'a hosted session' },
    ];
    for (const { origin, url, why } of cases) {
      const tab = await suite.openTab();
      const { page } = tab;
      await openShop(tab, url, { origin });
      const child = page.frames().find((f) => f !== page.mainFrame());
      expect(child, why).toBeDefined();
      await expect
        .poll(() => inPage<boolean>(page, "document.querySelector('#checkout iframe') !== null"))
        .toBe(true);
      await expect
        .poll(
          () =>
            tab.problems.some((p) =>
              /violates the following Content Security Policy directive: "frame-ancestors/.test(p),
            ),
          { timeout: 5000 },
        )
        .toBe(true);
      tab.expectProblem(
        /^console error: Framing '.*' violates the following Content Security Policy directive: "frame-ancestors /,
      );
      // Nothing of the checkout is in the frame: no form, no message to the page.
      expect(await frameOf(page).getByRole('button', { name: /^Pay / }).count(), why).toBe(0);
      expect(await inPage<number>(page, 'window.messagesSeen'), why).toBe(0);
      expect(await inPage<unknown[]>(page, 'window.completions'), why).toEqual([]);
    }
    expect((await getSession(merchant, cs.checkout_session_id)).status).toBe('open');
  });
});
