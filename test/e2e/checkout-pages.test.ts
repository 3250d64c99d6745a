import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import {
  browserSuite,
  CARDS,
  expectStrictCsp,
  fillCardForm,
  inPage,
  payButton,
  screenshot,
  skipBrowserTests,
  submitForm,
  textOf,
} from './browser.js';
import {
  createCatalog,
  createFullOrder,
  createSession,
  getOrder,
  getSession,
  newMerchant,
  paymentIntentsOf,
} from './flint-api.js';

// Closed sessions, a phone's width and the pages' security policy.

async function expectNoForm(page: Page) {
  await expect(page.locator('form').count()).resolves.toBe(0);
  await expect(page.locator('input').count()).resolves.toBe(0);
  await expect(page.getByRole('button').count()).resolves.toBe(0);
}

describe.skipIf(skipBrowserTests)('hosted checkout in a browser: closed pages, phone, CSP', () => {
  const suite = browserSuite();

  it('an expired session shows "This checkout has expired" (410) and no form', async () => {
    const merchant = await newMerchant(suite.server);
    const cs = await createSession(merchant, suite.merchant);
    await merchant.post(`/v1/checkout/sessions/${cs.checkout_session_id}/expire`);
    const tab = await suite.openTab();
    const { page } = tab;
    const response = await page.goto(cs.url);
    expect(response?.status()).toBe(410);
    tab.expectErrorStatusLogged(410);
    await expectStrictCsp(response);
    await expect(textOf(page.getByRole('heading', { level: 1 }))).resolves.toBe(
      'This checkout has expired',
    );
    await expect(page.title()).resolves.toBe('This checkout has expired');
    await expectNoForm(page);
    await expect(page.getByRole('link', { name: 'Return' }).getAttribute('href')).resolves.toBe(
      suite.merchant.cancelUrl,
    );
    await screenshot(page, 'expired');
  });

  it('a session expired while its form is open: paying leads to the expired page and charges nothing', async () => {
    const merchant = await newMerchant(suite.server);
    const cs = await createSession(merchant, suite.merchant);
    const tab = await suite.openTab();
    const { page } = tab;
    await page.goto(cs.url);
    await fillCardForm(page, { number: CARDS.visa });
    await merchant.post(`/v1/checkout/sessions/${cs.checkout_session_id}/expire`);
    const response = await submitForm(page, () => payButton(page).click());
    expect(response.status()).toBe(303);
    tab.expectErrorStatusLogged(410);
    expect(page.url()).toBe(cs.url);
    await expect(textOf(page.getByRole('heading', { level: 1 }))).resolves.toBe(
      'This checkout has expired',
    );
    await expectNoForm(page);
    expect(await paymentIntentsOf(merchant, cs.order_id)).toEqual([]);
    expect((await getSession(merchant, cs.checkout_session_id)).status).toBe('expired');
  });

  it('a complete session shows "Payment complete", no form, and a link on to success_url', async () => {
    const merchant = await newMerchant(suite.server);
    const cs = await createSession(merchant, suite.merchant);
    await merchant.post(`/v1/orders/${cs.order_id}/pay`, {
      payment: { payment_source_token: 'tok_visa' },
    });
    const { page } = await suite.openTab();
    const response = await page.goto(cs.url);
    expect(response?.status()).toBe(200);
    await expectStrictCsp(response);
    await expect(textOf(page.getByRole('heading', { level: 1 }))).resolves.toBe('Payment complete');
    await expect(
      page.getByText('Thank you. Your payment to Lotus Yoga Supply was received.').isVisible(),
    ).resolves.toBe(true);
    await expectNoForm(page);
    await screenshot(page, 'complete');
    await Promise.all([
      page.waitForURL(`${suite.merchant.successUrl}?session_id=${cs.checkout_session_id}`),
      page.getByRole('link', { name: 'Continue' }).click(),
    ]);
    await expect(textOf(page.locator('#session-id'))).resolves.toBe(cs.checkout_session_id);
  });

  it('an unknown session id shows "Checkout not found" (404)', async () => {
    const tab = await suite.openTab();
    const response = await tab.page.goto(
      `${suite.server.url}/checkout/cs_01m84sgeyjf21ada62ac1e65xf`,
    );
    expect(response?.status()).toBe(404);
    tab.expectErrorStatusLogged(404);
    await expectStrictCsp(response);
    await expect(textOf(tab.page.getByRole('heading', { level: 1 }))).resolves.toBe(
      'Checkout not found',
    );
    await expectNoForm(tab.page);
  });

  it('at a phone’s width (375×740) nothing scrolls sideways, the Pay button is on screen when scrolled to, and paying works by touch', async () => {
    // Long names, with and without spaces, wrap instead of widening the page.
    const merchant = await newMerchant(suite.server, 'OrganicYogaSuppliesInternationalLtd');
    const catalog = await createCatalog(merchant, {
      mat: 'Organic natural rubber yoga mat, extra long (200 cm), midnight blue',
      blocks: 'REPLACEMENTPART000123456789ABCDEF-https://example.com/products/yoga-mat',
    });
    const order = await createFullOrder(merchant, catalog);
    const cs = await createSession(merchant, suite.merchant, { order_id: order.order_id });
    const { page } = await suite.openTab({
      viewport: { width: 375, height: 740 },
      isMobile: true,
      hasTouch: true,
      deviceScaleFactor: 2,
    });
    await page.goto(cs.url);
    const expectNoSidewaysScroll = async () => {
      const { scrollWidth, innerWidth } = await inPage<{ scrollWidth: number; innerWidth: number }>(
        page,
        '({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth })',
      );
      expect(innerWidth).toBe(375);
      expect(scrollWidth).toBeLessThanOrEqual(innerWidth);
    };
    await expectNoSidewaysScroll();
    const pay = payButton(page);
    await pay.scrollIntoViewIfNeeded();
    const box = await pay.boundingBox();
    expect(box).not.toBeNull();
    if (box) {
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(375);
      expect(box.y).toBeGreaterThanOrEqual(0);
      expect(box.y + box.height).toBeLessThanOrEqual(740);
    }
    await expect(pay.isVisible()).resolves.toBe(true);
    await screenshot(page, 'phone');

    // With every field's error shown, still nothing wider than the screen.
    await pay.tap();
    await expect(page.locator('#card_number-error').isVisible()).resolves.toBe(true);
    await expectNoSidewaysScroll();
    await screenshot(page, 'phone-errors');

    await fillCardForm(page, { number: CARDS.visa });
    const response = await submitForm(page, () => pay.tap());
    expect(response.status()).toBe(303);
    expect(page.url()).toBe(`${suite.merchant.successUrl}?session_id=${cs.checkout_session_id}`);
    expect((await getOrder(merchant, order.order_id)).status).toBe('PAID');
  });

  it('at 390 px the CVC field sits on the expiry field’s row, beside it, even when its label wraps', async () => {
    const merchant = await newMerchant(suite.server);
    const cs = await createSession(merchant, suite.merchant);
    const { page } = await suite.openTab({ viewport: { width: 390, height: 844 }, isMobile: true });
    await page.goto(cs.url);
    const box = async (label: string) => {
      const found = await page.getByLabel(label, { exact: true }).boundingBox();
      if (!found) throw new Error(`${label} is not on the page`);
      return found;
    };
    const expiry = await box('Expiry date');
    const cvc = await box('Security code (CVC)');
    expect(cvc.y).toBe(expiry.y);
    expect(cvc.x).toBeGreaterThan(expiry.x + expiry.width);
    await screenshot(page, 'checkout-390');
  });

  it('CSP: a nonce-only script-src, frame-ancestors none, the usual hardening headers; framing is refused', async () => {
    const merchant = await newMerchant(suite.server);
    const cs = await createSession(merchant, suite.merchant);
    const tab = await suite.openTab();
    const { page } = tab;
    const response = await page.goto(cs.url);
    await expectStrictCsp(response);
    const headers = response?.headers() ?? {};
    expect(headers).toMatchObject({
      'x-frame-options': 'DENY',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-store',
    });
    const policy = headers['content-security-policy'];
    expect(policy).toContain(`form-action 'self' ${suite.merchant.origin}`);
    expect(policy).toContain("base-uri 'none'");
    // Each response its own nonce.
    const again = await page.reload();
    expect(again?.headers()['content-security-policy']).not.toBe(policy);
    await expectStrictCsp(again);

    // The merchant's site cannot frame the checkout page.
    const refused = page.waitForEvent('console', (m) => /frame-ancestors/.test(m.text()));
    await page.goto(`${suite.merchant.origin}/frame?src=${encodeURIComponent(cs.url)}`);
    await refused;
    tab.expectProblem(
      /^console error: Framing '[^']+' violates the following Content Security Policy directive: "frame-ancestors 'none'"/,
    );
    await expect(page.frameLocator('#frame').locator('#pay-form').count()).resolves.toBe(0);
  });

  it('the problem watcher sees a CSP violation when one happens (the control for every other test)', async () => {
    const merchant = await newMerchant(suite.server);
    const cs = await createSession(merchant, suite.merchant);
    const tab = await suite.openTab();
    await tab.page.goto(cs.url);
    const reported = tab.page.waitForEvent('console', (m) => m.text().startsWith('CSP violation'));
    const ran = await inPage<boolean>(
      tab.page,
      `(() => { const s = document.createElement('script'); s.textContent = 'window.injected = true';
        document.body.appendChild(s); return window.injected === true; })()`,
    );
    expect(ran).toBe(false);
    await reported;
    tab.expectProblem(/^console error: CSP violation: script-src-elem blocked inline$/);
    tab.expectProblem(/^console error: Executing inline script violates .*script-src/);
  });
});
