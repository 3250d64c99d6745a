import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import {
  browserSuite,
  CARDS,
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
import { createSession, getOrder, newMerchant, paymentIntentsOf } from './flint-api.js';

// The card form's own checks in the browser: each field's message, aria-invalid, focus on
// the first wrong field, and nothing sent until all is right.

type Field = 'email' | 'card_number' | 'card_expiry' | 'card_cvc';
const FIELDS: readonly Field[] = ['email', 'card_number', 'card_expiry', 'card_cvc'];

/** Each field's shown error ('' for none) and aria-invalid, and which element has focus. */
async function formState(page: Page) {
  const fields: Record<string, { error: string; invalid: string | null; shown: boolean }> = {};
  for (const name of FIELDS) {
    const error = page.locator(`#${name}-error`);
    fields[name] = {
      error: await textOf(error),
      shown: await error.isVisible(),
      invalid: await page.locator(`#${name}`).getAttribute('aria-invalid'),
    };
  }
  return { fields, focused: await inPage<string>(page, 'document.activeElement.id') };
}

function expected(errors: Partial<Record<Field, string>>, focused: Field) {
  const fields: Record<string, { error: string; invalid: string | null; shown: boolean }> = {};
  for (const name of FIELDS) {
    const error = errors[name] ?? '';
    fields[name] = { error, shown: error !== '', invalid: error ? 'true' : null };
  }
  return { fields, focused };
}

describe.skipIf(skipBrowserTests)('hosted checkout in a browser: the form’s checks', () => {
  const suite = browserSuite();

  it('shows every field’s error, sets aria-invalid, focuses the first wrong field, and sends nothing until all is right', async () => {
    const merchant = await newMerchant(suite.server);
    const cs = await createSession(merchant, suite.merchant);
    const { page, payRequests } = await suite.openTab();
    await page.goto(cs.url);
    const pay = payButton(page);
    const summary = () => textOf(page.getByRole('alert'));

    await pay.click();
    expect(await formState(page)).toEqual(
      expected(
        {
          email: 'Enter your email address.',
          card_number: 'Enter your card number.',
          card_expiry: 'Enter the expiry date.',
          card_cvc: 'Enter the security code (CVC).',
        },
        'email',
      ),
    );

    // A bad email, a number failing Luhn, a past expiry, a short CVC.
    await fillCardForm(page, {
      email: 'ana@example',
      number: '4242 4242 4242 4241',
      expiry: '01 / 20',
      cvc: '12',
    });
    await pay.click();
    const wrong = {
      email: 'Enter an email address like name@example.com.',
      card_number: 'Your card number is incomplete or not valid.',
      card_expiry: 'Your card has expired.',
      card_cvc: 'The security code is 3 digits.',
    };
    expect(await formState(page)).toEqual(expected(wrong, 'email'));
    await expect(summary()).resolves.toBe(
      ['Check the highlighted fields:', '', ...Object.values(wrong)].join('\n'),
    );
    await expect(pay.isEnabled()).resolves.toBe(true);
    await screenshot(page, 'validation-errors');

    // Put right one field at a time: focus goes to the first one still wrong.
    await page.getByLabel('Email', { exact: true }).fill('ana@example.com');
    await pay.click();
    const { email: _, ...rest } = wrong;
    expect(await formState(page)).toEqual(expected(rest, 'card_number'));
    await page.getByLabel('Card number', { exact: true }).fill(CARDS.visa);
    await pay.click();
    expect(await formState(page)).toEqual(
      expected({ card_expiry: wrong.card_expiry, card_cvc: wrong.card_cvc }, 'card_expiry'),
    );
    await page.getByLabel('Expiry date', { exact: true }).fill('13 / 40');
    await pay.click();
    expect(await formState(page)).toEqual(
      expected(
        { card_expiry: 'The expiry month must be 01 to 12.', card_cvc: wrong.card_cvc },
        'card_expiry',
      ),
    );
    await page.getByLabel('Expiry date', { exact: true }).fill(futureExpiry());
    await pay.click();
    expect(await formState(page)).toEqual(expected({ card_cvc: wrong.card_cvc }, 'card_cvc'));

    await page.getByLabel('Security code (CVC)', { exact: true }).fill('123');
    const response = await submitForm(page, () => pay.click());
    expect(response.status()).toBe(303);
    expect(page.url()).toBe(`${suite.merchant.successUrl}?session_id=${cs.checkout_session_id}`);
    // Five clicks, one request: the valid form's (requests are seen in the order sent).
    expect(payRequests).toHaveLength(1);
    const sent = new URLSearchParams(payRequests[0]);
    expect([sent.get('email'), sent.get('card_number'), sent.get('card_cvc')]).toEqual([
      'ana@example.com',
      CARDS.visa,
      '123',
    ]);
    expect((await paymentIntentsOf(merchant, cs.order_id)).map((pi) => pi.status)).toEqual([
      'succeeded',
    ]);
    expect((await getOrder(merchant, cs.order_id)).status).toBe('PAID');
  });

  it('a 4-digit CVC is asked for American Express numbers', async () => {
    const merchant = await newMerchant(suite.server);
    const cs = await createSession(merchant, suite.merchant);
    const { page, payRequests } = await suite.openTab();
    await page.goto(cs.url);
    await fillCardForm(page, { number: '3782 822463 10005', cvc: '123' });
    await payButton(page).click();
    expect(await formState(page)).toEqual(
      expected({ card_cvc: 'The security code is 4 digits.' }, 'card_cvc'),
    );
    // A later request: a /pay POST from the click would have been seen before it.
    await page.reload();
    expect(payRequests).toEqual([]);
  });

  it('without the page’s script, the server finds the same errors (422) and charges nothing', async () => {
    const merchant = await newMerchant(suite.server);
    const cs = await createSession(merchant, suite.merchant);
    const tab = await suite.openTab({ javaScriptEnabled: false });
    const { page } = tab;
    await page.goto(cs.url);
    const response = await payWith(page, {
      email: 'ana@example',
      number: '4242 4242 4242 4241',
      expiry: '01 / 20',
      cvc: '12',
    });
    expect(response.status()).toBe(422);
    tab.expectErrorStatusLogged(422);
    const state = await formState(page);
    expect(state.fields).toEqual(
      expected(
        {
          email: 'Enter an email address like name@example.com.',
          card_number: 'Your card number is incomplete or not valid.',
          card_expiry: 'Your card has expired.',
          card_cvc: 'The security code is 3 digits.',
        },
        'email',
      ).fields,
    );
    await expect(page.getByLabel('Email', { exact: true }).inputValue()).resolves.toBe(
      'ana@example',
    );
    expect(await paymentIntentsOf(merchant, cs.order_id)).toEqual([]);
  });
});
