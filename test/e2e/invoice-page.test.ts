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

// The hosted invoice page in a real browser: the buyer opens `hosted_invoice_url`, pays
// with checkout's card form (and its 3-D Secure step), and reads the receipt.

const XSS = '<img src=x onerror=alert(1)><script>alert(2)</script>';

/** A finalized invoice of $25.00: its id and `hosted_invoice_url`. */
async function openInvoice(merchant: Merchant, fields: Record<string, unknown> = {}) {
  const created = await merchant.post('/v1/invoices', {
    invoice: {
      line_items: [
        { name: 'Design work', quantity: 2, unit_price_money: { amount: 1000 } },
        { name: 'Hosting', quantity: 1, unit_price_money: { amount: 500 } },
      ],
      currency: 'usd',
      memo: `Thanks! ${XSS}`,
      footer: 'Lotus Yoga Supply · Bank transfer also accepted',
      customer_details: { name: `Ada ${XSS}`, email: 'ada@example.com' },
      seller_details: { name: 'Lotus Yoga Supply', tax_ids: [{ type: 'eu_vat', value: 'DE123' }] },
      ...fields,
    },
  });
  const id = created.invoice.invoice_id as string;
  const open = (await merchant.post(`/v1/invoices/${id}/finalize`, {})).invoice;
  expect(open.hosted_invoice_url).toMatch(/\/invoice\/[A-Za-z0-9_-]{32}$/);
  return { id, url: open.hosted_invoice_url as string };
}

describe.skipIf(skipBrowserTests)('hosted invoice page in a browser', () => {
  const suite = browserSuite();

  it('opens hosted_invoice_url, pays with 4242 4242 4242 4242, and shows the receipt', async () => {
    const merchant = await newMerchant(suite.server, 'Lotus Yoga Supply');
    const { id, url } = await openInvoice(merchant);
    const { page } = await suite.openTab();

    const response = await page.goto(url);
    expect(response?.status()).toBe(200);
    await expectStrictCsp(response);
    await expect(textOf(page.locator('h1'))).resolves.toBe('Invoice FLT-000001');
    await expect(textOf(page.locator('#invoice-status'))).resolves.toMatch(/^\$25\.00 due by /);
    await expect(textOf(page.locator('#buyer'))).resolves.toContain(`Ada ${XSS}`);
    await expect(textOf(page.locator('#memo'))).resolves.toContain(`Thanks! ${XSS}`);
    await expect(page.locator('#pdf-link').getAttribute('href')).resolves.toBe(
      `${new URL(url).pathname}/pdf`,
    );
    await expect(page.getByLabel('Email', { exact: true }).inputValue()).resolves.toBe(
      'ada@example.com',
    );
    await screenshot(page, 'invoice-open');

    const paid = await payWith(page, { number: CARDS.visa });
    expect(paid.status()).toBe(303);
    expect(page.url()).toBe(url);
    await expect(textOf(page.locator('#receipt'))).resolves.toMatch(
      /Paid \$25\.00 on .+\.[\s\S]*Paid with Visa •••• 4242/,
    );
    await expect(page.locator('#pay-form').count()).resolves.toBe(0);
    await screenshot(page, 'invoice-receipt');
    const invoice = (await merchant.get(`/v1/invoices/${id}`)).invoice;
    expect(invoice).toMatchObject({ status: 'paid', amount_remaining: { amount: 0 } });
  });

  it('pays with the 3-D Secure test card through the same step as checkout', async () => {
    const merchant = await newMerchant(suite.server, 'Lotus Yoga Supply');
    const { id, url } = await openInvoice(merchant);
    const { page } = await suite.openTab();
    await page.goto(url);
    const asked = await payWith(page, { number: CARDS.threeDSecure });
    expect(asked.status()).toBe(303);
    await expect(textOf(page.locator('h1'))).resolves.toBe('Confirm your payment');
    await screenshot(page, 'invoice-3ds');
    const done = await submitForm(page, () =>
      page.getByRole('button', { name: 'Complete authentication' }).click(),
    );
    expect(done.status()).toBe(303);
    expect(page.url()).toBe(url);
    await expect(textOf(page.locator('#receipt'))).resolves.toMatch(/Paid \$25\.00 on /);
    const invoice = (await merchant.get(`/v1/invoices/${id}`)).invoice;
    expect(invoice.status).toBe('paid');
  });

  it('fits a 390 px screen and takes a part of the amount when allowed', async () => {
    const merchant = await newMerchant(suite.server, 'Lotus Yoga Supply');
    const { id, url } = await openInvoice(merchant, { allow_partial_payments: true });
    const { page } = await suite.openTab({ viewport: { width: 390, height: 844 }, isMobile: true });
    await page.goto(url);
    const { scrollWidth, innerWidth } = await inPage<{ scrollWidth: number; innerWidth: number }>(
      page,
      '({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth })',
    );
    expect(scrollWidth).toBeLessThanOrEqual(innerWidth);
    await screenshot(page, 'invoice-390');
    await page.locator('#amount').fill('10.50', { timeout: 5000 });
    const part = await payWith(page, { number: CARDS.visa });
    expect(part.status()).toBe(200);
    await expect(textOf(page.locator('#notice'))).resolves.toContain('$14.50 remains');
    await expect(textOf(page.locator('#amount-remaining'))).resolves.toBe('$14.50');
    const invoice = (await merchant.get(`/v1/invoices/${id}`)).invoice;
    expect(invoice).toMatchObject({ status: 'open', amount_paid: { amount: 1050 } });
  });
});
