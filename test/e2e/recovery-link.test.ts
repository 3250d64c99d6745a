import { describe, expect, it } from 'vitest';
import {
  browserSuite,
  CARDS,
  expectStrictCsp,
  inPage,
  payWith,
  screenshot,
  skipBrowserTests,
  submitForm,
  textOf,
} from './browser.js';
import { type Merchant, newMerchant } from './flint-api.js';

// A recovery link's page in a real browser: a partly paid order's balance, paid with
// checkout's card form and the sandbox's 3-D Secure step, then the receipt.

/** An order of $80.00 with $30.00 paid, and a recovery link for the rest. */
async function partlyPaidLink(merchant: Merchant) {
  const order = await merchant.post('/v1/orders', {
    order: {
      line_items: [
        { name: 'Yoga mat', quantity: 2, unit_price_money: { amount: 3000 } },
        { name: 'Strap', quantity: 1, unit_price_money: { amount: 2000 } },
      ],
      currency: 'usd',
    },
  });
  const orderId = order.order.order_id as string;
  await merchant.post(`/v1/orders/${orderId}/pay`, {
    payment: { payment_source_token: 'tok_visa', amount: 3000 },
  });
  const link = (await merchant.post(`/v1/orders/${orderId}/recovery_links`, { recovery_link: {} }))
    .recovery_link;
  expect(link.url).toMatch(/\/recover\/[A-Za-z0-9_-]{32}$/);
  return { orderId, linkId: link.recovery_link_id as string, url: link.url as string };
}

describe.skipIf(skipBrowserTests)('recovery link page in a browser', () => {
  const suite = browserSuite();

  it('shows the balance, pays it with the 3-D Secure card 4000 0025 0000 3155, and shows the receipt', async () => {
    const merchant = await newMerchant(suite.server, 'Lotus Yoga Supply');
    const { orderId, linkId, url } = await partlyPaidLink(merchant);
    const { page } = await suite.openTab({ viewport: { width: 390, height: 844 }, isMobile: true });

    const response = await page.goto(url);
    expect(response?.status()).toBe(200);
    await expectStrictCsp(response);
    await expect(textOf(page.locator('h1'))).resolves.toBe('Complete your payment');
    await expect(textOf(page.locator('#link-status'))).resolves.toBe('$50.00 left to pay');
    await expect(textOf(page.locator('#balance'))).resolves.toBe('$50.00');
    const { scrollWidth, innerWidth } = await inPage<{ scrollWidth: number; innerWidth: number }>(
      page,
      '({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth })',
    );
    expect(scrollWidth).toBeLessThanOrEqual(innerWidth);
    await screenshot(page, 'recovery-open');

    const asked = await payWith(page, { number: CARDS.threeDSecure });
    expect(asked.status()).toBe(303);
    await expect(textOf(page.locator('h1'))).resolves.toBe('Confirm your payment');
    await screenshot(page, 'recovery-3ds');
    const done = await submitForm(page, () =>
      page.getByRole('button', { name: 'Complete authentication' }).click(),
    );
    expect(done.status()).toBe(303);
    expect(page.url()).toBe(url);
    await expect(textOf(page.locator('#receipt'))).resolves.toMatch(
      /Paid \$80\.00 in all[\s\S]*Paid with Visa •••• (4242|3155)/,
    );
    await expect(page.locator('#pay-form').count()).resolves.toBe(0);
    await screenshot(page, 'recovery-receipt');
    expect((await merchant.get(`/v1/orders/${orderId}`)).order.status).toBe('PAID');
    expect((await merchant.get(`/v1/recovery_links/${linkId}`)).recovery_link).toMatchObject({
      status: 'completed',
      amount: { amount: 0 },
    });
  });
});
