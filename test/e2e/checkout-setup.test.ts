import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import {
  browserSuite,
  CARDS,
  expectStrictCsp,
  fillCardForm,
  screenshot,
  skipBrowserTests,
  submitForm,
  textOf,
} from './browser.js';
import { getSession, type Merchant, newMerchant } from './flint-api.js';

// A setup-mode checkout session in Chromium: the customer adds a card on the hosted page,
// and the merchant then sees it as the customer's default payment method through the API.

const saveButton = (page: Page) => page.getByRole('button', { name: 'Save card' });

async function setupSession(merchant: Merchant, successUrl: string) {
  const customer = (
    await merchant.post('/v1/customers', {
      customer: { email: 'mia@example.com', name: 'Mia Chen' },
    })
  ).customer;
  const cs = (
    await merchant.post('/v1/checkout/sessions', {
      checkout_session: {
        mode: 'setup',
        customer_id: customer.customer_id,
        success_url: successUrl,
      },
    })
  ).checkout_session;
  return { customer, cs };
}

describe.skipIf(skipBrowserTests)('a setup-mode checkout session in a browser', () => {
  const suite = browserSuite();

  it("adds a card on the page: it becomes the customer's default, then success_url", async () => {
    const merchant = await newMerchant(suite.server);
    const { customer, cs } = await setupSession(merchant, suite.merchant.successUrl);
    const { page } = await suite.openTab();
    const shown = await page.goto(cs.url);
    await expectStrictCsp(shown);
    await expect(page.title()).resolves.toBe('Save a card with Lotus Yoga Supply');
    await expect(textOf(page.locator('#customer'))).resolves.toBe('For Mia Chen (mia@example.com)');
    await expect(page.getByLabel('Email', { exact: true }).inputValue()).resolves.toBe(
      'mia@example.com',
    );
    await expect(page.getByText(/Pay \$/).count()).resolves.toBe(0);
    await fillCardForm(page, { email: null, number: CARDS.visa });
    await screenshot(page, 'setup-page');
    const saved = await submitForm(page, () => saveButton(page).click());
    expect(saved.status()).toBe(303);
    expect(page.url()).toBe(`${suite.merchant.successUrl}?session_id=${cs.checkout_session_id}`);

    const session = await getSession(merchant, cs.checkout_session_id);
    expect(session).toMatchObject({ mode: 'setup', status: 'complete', order_id: null });
    const owner = (await merchant.get(`/v1/customers/${customer.customer_id}`)).customer;
    expect(owner.default_payment_method_id).toBe(session.payment_method_id);
    const method = (await merchant.get(`/v1/payment_methods/${session.payment_method_id}`))
      .payment_method;
    expect([method.customer_id, method.card.brand, method.card.last4]).toEqual([
      customer.customer_id,
      'visa',
      '4242',
    ]);
    // Back on the page: it says the card was saved, and saves nothing more.
    await page.goto(cs.url);
    await expect(page.title()).resolves.toBe('Card saved');
    await expect(textOf(page.locator('#saved-card'))).resolves.toBe('Visa •••• 4242');
  });

  it('a card declined at saving (tok_chargeDeclined) shows why and saves nothing; 4242 then saves', async () => {
    const merchant = await newMerchant(suite.server);
    const { customer, cs } = await setupSession(merchant, suite.merchant.successUrl);
    const tab = await suite.openTab();
    const { page } = tab;
    await page.goto(cs.url);
    await fillCardForm(page, { email: null, number: CARDS.declined });
    const declined = await submitForm(page, () => saveButton(page).click());
    expect(declined.status()).toBe(402);
    tab.expectErrorStatusLogged(402);
    const error = page.locator('#card_number-error');
    await expect(textOf(error)).resolves.toBe(
      'Your card was declined. Try another card, or contact your bank.',
    );
    await expect(textOf(page.getByRole('alert').first())).resolves.toContain(
      'The card was not saved. Nothing was charged.',
    );
    await screenshot(page, 'setup-declined');
    expect((await getSession(merchant, cs.checkout_session_id)).status).toBe('open');
    const none = await merchant.get(`/v1/customers/${customer.customer_id}/payment_methods`);
    expect(none.payment_methods).toEqual([]);
    const before = (await merchant.get(`/v1/customers/${customer.customer_id}`)).customer;
    expect(before.default_payment_method_id).toBeNull();

    await fillCardForm(page, { email: null, number: CARDS.visa });
    const saved = await submitForm(page, () => saveButton(page).click());
    expect(saved.status()).toBe(303);
    expect(page.url()).toBe(`${suite.merchant.successUrl}?session_id=${cs.checkout_session_id}`);
    const session = await getSession(merchant, cs.checkout_session_id);
    const owner = (await merchant.get(`/v1/customers/${customer.customer_id}`)).customer;
    expect(owner.default_payment_method_id).toBe(session.payment_method_id);
  });
});
