import { describe, expect, it } from 'vitest';
import {
  browserSuite,
  expectStrictCsp,
  screenshot,
  skipBrowserTests,
  submitForm,
  textOf,
} from './browser.js';
import { createSession, getOrder, getSession, newMerchant, paymentIntentsOf } from './flint-api.js';

// An order with nothing to pay on the hosted checkout page, in Chromium: no card form, one
// "Complete order" button, and the order PAID without any payment.

describe.skipIf(skipBrowserTests)('hosted checkout in a browser: nothing to pay', () => {
  const suite = browserSuite();

  it('a 100 % coupon order shows "Complete order" and no card fields; clicking it (twice) completes the session once and lands on success_url', async () => {
    const merchant = await newMerchant(suite.server, 'Lotus Yoga Supply');
    await merchant.post('/v1/coupons', { coupon: { code: 'ALLFREE', percent_off: '100' } });
    const order = (
      await merchant.post('/v1/orders', {
        order: {
          line_items: [
            { name: 'Yoga mat', quantity: 1, unit_price_money: { amount: 3500, currency: 'USD' } },
          ],
          coupon_codes: ['ALLFREE'],
        },
      })
    ).order;
    expect(order.net_amounts.total_money.amount).toBe(0);
    const cs = await createSession(merchant, suite.merchant, { order_id: order.order_id });
    const { page, payRequests } = await suite.openTab();

    const response = await page.goto(cs.url);
    expect(response?.status()).toBe(200);
    await expectStrictCsp(response);
    await expect(page.locator('input[name=card_number]').count()).resolves.toBe(0);
    await expect(page.locator('input[name=email]').count()).resolves.toBe(0);
    await expect(page.getByRole('button', { name: /^Pay / }).count()).resolves.toBe(0);
    await expect(textOf(page.locator('#nothing-to-pay'))).resolves.toContain('no card is needed');
    const complete = page.getByRole('button', { name: 'Complete order' });
    await expect(complete.count()).resolves.toBe(1);
    // The form carries the page's CSRF token, as the card form does.
    await expect(
      page.locator('#complete-form input[name=csrf_token]').getAttribute('value'),
    ).resolves.toMatch(/.{20,}/);
    await screenshot(page, 'checkout-nothing-to-pay');

    const done = await submitForm(page, () => complete.dblclick());
    expect(done.status()).toBe(303);
    expect(page.url()).toBe(`${suite.merchant.successUrl}?session_id=${cs.checkout_session_id}`);
    // The page's script sends the form once, however often it is clicked.
    expect(payRequests).toHaveLength(1);

    expect((await getSession(merchant, cs.checkout_session_id)).status).toBe('complete');
    expect((await getOrder(merchant, order.order_id)).status).toBe('PAID');
    expect(await paymentIntentsOf(merchant, order.order_id)).toEqual([]);
    const events = await merchant.get(`/v1/events?object_id=${cs.checkout_session_id}`);
    expect(events.events.map((e: { type: string }) => e.type)).toEqual([
      'checkout.session.completed',
      'checkout.session.created',
    ]);
  });
});
