import { describe, expect, it } from 'vitest';
import {
  BUYER_EMAIL,
  browserSuite,
  CARDS,
  expectStrictCsp,
  fillCardForm,
  futureExpiry,
  inPage,
  payButton,
  payWith,
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
  usd,
} from './flint-api.js';

// Paying on the hosted checkout page in a real browser, and what the API then says.

describe.skipIf(skipBrowserTests)('hosted checkout in a browser: paying', () => {
  const suite = browserSuite();

  it('must hold: paying with 4242 4242 4242 4242 lands on success_url?session_id=<id>; the session is complete, its order PAID, and the guide’s refund endpoint refunds part, then the rest', async () => {
    const merchant = await newMerchant(suite.server, 'Lotus Yoga Supply');
    const catalog = await createCatalog(merchant);
    const order = await createFullOrder(merchant, catalog);
    const net = order.net_amounts;
    expect(net.total_money.amount).toBe(6740);
    const cs = await createSession(merchant, suite.merchant, { order_id: order.order_id });
    const { page, payRequests } = await suite.openTab();

    const response = await page.goto(cs.url);
    expect(response?.status()).toBe(200);
    await expectStrictCsp(response);
    await expect(page.title()).resolves.toBe('Pay Lotus Yoga Supply');
    await expect(textOf(page.locator('.merchant'))).resolves.toMatch(
      /^Lotus Yoga Supply\s*Test mode$/,
    );
    // The summary is the order exactly as the API priced it.
    const lines = await page.locator('ul.lines li').allInnerTexts();
    expect(lines.map((l) => l.replace(/\s+/g, ' '))).toEqual([
      `Yoga mat 1 × ${usd(3500)} ${usd(3500)}`,
      `Cork blocks 2 × ${usd(1500)} ${usd(3000)}`,
    ]);
    const rows = await page.locator('dl.totals > *').allTextContents();
    expect(rows).toEqual([
      'Subtotal',
      usd(net.subtotal_money.amount),
      'Discount (TENOFF)',
      usd(-net.discount_money.amount),
      `Sales tax ${order.taxes[0].percentage}%`,
      usd(net.tax_money.amount),
      'Shipping',
      usd(net.shipping_money.amount),
      'Tip',
      usd(net.tip_money.amount),
      'Total',
      usd(net.total_money.amount),
    ]);
    await expect(textOf(payButton(page))).resolves.toBe('Pay $67.40');
    await screenshot(page, 'checkout-form');

    await fillCardForm(page, { number: CARDS.visa });
    const paid = await submitForm(page, () => payButton(page).click());
    expect(paid.status()).toBe(303);
    expect(page.url()).toBe(`${suite.merchant.successUrl}?session_id=${cs.checkout_session_id}`);
    await expect(textOf(page.locator('#session-id'))).resolves.toBe(cs.checkout_session_id);
    await screenshot(page, 'success-landing');
    expect(payRequests).toHaveLength(1);

    const session = await getSession(merchant, cs.checkout_session_id);
    expect(session).toMatchObject({
      status: 'complete',
      amount_total: 6740,
      payment_intent: { amount: 6740, amount_received: 6740, status: 'succeeded' },
    });
    expect(session.latest_charge).toMatch(/^ch_/);
    const intents = await paymentIntentsOf(merchant, order.order_id);
    expect(intents.map((pi) => [pi.status, pi.amount, pi.buyer_email])).toEqual([
      ['succeeded', 6740, BUYER_EMAIL],
    ]);
    expect((await getOrder(merchant, order.order_id)).status).toBe('PAID');

    // The refund guide: a partial amount, then an empty body for everything left.
    const refundPath = `/v1/checkout/sessions/${cs.checkout_session_id}/refund`;
    const partial = (await merchant.post(refundPath, { checkout_session: { amount: 2000 } }))
      .checkout_session;
    expect(partial.refunds).toHaveLength(1);
    expect(partial.refunds[0]).toMatchObject({
      amount: 2000,
      status: 'succeeded',
      payment_intent_id: session.payment_intent_id,
      checkout_session_id: cs.checkout_session_id,
    });
    let after = await getOrder(merchant, order.order_id);
    expect(after.status).toBe('PARTIALLY_REFUNDED');
    expect(after.net_amounts.refunded_money.amount).toBe(2000);

    const rest = (await merchant.post(refundPath, { checkout_session: {} })).checkout_session;
    expect(rest.refunds.map((r: any) => [r.amount, r.status])).toEqual([
      [2000, 'succeeded'],
      [4740, 'succeeded'],
    ]);
    after = await getOrder(merchant, order.order_id);
    expect(after.status).toBe('REFUNDED');
    expect(after.net_amounts.refunded_money.amount).toBe(6740);
  });

  it('double-clicking Pay sends the form once and charges once', async () => {
    const merchant = await newMerchant(suite.server);
    const cs = await createSession(merchant, suite.merchant);
    const { page, payRequests } = await suite.openTab();
    await page.goto(cs.url);
    await fillCardForm(page, { number: CARDS.visa });
    const response = await submitForm(page, () => payButton(page).dblclick());
    expect(response.status()).toBe(303);
    expect(page.url()).toBe(`${suite.merchant.successUrl}?session_id=${cs.checkout_session_id}`);
    expect(payRequests).toHaveLength(1);
    const intents = await paymentIntentsOf(merchant, cs.order_id);
    expect(intents.map((pi) => pi.status)).toEqual(['succeeded']);
    expect((await getOrder(merchant, cs.order_id)).status).toBe('PAID');
  });

  it('after a valid submit the button is disabled and a second submit of the form is dropped', async () => {
    const merchant = await newMerchant(suite.server);
    const cs = await createSession(merchant, suite.merchant);
    const { page, payRequests } = await suite.openTab();
    await page.goto(cs.url);
    await fillCardForm(page, { number: CARDS.visa });
    // The POST is answered in the browser with a 204 (no navigation): the page stays.
    await page.route('**/pay', (route) => route.fulfill({ status: 204 }));
    const answered = page.waitForResponse((r) => r.url().endsWith('/pay'));
    const state = await inPage<string[]>(
      page,
      `(() => { const form = document.getElementById('pay-form'); form.requestSubmit(); form.requestSubmit();
        const b = form.querySelector('button[type=submit]'); return [String(b.disabled), b.textContent]; })()`,
    );
    expect(state).toEqual(['true', 'Processing…']);
    expect((await answered).status()).toBe(204);
    // A later request: a second POST, had there been one, would have been seen before it.
    await page.unroute('**/pay');
    await page.goto(cs.url);
    expect(payRequests).toHaveLength(1);
    expect(await paymentIntentsOf(merchant, cs.order_id)).toEqual([]);
  });

  it('the same form posted twice at once (the page’s script bypassed) charges once', async () => {
    const merchant = await newMerchant(suite.server);
    const cs = await createSession(merchant, suite.merchant);
    const tab = await suite.openTab();
    await tab.page.goto(cs.url);
    await fillCardForm(tab.page, { number: CARDS.visa });
    const form = await inPage<Record<string, string>>(
      tab.page,
      `Object.fromEntries(new FormData(document.getElementById('pay-form')))`,
    );
    expect(Object.keys(form).sort()).toEqual(
      ['attempt', 'card_cvc', 'card_expiry', 'card_number', 'csrf_token', 'email'].sort(),
    );
    // The tab's own request context: the browser's cookies (the CSRF cookie) go along.
    const post = () => tab.page.request.post(`${cs.url}/pay`, { form, maxRedirects: 0 });
    const answers = await Promise.all([post(), post()]);
    const statuses = answers.map((a) => a.status()).sort();
    expect([
      [303, 303],
      [303, 409],
    ]).toContainEqual(statuses);
    const success = `${suite.merchant.successUrl}?session_id=${cs.checkout_session_id}`;
    for (const answer of answers.filter((a) => a.status() === 303)) {
      expect(answer.headers().location).toBe(success);
    }
    const intents = await paymentIntentsOf(merchant, cs.order_id);
    expect(intents.map((pi) => pi.status)).toEqual(['succeeded']);
    // A third post of the same form after the payment: still one charge, on to success_url.
    const again = await post();
    expect(again.status()).toBe(303);
    expect(again.headers().location).toBe(success);
    expect(await paymentIntentsOf(merchant, cs.order_id)).toHaveLength(1);
    expect((await getOrder(merchant, cs.order_id)).status).toBe('PAID');
  });

  it('two tabs of one checkout paying at the same moment charge once', async () => {
    const merchant = await newMerchant(suite.server);
    const cs = await createSession(merchant, suite.merchant);
    const tabs = [await suite.openTab(), await suite.openTab()];
    for (const { page } of tabs) {
      await page.goto(cs.url);
      await fillCardForm(page, { number: CARDS.visa });
    }
    const answers = await Promise.all(
      tabs.map(({ page }) => submitForm(page, () => payButton(page).click())),
    );
    const success = `${suite.merchant.successUrl}?session_id=${cs.checkout_session_id}`;
    expect(answers.map((a) => a.status())).toContain(303);
    for (const [i, answer] of answers.entries()) {
      const tab = tabs[i];
      if (!tab) throw new Error('a tab per answer');
      if (answer.status() === 303) {
        expect(tab.page.url()).toBe(success);
      } else {
        // The other payment still under way: the page says so and charges nothing.
        expect(answer.status()).toBe(409);
        tab.expectErrorStatusLogged(409);
        await expect(textOf(tab.page.getByRole('alert'))).resolves.toContain(
          'A payment for this order is already being processed.',
        );
      }
    }
    const intents = await paymentIntentsOf(merchant, cs.order_id);
    expect(intents.map((pi) => [pi.status, pi.amount])).toEqual([['succeeded', 6500]]);
    const order = await getOrder(merchant, cs.order_id);
    expect(order.status).toBe('PAID');
    expect(order.net_amounts.paid_money.amount).toBe(6500);
  });

  it('the form can be filled and sent with the keyboard only (Tab, typing, Enter)', async () => {
    const merchant = await newMerchant(suite.server);
    const cs = await createSession(merchant, suite.merchant);
    const { page, payRequests } = await suite.openTab();
    await page.goto(cs.url);
    const focused = () => inPage<string>(page, 'document.activeElement.id');
    const keyboard = page.keyboard;
    await keyboard.press('Tab');
    await expect(focused()).resolves.toBe('email');
    await keyboard.type(BUYER_EMAIL);
    await keyboard.press('Tab');
    await expect(focused()).resolves.toBe('card_number');
    await keyboard.type('4242424242424242');
    // The field groups the digits as they are typed.
    await expect(page.getByLabel('Card number').inputValue()).resolves.toBe(CARDS.visa);
    await keyboard.press('Tab'); // the "Test cards" hint
    await keyboard.press('Tab');
    await expect(focused()).resolves.toBe('card_expiry');
    await keyboard.type(futureExpiry());
    await keyboard.press('Tab');
    await expect(focused()).resolves.toBe('card_cvc');
    await keyboard.type('123');
    const response = await submitForm(page, () => keyboard.press('Enter'));
    expect(response.status()).toBe(303);
    expect(page.url()).toBe(`${suite.merchant.successUrl}?session_id=${cs.checkout_session_id}`);
    expect(payRequests).toHaveLength(1);
    expect((await getSession(merchant, cs.checkout_session_id)).status).toBe('complete');
    expect((await getOrder(merchant, cs.order_id)).status).toBe('PAID');
  });

  it('without its script the page still pays (the server checks the card again)', async () => {
    const merchant = await newMerchant(suite.server);
    const cs = await createSession(merchant, suite.merchant);
    const { page } = await suite.openTab({ javaScriptEnabled: false });
    await page.goto(cs.url);
    const response = await payWith(page, { number: CARDS.visa });
    expect(response.status()).toBe(303);
    expect(page.url()).toBe(`${suite.merchant.successUrl}?session_id=${cs.checkout_session_id}`);
    expect((await getOrder(merchant, cs.order_id)).status).toBe('PAID');
  });
});
