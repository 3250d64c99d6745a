import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { create } from '../catalog-fixtures.js';
import {
  browserSuite,
  CARDS,
  inPage,
  payWith,
  screenshot,
  skipBrowserTests,
  submitForm,
  textOf,
} from './browser.js';
import { createSession, getOrder, newMerchant } from './flint-api.js';

// Names and metadata a merchant (or anyone who can write them) controls, full of markup:
// every page shows them as text. A dialog from any payload fails the test (see browser.ts);
// the DOM is checked too, since the CSP alone would stop an injected handler from running.

const SCRIPT = '<script>alert(1)</script>';
const IMG = '"><img src=x onerror=alert(1)>';
const SVG = '</title><svg onload=alert(1)>';
const MERCHANT = `Evil ${SCRIPT} ${IMG} ${SVG} & 'Co'`;
const EMAIL = "o'neil&co@example.com";

/** Nothing injected: no element a payload makes, no inline handler, only the page's one script. */
async function expectInert(page: Page) {
  const found = await inPage<Record<string, unknown>>(
    page,
    `(() => {
      const all = Array.from(document.querySelectorAll('*'));
      return {
        injected: document.querySelectorAll('img, svg, iframe, object, embed, base').length,
        handlers: all.filter((el) => Array.from(el.attributes).some((a) => /^on/i.test(a.name))).length,
        scripts: Array.from(document.scripts).filter((s) => !s.nonce || s.src).length,
        titles: document.querySelectorAll('title').length,
      };
    })()`,
  );
  expect(found).toEqual({ injected: 0, handlers: 0, scripts: 0, titles: 1 });
}

/** The merchant's name exactly as given, in the header (form pages) or the page's text. */
async function expectLiteral(page: Page, ...texts: string[]) {
  const body = await textOf(page.locator('body'));
  for (const text of texts) expect(body).toContain(text);
}

describe.skipIf(skipBrowserTests)(
  'hosted checkout in a browser: markup in names stays text',
  () => {
    const suite = browserSuite();

    it('merchant, product, line and tax names and metadata with <script>, onerror and </title> payloads render literally on every page', async () => {
      const merchant = await newMerchant(suite.server, MERCHANT);
      const { server, key } = merchant;
      await create(server, key, 'tax_rates', 'tax_rate', {
        display_name: SVG,
        percentage: '10',
        inclusive: false,
        default: true,
      });
      const product = await create(server, key, 'products', 'product', { name: IMG });
      await create(server, key, 'prices', 'price', {
        product_id: product.product_id,
        unit_amount: 2000,
        currency: 'USD',
      });
      const customer = await create(server, key, 'customers', 'customer', {
        email: EMAIL,
        name: SCRIPT,
        metadata: { note: IMG },
      });
      const metadata = { note: SCRIPT, [IMG]: SVG };
      const order = (
        await merchant.post('/v1/orders', {
          order: {
            line_items: [
              { product_id: product.product_id, quantity: 1, metadata },
              {
                name: SCRIPT,
                quantity: 1,
                unit_price_money: { amount: 1000, currency: 'USD' },
                metadata,
              },
            ],
            customer_id: customer.customer_id,
            metadata,
          },
        })
      ).order;
      const cs = await createSession(merchant, suite.merchant, {
        order_id: order.order_id,
        metadata,
      });
      expect(cs.customer.email).toBe(EMAIL);
      expect(cs.metadata).toEqual(metadata);
      const tab = await suite.openTab();
      const { page } = tab;

      // The form.
      await page.goto(cs.url);
      await expect(page.title()).resolves.toBe(`Pay ${MERCHANT}`);
      await expect(textOf(page.locator('.merchant'))).resolves.toBe(`${MERCHANT}Test mode`);
      const lines = await page.locator('ul.lines li').allInnerTexts();
      expect(lines.map((l) => l.split('\n')[0])).toEqual([IMG, SCRIPT]);
      await expectLiteral(page, `${SVG} 10%`, `Cancel and return to ${MERCHANT}`);
      await expect(page.getByLabel('Email', { exact: true }).inputValue()).resolves.toBe(EMAIL);
      await expectInert(page);
      await screenshot(page, 'xss-form');

      // The 3-D Secure page names the merchant in a sentence.
      await payWith(page, { email: null, number: CARDS.threeDSecure });
      await expect(page.title()).resolves.toBe('Confirm your payment');
      await expectLiteral(page, `to ${MERCHANT}.`, IMG, SCRIPT);
      await expectInert(page);
      await screenshot(page, 'xss-three-d-secure');

      // The form again, after the bank said no (a 402), with the email kept.
      const failed = await submitForm(page, () =>
        page.getByRole('button', { name: 'Fail authentication' }).click(),
      );
      expect(failed.status()).toBe(402);
      tab.expectErrorStatusLogged(402);
      await expect(page.title()).resolves.toBe(`Pay ${MERCHANT}`);
      await expect(page.getByLabel('Email', { exact: true }).inputValue()).resolves.toBe(EMAIL);
      await expectInert(page);

      // Paid: the merchant's site, then the session's page says so.
      await payWith(page, { email: null, number: CARDS.visa });
      expect(page.url()).toBe(`${suite.merchant.successUrl}?session_id=${cs.checkout_session_id}`);
      await page.goto(cs.url);
      await expect(page.title()).resolves.toBe('Payment complete');
      await expectLiteral(
        page,
        `Thank you. Your payment to ${MERCHANT} was received.`,
        IMG,
        SCRIPT,
      );
      await expectInert(page);
      await screenshot(page, 'xss-complete');
      expect((await getOrder(merchant, order.order_id)).status).toBe('PAID');
    });

    it('the expired page shows the merchant’s name as text', async () => {
      const merchant = await newMerchant(suite.server, MERCHANT);
      const cs = await createSession(merchant, suite.merchant, {
        line_items: [
          { name: SVG, quantity: 1, unit_price_money: { amount: 500, currency: 'USD' } },
        ],
      });
      await merchant.post(`/v1/checkout/sessions/${cs.checkout_session_id}/expire`);
      const tab = await suite.openTab();
      const response = await tab.page.goto(cs.url);
      expect(response?.status()).toBe(410);
      tab.expectErrorStatusLogged(410);
      await expectLiteral(tab.page, `Please return to ${MERCHANT} to start again.`, SVG);
      await expectInert(tab.page);
    });
  },
);
