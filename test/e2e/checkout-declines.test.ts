import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import {
  browserSuite,
  CARDS,
  expectStrictCsp,
  payWith,
  screenshot,
  skipBrowserTests,
  submitForm,
  textOf,
} from './browser.js';
import { createSession, getOrder, getSession, newMerchant, paymentIntentsOf } from './flint-api.js';

// Declined cards and the simulated 3-D Secure step: what the buyer sees, then a retry.

const DECLINED = 'Your card was declined. Try another card, or contact your bank.';
const INSUFFICIENT = 'Your card has insufficient funds. Try another card.';
const NOT_CONFIRMED = 'Your bank could not confirm this payment. Try again or use another card.';
const NOTHING_CHARGED = 'The payment did not go through. Nothing was charged.';

/** The form shows `message` on the card number field only, and keeps the email. */
async function expectCardError(page: Page, message: string, email: string) {
  const number = page.getByLabel('Card number', { exact: true });
  await expect(number.getAttribute('aria-invalid')).resolves.toBe('true');
  await expect(number.getAttribute('aria-describedby')).resolves.toContain('card_number-error');
  await expect(number.inputValue()).resolves.toBe('');
  const error = page.locator('#card_number-error');
  await expect(error.isVisible()).resolves.toBe(true);
  await expect(textOf(error)).resolves.toBe(message);
  for (const name of ['Email', 'Expiry date', 'Security code (CVC)']) {
    await expect(page.getByLabel(name, { exact: true }).getAttribute('aria-invalid')).resolves.toBe(
      null,
    );
  }
  await expect(page.getByLabel('Email', { exact: true }).inputValue()).resolves.toBe(email);
  const summary = page.getByRole('alert');
  await expect(textOf(summary)).resolves.toBe(`${NOTHING_CHARGED}\n\n${message}`);
  await expect(page.getByRole('link', { name: message }).getAttribute('href')).resolves.toBe(
    '#card_number',
  );
}

