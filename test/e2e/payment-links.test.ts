import type { Locator } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { create } from '../catalog-fixtures.js';
import { request } from '../harness.js';
import {
  browserSuite,
  CARDS,
  expectStrictCsp,
  inPage,
  payButton,
  payWith,
  screenshot,
  skipBrowserTests,
  submitForm,
  textOf,
} from './browser.js';
import { getOrder, type Merchant, newMerchant, paymentIntentsOf, usd } from './flint-api.js';

// A payment link opened in a browser: /pay/{id} makes an order and a checkout session and
// sends the buyer to its page; paying ends on the link's completion page (or its redirect).

async function createLink(merchant: Merchant, fields: Record<string, unknown> = {}) {
  const { server, key } = merchant;
  const product = await create(server, key, 'products', 'product', { name: 'Meditation cushion' });
  const price = await create(server, key, 'prices', 'price', {
    product_id: product.product_id,
    unit_amount: 4500,
    currency: 'USD',
  });
  const body = await merchant.post('/v1/payment_links', {
    payment_link: {
      line_items: [
        {
          price_id: price.price_id,
          quantity: 1,
          adjustable_quantity: { enabled: true, minimum: 1, maximum: 5 },
        },
      ],
      ...fields,
    },
  });
  return body.payment_link;
}

/** The link's checkout sessions (each visit makes one), newest first. */
async function sessionsOf(merchant: Merchant, linkId: string): Promise<any[]> {
  const body = await merchant.get('/v1/checkout/sessions?limit=100');
  return body.checkout_sessions.filter((s: any) => s.metadata.payment_link_id === linkId);
}

