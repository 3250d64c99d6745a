import { expect } from 'vitest';
import { create } from '../catalog-fixtures.js';
import { createTestAccount, request, type TestServer } from '../harness.js';

// What the browser tests ask the API: a merchant's account and catalog, sessions, and
// what became of them.

export interface Merchant {
  readonly server: TestServer;
  readonly key: string;
  /** GET or POST with the merchant's test key; asserts the status and returns the body. */
  get(path: string): Promise<any>;
  post(path: string, body?: unknown, status?: number): Promise<any>;
}

export async function newMerchant(
  server: TestServer,
  name = 'Lotus Yoga Supply',
): Promise<Merchant> {
  const { testKey: key } = await createTestAccount(server, name);
  return {
    server,
    key,
    async get(path) {
      const res = await request(server, 'GET', path, { key });
      expect(res.status, `GET ${path}: ${res.text}`).toBe(200);
      return res.body;
    },
    async post(path, body, status = 200) {
      const res = await request(server, 'POST', path, { key, body });
      expect(res.status, `POST ${path}: ${res.text}`).toBe(status);
      return res.body;
    },
  };
}

export const LINES = [
  { name: 'Yoga mat', quantity: 1, unit_price_money: { amount: 3500, currency: 'USD' } },
  { name: 'Cork blocks', quantity: 2, unit_price_money: { amount: 1500, currency: 'USD' } },
];

export interface SessionUrls {
  readonly successUrl: string;
  readonly cancelUrl: string;
}

/** A checkout session (from `line_items` unless `order_id` is given) leading to the merchant site. */
export async function createSession(
  merchant: Merchant,
  urls: SessionUrls,
  fields: Record<string, unknown> = { line_items: LINES },
): Promise<any> {
  const body = await merchant.post('/v1/checkout/sessions', {
    checkout_session: { success_url: urls.successUrl, cancel_url: urls.cancelUrl, ...fields },
  });
  return body.checkout_session;
}

export async function getSession(merchant: Merchant, id: string): Promise<any> {
  return (await merchant.get(`/v1/checkout/sessions/${id}`)).checkout_session;
}

export async function getOrder(merchant: Merchant, id: string): Promise<any> {
  return (await merchant.get(`/v1/orders/${id}`)).order;
}

/** The order's payment intents, oldest first. */
export async function paymentIntentsOf(merchant: Merchant, orderId: string): Promise<any[]> {
  const body = await merchant.get(`/v1/payment_intents?order=${orderId}&limit=100`);
  return [...body.payment_intents].reverse();
}

export interface Catalog {
  readonly mat: string;
  readonly blocks: string;
  readonly coupon: string;
}

/**
 * An 8 % default exclusive sales tax, a $10 off coupon, a yoga mat ($35) and cork
 * blocks ($15), each with a price.
 */
export async function createCatalog(
  merchant: Merchant,
  names: { mat?: string; blocks?: string; tax?: string } = {},
): Promise<Catalog> {
  const { server, key } = merchant;
  await create(server, key, 'tax_rates', 'tax_rate', {
    display_name: names.tax ?? 'Sales tax',
    percentage: '8',
    inclusive: false,
    default: true,
  });
  const coupon = 'TENOFF';
  await create(server, key, 'coupons', 'coupon', {
    code: coupon,
    amount_off: 1000,
    currency: 'USD',
  });
  const product = async (name: string, unitAmount: number) => {
    const { product_id } = await create(server, key, 'products', 'product', { name });
    await create(server, key, 'prices', 'price', {
      product_id,
      unit_amount: unitAmount,
      currency: 'USD',
    });
    return product_id as string;
  };
  return {
    mat: await product(names.mat ?? 'Yoga mat', 3500),
    blocks: await product(names.blocks ?? 'Cork blocks', 1500),
    coupon,
  };
}

/**
 * An order of the catalog's mat ×1 and blocks ×2 with the coupon, $5 shipping and a $3
 * tip: subtotal 6500, discount 1000, tax 8 % of 5500 = 440, total 6740.
 */
export async function createFullOrder(
  merchant: Merchant,
  catalog: Catalog,
  fields: Record<string, unknown> = {},
): Promise<any> {
  const body = await merchant.post('/v1/orders', {
    order: {
      line_items: [
        { product_id: catalog.mat, quantity: 1 },
        { product_id: catalog.blocks, quantity: 2 },
      ],
      coupon_codes: [catalog.coupon],
      shipping_money: { amount: 500, currency: 'USD' },
      tip_money: { amount: 300, currency: 'USD' },
      ...fields,
    },
  });
  return body.order;
}

/** An amount as the page shows it (USD). */
export function usd(amount: number): string {
  const text = `$${(Math.abs(amount) / 100).toLocaleString('en-US', { minimumFractionDigits: 2 })}`;
  return amount < 0 ? `−${text}` : text;
}