describe.skipIf(skipBrowserTests)('hosted checkout in a browser: declines and 3-D Secure', () => {
  const suite = browserSuite();
  const successOf = (cs: any) =>
    `${suite.merchant.successUrl}?session_id=${cs.checkout_session_id}`;

  it('a declined card (4000 0000 0000 0002) shows the decline on the card field, keeps the email; 4242 then pays', async () => {
    const merchant = await newMerchant(suite.server);
    const cs = await createSession(merchant, suite.merchant);
    const tab = await suite.openTab();
    const { page, payRequests } = tab;
    await page.goto(cs.url);
    const email = 'ana.silva@example.com';
    const declined = await payWith(page, { email, number: CARDS.declined });
    expect(declined.status()).toBe(402);
    tab.expectErrorStatusLogged(402);
    expect(page.url()).toBe(`${cs.url}/pay`);
    await expectStrictCsp(declined);
    // The card number is never sent back (the page's test-card hint aside).
    const numberTag = (await declined.text()).match(/<input id="card_number"[^>]*>/)?.[0];
    expect(numberTag).toBeDefined();
    expect(numberTag).not.toContain('value=');
    await expectCardError(page, DECLINED, email);
    await screenshot(page, 'decline');

    expect((await getSession(merchant, cs.checkout_session_id)).status).toBe('open');
    const paid = await payWith(page, { email: null, number: CARDS.visa });
    expect(paid.status()).toBe(303);
    expect(page.url()).toBe(successOf(cs));
    expect(payRequests).toHaveLength(2);
    const intents = await paymentIntentsOf(merchant, cs.order_id);
    expect(intents.map((pi) => [pi.status, pi.last_payment_error?.code ?? null])).toEqual([
      ['failed', 'card_declined'],
      ['succeeded', null],
    ]);
    expect(intents.map((pi) => pi.buyer_email)).toEqual([email, email]);
    expect((await getOrder(merchant, cs.order_id)).status).toBe('PAID');
    expect((await getSession(merchant, cs.checkout_session_id)).status).toBe('complete');
  });

  it('insufficient funds (4000 0000 0000 9995) says so on the card field; nothing is charged', async () => {
    const merchant = await newMerchant(suite.server);
    const cs = await createSession(merchant, suite.merchant);
    const tab = await suite.openTab();
    const { page } = tab;
    await page.goto(cs.url);
    const declined = await payWith(page, {
      email: 'li@example.com',
      number: CARDS.insufficientFunds,
    });
    expect(declined.status()).toBe(402);
    tab.expectErrorStatusLogged(402);
    await expectCardError(page, INSUFFICIENT, 'li@example.com');
    const intents = await paymentIntentsOf(merchant, cs.order_id);
    expect(intents.map((pi) => [pi.status, pi.last_payment_error?.code])).toEqual([
      ['failed', 'insufficient_funds'],
    ]);
    const order = await getOrder(merchant, cs.order_id);
    expect(order.status).toBe('OPEN');
    expect(order.net_amounts.paid_money.amount).toBe(0);
    expect((await getSession(merchant, cs.checkout_session_id)).status).toBe('open');
  });

  it('3-D Secure (4000 0025 0000 3155): "Confirm your payment", then "Complete authentication" (double-clicked: sent once) pays', async () => {
    const merchant = await newMerchant(suite.server);
    const cs = await createSession(merchant, suite.merchant);
    const { page, payRequests } = await suite.openTab();
    const authenticates: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().endsWith('/authenticate')) {
        authenticates.push(r.postData() ?? '');
      }
    });
    await page.goto(cs.url);
    const asked = await payWith(page, { number: CARDS.threeDSecure });
    expect(asked.status()).toBe(303);
    expect(page.url()).toBe(cs.url);
    await expect(page.title()).resolves.toBe('Confirm your payment');
    await expect(textOf(page.getByRole('heading', { level: 1 }))).resolves.toBe(
      'Confirm your payment',
    );
    await expect(textOf(page.locator('#auth-title + p'))).resolves.toBe(
      'Your bank asks you to confirm the payment of $65.00 to Lotus Yoga Supply.',
    );
    await expect(page.locator('#pay-form').count()).resolves.toBe(0);
    await screenshot(page, 'three-d-secure');
    // The page as a GET answers it: the same strict policy.
    await expectStrictCsp(await page.reload());
    const waiting = await paymentIntentsOf(merchant, cs.order_id);
    expect(waiting.map((pi) => pi.status)).toEqual(['requires_action']);
    expect((await getSession(merchant, cs.checkout_session_id)).status).toBe('open');

    const complete = page.getByRole('button', { name: 'Complete authentication' });
    const done = await submitForm(page, () => complete.dblclick());
    expect(done.status()).toBe(303);
    expect(page.url()).toBe(successOf(cs));
    expect(authenticates).toEqual([expect.stringContaining('result=succeed')]);
    expect(payRequests).toHaveLength(1);
    const intents = await paymentIntentsOf(merchant, cs.order_id);
    expect(intents.map((pi) => [pi.payment_intent_id, pi.status])).toEqual([
      [waiting[0].payment_intent_id, 'succeeded'],
    ]);
    expect((await getOrder(merchant, cs.order_id)).status).toBe('PAID');
    expect((await getSession(merchant, cs.checkout_session_id)).status).toBe('complete');
  });

  it('3-D Secure failed ("Fail authentication") returns to the form with a message; 4242 then pays', async () => {
    const merchant = await newMerchant(suite.server);
    const cs = await createSession(merchant, suite.merchant);
    const tab = await suite.openTab();
    const { page } = tab;
    await page.goto(cs.url);
    const email = 'kofi@example.com';
    await payWith(page, { email, number: CARDS.threeDSecure });
    expect(page.url()).toBe(cs.url);
    const failed = await submitForm(page, () =>
      page.getByRole('button', { name: 'Fail authentication' }).click(),
    );
    expect(failed.status()).toBe(402);
    tab.expectErrorStatusLogged(402);
    expect(page.url()).toBe(`${cs.url}/authenticate`);
    await expectStrictCsp(failed);
    await expectCardError(page, NOT_CONFIRMED, email);
    await screenshot(page, 'three-d-secure-failed');
    expect((await paymentIntentsOf(merchant, cs.order_id)).map((pi) => pi.status)).toEqual([
      'failed',
    ]);

    const paid = await payWith(page, { email: null, number: CARDS.visa });
    expect(paid.status()).toBe(303);
    expect(page.url()).toBe(successOf(cs));
    const intents = await paymentIntentsOf(merchant, cs.order_id);
    expect(intents.map((pi) => pi.status)).toEqual(['failed', 'succeeded']);
    expect((await getOrder(merchant, cs.order_id)).status).toBe('PAID');
  });
});