describe.skipIf(skipBrowserTests)('payment links in a browser', () => {
  const suite = browserSuite();

  it('opening /pay/{id} leads to the hosted page; paying lands on "Payment received" and the order is PAID', async () => {
    const merchant = await newMerchant(suite.server, 'Quiet Mind Studio');
    const link = await createLink(merchant);
    const { page } = await suite.openTab();
    // A marketer's tag rides along and is ignored; the buyer picked 3.
    const response = await page.goto(`${link.url}?quantity=3&utm_source=newsletter`);
    expect(response?.status()).toBe(200);
    await expectStrictCsp(response);
    expect(page.url()).toMatch(new RegExp(`^${suite.server.url}/checkout/cs_[0-9a-z]{26}$`));
    const sessionId = page.url().split('/').pop();
    await expect(page.title()).resolves.toBe('Pay Quiet Mind Studio');
    const lines = await page.locator('ul.lines li').allInnerTexts();
    expect(lines.map((l) => l.replace(/\s+/g, ' '))).toEqual([
      `Meditation cushion 3 × ${usd(4500)} ${usd(13500)}`,
    ]);
    await expect(textOf(payButton(page))).resolves.toBe('Pay $135.00');
    await screenshot(page, 'payment-link-checkout');

    const paid = await payWith(page, { number: CARDS.visa });
    expect(paid.status()).toBe(303);
    expect(page.url()).toBe(`${link.url}/complete?session_id=${sessionId}`);
    await expect(textOf(page.getByRole('heading', { level: 1 }))).resolves.toBe('Payment received');
    await expect(page.getByText('Thank you. Your payment was received.').isVisible()).resolves.toBe(
      true,
    );
    await screenshot(page, 'payment-link-complete');
    await expectStrictCsp(await page.reload());

    const sessions = await sessionsOf(merchant, link.payment_link_id);
    expect(sessions.map((s) => [s.checkout_session_id, s.status])).toEqual([
      [sessionId, 'complete'],
    ]);
    const order = await getOrder(merchant, sessions[0].order_id);
    expect(order.status).toBe('PAID');
    expect(order.line_items.map((l: any) => [l.name, l.quantity])).toEqual([
      ['Meditation cushion', 3],
    ]);
    expect(order.net_amounts.paid_money.amount).toBe(13500);
    expect((await paymentIntentsOf(merchant, order.order_id)).map((pi) => pi.status)).toEqual([
      'succeeded',
    ]);
  });

  it('a link with after_completion.redirect_url sends the buyer on to it with session_id', async () => {
    const merchant = await newMerchant(suite.server, 'Quiet Mind Studio');
    const link = await createLink(merchant, {
      after_completion: { redirect_url: suite.merchant.successUrl },
    });
    const { page } = await suite.openTab();
    await page.goto(link.url);
    const sessionId = page.url().split('/').pop();
    expect(sessionId).toMatch(/^cs_/);
    await payWith(page, { number: CARDS.visa });
    expect(page.url()).toBe(`${suite.merchant.successUrl}?session_id=${sessionId}`);
    await expect(textOf(page.locator('#session-id'))).resolves.toBe(sessionId);
    const [session] = await sessionsOf(merchant, link.payment_link_id);
    expect(session).toMatchObject({ checkout_session_id: sessionId, status: 'complete' });
    expect((await getOrder(merchant, session.order_id)).status).toBe('PAID');
  });

  it('the buyer changes the quantity on the page (Update, no script needed), pays the new total, and can cancel back to the merchant', async () => {
    const merchant = await newMerchant(suite.server, 'Quiet Mind Studio');
    const link = await createLink(merchant, { cancel_url: suite.merchant.cancelUrl });
    const tab = await suite.openTab();
    const { page } = tab;
    await page.goto(link.url);
    const sessionUrl = page.url();
    const quantity = page.getByLabel('Quantity', { exact: true });
    await expect(quantity.inputValue()).resolves.toBe('1');
    await expect(textOf(payButton(page))).resolves.toBe('Pay $45.00');

    // Out of bounds: the server says so on the page, and nothing changes.
    await quantity.fill('9');
    const refused = await submitForm(
      page,
      () => page.getByRole('button', { name: 'Update' }).click(),
      /\/quantity$/,
    );
    expect(refused.status()).toBe(422);
    tab.expectErrorStatusLogged(422);
    await expect(textOf(page.locator('#quantity-error'))).resolves.toBe(
      'Choose a quantity between 1 and 5',
    );
    await expect(textOf(payButton(page))).resolves.toBe('Pay $45.00');

    await page.getByLabel('Quantity', { exact: true }).fill('4');
    const changed = await submitForm(
      page,
      () => page.getByRole('button', { name: 'Update' }).click(),
      /\/quantity$/,
    );
    expect(changed.status()).toBe(303);
    expect(page.url()).toBe(sessionUrl);
    const lines = await page.locator('ul.lines li').allInnerTexts();
    expect(lines.map((l) => l.replace(/\s+/g, ' '))).toEqual([
      `Meditation cushion 4 × ${usd(4500)} ${usd(18000)}`,
    ]);
    await expect(page.getByLabel('Quantity', { exact: true }).inputValue()).resolves.toBe('4');
    await expect(textOf(payButton(page))).resolves.toBe('Pay $180.00');
    const cancel = page.getByRole('link', { name: 'Cancel and return to Quiet Mind Studio' });
    await expect(cancel.getAttribute('href')).resolves.toBe(suite.merchant.cancelUrl);
    await screenshot(page, 'payment-link-quantity');

    const paid = await payWith(page, { number: CARDS.visa });
    expect(paid.status()).toBe(303);
    const [session] = await sessionsOf(merchant, link.payment_link_id);
    expect(session).toMatchObject({ status: 'complete', cancel_url: suite.merchant.cancelUrl });
    const order = await getOrder(merchant, session.order_id);
    expect(order.status).toBe('PAID');
    expect(order.line_items.map((l: any) => [l.name, l.quantity])).toEqual([
      ['Meditation cushion', 4],
    ]);
    expect(order.net_amounts.total_money.amount).toBe(18000);
    expect(order.net_amounts.paid_money.amount).toBe(18000);

    // Another visit: its Cancel link leads back to the merchant's page.
    await page.goto(link.url);
    await page.getByRole('link', { name: 'Cancel and return to Quiet Mind Studio' }).click();
    await page.waitForURL(suite.merchant.cancelUrl);
    await expect(textOf(page.getByRole('heading', { level: 1 }))).resolves.toBe(
      'Checkout canceled',
    );
  });

  it('at 390 px the CVC field sits beside the expiry field, each label on one line', async () => {
    const merchant = await newMerchant(suite.server);
    const link = await createLink(merchant);
    const { page } = await suite.openTab({ viewport: { width: 390, height: 844 }, isMobile: true });
    await page.goto(link.url);
    const box = async (locator: Locator) => {
      const found = await locator.boundingBox();
      if (!found) throw new Error('not on the page');
      return found;
    };
    const expiry = await box(page.getByLabel('Expiry date', { exact: true }));
    const cvc = await box(page.getByLabel('Security code (CVC)', { exact: true }));
    expect(cvc.y).toBe(expiry.y);
    expect(cvc.x).toBeGreaterThan(expiry.x + expiry.width);
    const lineHeight = await inPage<number>(
      page,
      "parseFloat(getComputedStyle(document.querySelector('label[for=card_cvc]')).lineHeight)",
    );
    const expiryLabel = await box(page.locator('label[for=card_expiry]'));
    const cvcLabel = await box(page.locator('label[for=card_cvc]'));
    expect(expiryLabel.height).toBe(lineHeight);
    expect(cvcLabel.height).toBe(lineHeight);
    const { scrollWidth, innerWidth } = await inPage<{ scrollWidth: number; innerWidth: number }>(
      page,
      '({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth })',
    );
    expect(scrollWidth).toBeLessThanOrEqual(innerWidth);
    expect(cvc.x + cvc.width).toBeLessThanOrEqual(innerWidth);
    await screenshot(page, 'payment-link-390');
  });

  it('a deactivated link shows "Link no longer active" (410) and makes no order', async () => {
    const merchant = await newMerchant(suite.server);
    const link = await createLink(merchant);
    const res = await request(suite.server, 'PATCH', `/v1/payment_links/${link.payment_link_id}`, {
      key: merchant.key,
      body: { payment_link: { active: false } },
    });
    expect(res.status, res.text).toBe(200);
    const tab = await suite.openTab();
    const response = await tab.page.goto(link.url);
    expect(response?.status()).toBe(410);
    tab.expectErrorStatusLogged(410);
    await expectStrictCsp(response);
    await expect(textOf(tab.page.getByRole('heading', { level: 1 }))).resolves.toBe(
      'Link no longer active',
    );
    await expect(tab.page.locator('form').count()).resolves.toBe(0);
    expect(await sessionsOf(merchant, link.payment_link_id)).toEqual([]);
  });
});
