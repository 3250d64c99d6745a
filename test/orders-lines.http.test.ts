import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { create, expectError, expectMissing, MAX_AMOUNT } from './catalog-fixtures.js';
import { createTestAccount, request, startTestServer, type TestServer } from './harness.js';

/** Order lines: by price, by product, ad hoc; stock; replacement by PATCH; amount limits. */

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const amounts = (order: any): Record<string, number> =>
  Object.fromEntries(
    Object.entries(order.net_amounts).map(([k, v]: [string, any]) => [k, v.amount]),
  );

function postOrder(key: string, order: Record<string, unknown>) {
  return request(server, 'POST', '/v1/orders', { key, body: { order } });
}

async function createOrder(key: string, order: Record<string, unknown>) {
  const res = await postOrder(key, order);
  expect(res.status, res.text).toBe(200);
  return res.body.order;
}

function patchOrder(key: string, id: string, order: Record<string, unknown>) {
  return request(server, 'PATCH', `/v1/orders/${id}`, { key, body: { order } });
}

async function getOrder(key: string, id: string) {
  const res = await request(server, 'GET', `/v1/orders/${id}`, { key });
  expect(res.status, res.text).toBe(200);
  return res.body.order;
}

async function timelineLength(key: string, id: string): Promise<number> {
  const res = await request(server, 'GET', `/v1/orders/${id}/timeline?limit=100`, { key });
  expect(res.status, res.text).toBe(200);
  return res.body.timeline.length;
}

async function orderCount(key: string): Promise<number> {
  const res = await request(server, 'GET', '/v1/orders?limit=100', { key });
  expect(res.status, res.text).toBe(200);
  return res.body.orders.length;
}

async function product(key: string, fields: Record<string, unknown> = {}) {
  return create(server, key, 'products', 'product', { name: 'Widget', ...fields });
}

async function price(key: string, productId: string, unitAmount: number, currency = 'USD') {
  return create(server, key, 'prices', 'price', {
    product_id: productId,
    unit_amount: unitAmount,
    currency,
  });
}

async function archive(key: string, path: string, root: string) {
  const res = await request(server, 'PATCH', path, { key, body: { [root]: { active: false } } });
  expect(res.status, res.text).toBe(200);
  expect(res.body[root].active).toBe(false);
}

const adhoc = (amount: number, quantity = 1) => ({
  name: `Item ${amount}`,
  quantity,
  unit_price_money: { amount },
});

describe('lines by price_id', () => {
  it('take the unit amount from the price and the name from its product', async () => {
    const { testKey: key } = await createTestAccount(server);
    const prod = await product(key, { name: 'Pro Plan - Annual' });
    const p = await price(key, prod.product_id, 9900, 'EUR');
    const order = await createOrder(key, {
      currency: 'EUR',
      line_items: [{ price_id: p.price_id, quantity: 3 }],
    });
    expect(order.currency).toBe('EUR');
    expect(order.line_items).toHaveLength(1);
    expect(order.line_items[0]).toMatchObject({
      object: 'line_item',
      name: 'Pro Plan - Annual',
      quantity: 3,
      unit_price_money: { amount: 9900, currency: 'EUR' },
      product_id: prod.product_id,
      price_id: p.price_id,
      gross_money: { amount: 29700, currency: 'EUR' },
    });
    expect(order.line_items[0].line_item_id).toMatch(/^li_[0-9a-z]{26}$/);
    expect(amounts(order)).toMatchObject({ subtotal_money: 29700, total_money: 29700 });
  });

  it('keep a name given on the line', async () => {
    const { testKey: key } = await createTestAccount(server);
    const prod = await product(key, { name: 'Catalog name' });
    const p = await price(key, prod.product_id, 100);
    const order = await createOrder(key, {
      line_items: [{ price_id: p.price_id, name: 'Custom name', quantity: 1 }],
    });
    expect(order.line_items[0].name).toBe('Custom name');
  });

  it('refuse a price in another currency than the order: 422 currency_mismatch', async () => {
    const { testKey: key } = await createTestAccount(server);
    const prod = await product(key);
    const eur = await price(key, prod.product_id, 500, 'EUR');
    const res = await postOrder(key, {
      currency: 'USD',
      line_items: [adhoc(100), { price_id: eur.price_id, quantity: 1 }],
    });
    expectError(res, 422, 'validation_error', 'currency_mismatch', [
      ['order', 'line_items', 1, 'price_id'],
    ]);
    expect(await orderCount(key)).toBe(0);
  });

  it('refuse an archived price: 422 parameter_invalid', async () => {
    const { testKey: key } = await createTestAccount(server);
    const prod = await product(key);
    const p = await price(key, prod.product_id, 500);
    await archive(key, `/v1/prices/${p.price_id}`, 'price');
    const res = await postOrder(key, {
      line_items: [adhoc(100), adhoc(200), { price_id: p.price_id, quantity: 1 }],
    });
    expectError(res, 422, 'validation_error', 'parameter_invalid', [
      ['order', 'line_items', 2, 'price_id'],
    ]);
    expect(await orderCount(key)).toBe(0);
  });

  it('refuse an active price of an archived product: 422, as a line by product_id is', async () => {
    const { testKey: key } = await createTestAccount(server);
    const prod = await product(key);
    const p = await price(key, prod.product_id, 500);
    await archive(key, `/v1/products/${prod.product_id}`, 'product');
    const res = await postOrder(key, { line_items: [{ price_id: p.price_id, quantity: 1 }] });
    expect(res.status, res.text).toBe(422);
    expect(res.body.error.type).toBe('validation_error');
    expect(res.body.error.code).toBe('parameter_invalid');
    expect(res.body.error.errors[0].loc.slice(0, 3)).toEqual(['order', 'line_items', 0]);
    expect(await orderCount(key)).toBe(0);
  });

  it('refuse a price with a product_id that is not its product', async () => {
    const { testKey: key } = await createTestAccount(server);
    const a = await product(key);
    const b = await product(key);
    const p = await price(key, a.product_id, 500);
    const res = await postOrder(key, {
      line_items: [{ price_id: p.price_id, product_id: b.product_id, quantity: 1 }],
    });
    expectError(res, 422, 'validation_error', 'parameter_invalid', [
      ['order', 'line_items', 0, 'product_id'],
    ]);
  });
});

describe('lines by product_id', () => {
  it("use the product's newest active price in the order currency", async () => {
    const { testKey: key } = await createTestAccount(server);
    const prod = await product(key, { name: 'Gadget' });
    await price(key, prod.product_id, 1000, 'USD');
    const newest = await price(key, prod.product_id, 1500, 'USD');
    await price(key, prod.product_id, 900, 'EUR');
    const archived = await price(key, prod.product_id, 2000, 'USD');
    await archive(key, `/v1/prices/${archived.price_id}`, 'price');

    const usd = await createOrder(key, {
      currency: 'USD',
      line_items: [{ product_id: prod.product_id, quantity: 2 }],
    });
    expect(usd.line_items[0]).toMatchObject({
      name: 'Gadget',
      unit_price_money: { amount: 1500, currency: 'USD' },
      product_id: prod.product_id,
      gross_money: { amount: 3000, currency: 'USD' },
    });
    expect(newest.unit_amount).toBe(1500);
    const eur = await createOrder(key, {
      currency: 'eur',
      line_items: [{ product_id: prod.product_id, quantity: 1 }],
    });
    expect(eur.line_items[0].unit_price_money).toEqual({ amount: 900, currency: 'EUR' });
  });

  it('refuse a product with no active price in the order currency: 422 with the line loc', async () => {
    const { testKey: key } = await createTestAccount(server);
    const prod = await product(key);
    await price(key, prod.product_id, 1000, 'USD');
    const res = await postOrder(key, {
      currency: 'JPY',
      line_items: [adhoc(100), { product_id: prod.product_id, quantity: 1 }],
    });
    expectError(res, 422, 'validation_error', 'parameter_invalid', [
      ['order', 'line_items', 1, 'product_id'],
    ]);
    const none = await product(key);
    const unpriced = await postOrder(key, {
      line_items: [{ product_id: none.product_id, quantity: 1 }],
    });
    expectError(unpriced, 422, 'validation_error', 'parameter_invalid', [
      ['order', 'line_items', 0, 'product_id'],
    ]);
    expect(await orderCount(key)).toBe(0);
  });

  it('refuse an archived product: 422', async () => {
    const { testKey: key } = await createTestAccount(server);
    const prod = await product(key);
    await price(key, prod.product_id, 1000, 'USD');
    await archive(key, `/v1/products/${prod.product_id}`, 'product');
    const res = await postOrder(key, {
      line_items: [{ product_id: prod.product_id, quantity: 1 }],
    });
    expectError(res, 422, 'validation_error', 'parameter_invalid', [
      ['order', 'line_items', 0, 'product_id'],
    ]);
  });
});

describe('ad hoc lines', () => {
  it('refuse a unit_price_money in another currency: 422 currency_mismatch', async () => {
    const { testKey: key } = await createTestAccount(server);
    const res = await postOrder(key, {
      currency: 'USD',
      line_items: [
        adhoc(100),
        { name: 'x', quantity: 1, unit_price_money: { amount: 5, currency: 'eur' } },
      ],
    });
    expectError(res, 422, 'validation_error', 'currency_mismatch', [
      ['order', 'line_items', 1, 'unit_price_money', 'currency'],
    ]);
  });

  it('refuse lines in another currency than the order names', async () => {
    const { testKey: key } = await createTestAccount(server);
    const res = await postOrder(key, {
      currency: 'JPY',
      line_items: [
        { name: 'a', quantity: 1, unit_price_money: { amount: 5, currency: 'JPY' } },
        { name: 'b', quantity: 1, unit_price_money: { amount: 5, currency: 'USD' } },
      ],
    });
    expectError(res, 422, 'validation_error', 'currency_mismatch', [
      ['order', 'line_items', 1, 'unit_price_money', 'currency'],
    ]);
  });

  it('refuse shipping or tip in another currency', async () => {
    const { testKey: key } = await createTestAccount(server);
    const shipping = await postOrder(key, {
      currency: 'USD',
      line_items: [adhoc(100)],
      shipping_money: { amount: 5, currency: 'EUR' },
    });
    expectError(shipping, 422, 'validation_error', 'currency_mismatch', [
      ['order', 'shipping_money', 'currency'],
    ]);
    const tip = await postOrder(key, {
      currency: 'USD',
      line_items: [adhoc(100)],
      tip_money: { amount: 5, currency: 'JPY' },
    });
    expectError(tip, 422, 'validation_error', 'currency_mismatch', [
      ['order', 'tip_money', 'currency'],
    ]);
    expect(await orderCount(key)).toBe(0);
  });

  it('need a name: 422 parameter_invalid at the name', async () => {
    const { testKey: key } = await createTestAccount(server);
    const res = await postOrder(key, {
      line_items: [adhoc(100), { quantity: 1, unit_price_money: { amount: 5 } }],
    });
    expectError(res, 422, 'validation_error', 'parameter_invalid', [
      ['order', 'line_items', 1, 'name'],
    ]);
  });

  it('need a unit price, a price or a product: 422', async () => {
    const { testKey: key } = await createTestAccount(server);
    const res = await postOrder(key, { line_items: [{ name: 'Nothing', quantity: 1 }] });
    expect(res.status, res.text).toBe(422);
    expect(res.body.error.type).toBe('validation_error');
    expect(res.body.error.code).toBe('parameter_invalid');
    expect(res.body.error.errors[0].loc.slice(0, 3)).toEqual(['order', 'line_items', 0]);
  });

  it('carry a product when given one, with a unit price of their own', async () => {
    const { testKey: key } = await createTestAccount(server);
    const prod = await product(key, { name: 'Custom' });
    const order = await createOrder(key, {
      line_items: [{ product_id: prod.product_id, quantity: 2, unit_price_money: { amount: 333 } }],
    });
    expect(order.line_items[0]).toMatchObject({
      name: 'Custom',
      product_id: prod.product_id,
      price_id: null,
      unit_price_money: { amount: 333, currency: 'USD' },
      gross_money: { amount: 666, currency: 'USD' },
    });
  });
});

describe('per-line tax rates', () => {
  it('override the defaults, are deduplicated, and give way to tax_exempt', async () => {
    const { testKey: key } = await createTestAccount(server);
    const rate = async (percentage: string, isDefault: boolean) =>
      (
        await create(server, key, 'tax_rates', 'tax_rate', {
          display_name: `${percentage}%`,
          percentage,
          inclusive: false,
          default: isDefault,
        })
      ).tax_rate_id as string;
    const standard = await rate('10', true);
    const reduced = await rate('5', false);
    const order = await createOrder(key, {
      line_items: [
        adhoc(1000),
        { ...adhoc(1000), tax_rate_ids: [reduced, reduced] },
        { ...adhoc(1000), tax_rate_ids: [] },
        { ...adhoc(1000), tax_exempt: true, tax_rate_ids: [standard] },
      ],
    });
    expect(order.line_items.map((l: any) => l.tax_rate_ids)).toEqual([
      [standard],
      [reduced],
      [],
      [],
    ]);
    expect(order.line_items.map((l: any) => l.tax_money.amount)).toEqual([100, 50, 0, 0]);
    expect(amounts(order)).toMatchObject({ tax_money: 150, total_money: 4150 });
  });

  it('refuse an archived tax rate on a new line: 422', async () => {
    const { testKey: key } = await createTestAccount(server);
    const archived = (
      await create(server, key, 'tax_rates', 'tax_rate', {
        display_name: '7%',
        percentage: '7',
        inclusive: false,
      })
    ).tax_rate_id as string;
    await archive(key, `/v1/tax_rates/${archived}`, 'tax_rate');
    const res = await postOrder(key, {
      line_items: [adhoc(1000), { ...adhoc(1000), tax_rate_ids: [archived] }],
    });
    expect(res.status, res.text).toBe(422);
    expect(res.body.error.type).toBe('validation_error');
    expect(res.body.error.code).toBe('parameter_invalid');
    expect(res.body.error.errors[0].loc).toEqual(['order', 'line_items', 1, 'tax_rate_ids']);
    expect(await orderCount(key)).toBe(0);
  });
});

describe("other tenants' objects are 404, exactly like missing ones", () => {
  async function twoAccounts() {
    const mine = await createTestAccount(server);
    const theirs = await createTestAccount(server);
    const prod = await product(theirs.testKey);
    const p = await price(theirs.testKey, prod.product_id, 100);
    const rate = await create(server, theirs.testKey, 'tax_rates', 'tax_rate', {
      display_name: 'VAT',
      percentage: '20',
      inclusive: false,
    });
    const customer = await create(server, theirs.testKey, 'customers', 'customer', {
      email: 'other@example.com',
    });
    return { key: mine.testKey, theirs, prod, p, rate, customer };
  }

  it('price_id', async () => {
    const { key, p } = await twoAccounts();
    const res = await postOrder(key, {
      line_items: [adhoc(1), { price_id: p.price_id, quantity: 1 }],
    });
    expectMissing(res, 'price', ['order', 'line_items', 1, 'price_id']);
    expect(await orderCount(key)).toBe(0);
  });

  it('product_id', async () => {
    const { key, prod } = await twoAccounts();
    const res = await postOrder(key, {
      line_items: [{ product_id: prod.product_id, quantity: 1 }],
    });
    expectMissing(res, 'product', ['order', 'line_items', 0, 'product_id']);
  });

  it('tax_rate_ids', async () => {
    const { key, rate } = await twoAccounts();
    const res = await postOrder(key, {
      line_items: [adhoc(1), adhoc(2), { ...adhoc(3), tax_rate_ids: [rate.tax_rate_id] }],
    });
    expectError(res, 404, 'not_found', 'resource_missing', [
      ['order', 'line_items', 2, 'tax_rate_ids'],
    ]);
    expect(res.body.error.message).toMatch(/^tax[ _]rate does not exist$/);
  });

  it('customer_id, on create and on PATCH', async () => {
    const { key, customer } = await twoAccounts();
    const res = await postOrder(key, {
      customer_id: customer.customer_id,
      line_items: [adhoc(1)],
    });
    expectMissing(res, 'customer', ['order', 'customer_id']);
    const order = await createOrder(key, { line_items: [adhoc(1)] });
    const patched = await patchOrder(key, order.order_id, { customer_id: customer.customer_id });
    expectMissing(patched, 'customer', ['order', 'customer_id']);
    expect(await getOrder(key, order.order_id)).toEqual(order);
  });

  it('the live mode of the same account is another tenant', async () => {
    const account = await createTestAccount(server);
    const prod = await product(account.liveKey);
    const p = await price(account.liveKey, prod.product_id, 100);
    const res = await postOrder(account.testKey, {
      line_items: [{ price_id: p.price_id, quantity: 1 }],
    });
    expectMissing(res, 'price', ['order', 'line_items', 0, 'price_id']);
  });
});

describe('tracked inventory', () => {
  async function trackedProduct(key: string, quantity: number) {
    const prod = await product(key, { name: 'Limited', inventory: { tracked: true, quantity } });
    const p = await price(key, prod.product_id, 1000);
    return { productId: prod.product_id as string, priceId: p.price_id as string };
  }

  it('refuses more than the stock, summed across lines of the product: 409 out_of_stock', async () => {
    const { testKey: key } = await createTestAccount(server);
    const { productId, priceId } = await trackedProduct(key, 5);
    const res = await postOrder(key, {
      line_items: [
        { price_id: priceId, quantity: 3 },
        adhoc(10, 50),
        { product_id: productId, quantity: 3 },
      ],
    });
    expectError(res, 409, 'conflict', 'out_of_stock', [['order', 'line_items']]);
    expect(await orderCount(key)).toBe(0);
  });

  it('accepts exactly the stock', async () => {
    const { testKey: key } = await createTestAccount(server);
    const { productId, priceId } = await trackedProduct(key, 5);
    const order = await createOrder(key, {
      line_items: [
        { price_id: priceId, quantity: 2 },
        { product_id: productId, quantity: 3 },
      ],
    });
    expect(order.line_items.map((l: any) => l.quantity)).toEqual([2, 3]);
    expect(amounts(order).subtotal_money).toBe(5000);
  });

  it('refuses a PATCH over the stock and changes nothing', async () => {
    const { testKey: key } = await createTestAccount(server);
    const { priceId } = await trackedProduct(key, 4);
    const order = await createOrder(key, { line_items: [{ price_id: priceId, quantity: 4 }] });
    const res = await patchOrder(key, order.order_id, {
      line_items: [{ price_id: priceId, quantity: 5 }],
    });
    expectError(res, 409, 'conflict', 'out_of_stock', [['order', 'line_items']]);
    expect(await getOrder(key, order.order_id)).toEqual(order);
    expect(await timelineLength(key, order.order_id)).toBe(1);
  });

  it('does not limit untracked products', async () => {
    const { testKey: key } = await createTestAccount(server);
    const prod = await product(key, { inventory: { tracked: false } });
    const p = await price(key, prod.product_id, 1);
    const order = await createOrder(key, {
      line_items: [{ price_id: p.price_id, quantity: 100000 }],
    });
    expect(amounts(order).subtotal_money).toBe(100000);
  });
});

describe('PATCH recomputes', () => {
  it('line_items replaces every line and recomputes the totals', async () => {
    const { testKey: key } = await createTestAccount(server);
    await create(server, key, 'tax_rates', 'tax_rate', {
      display_name: 'Tax',
      percentage: '10',
      inclusive: false,
      default: true,
    });
    await create(server, key, 'coupons', 'coupon', { code: 'HALF', percent_off: '50' });
    const order = await createOrder(key, {
      line_items: [adhoc(1000), adhoc(2000)],
      coupon_codes: ['HALF'],
    });
    expect(amounts(order)).toMatchObject({
      discount_money: 1500,
      tax_money: 150,
      total_money: 1650,
    });
    const res = await patchOrder(key, order.order_id, {
      line_items: [{ name: 'Only', quantity: 3, unit_price_money: { amount: 700 } }],
    });
    expect(res.status, res.text).toBe(200);
    const after = res.body.order;
    expect(after.version).toBe(order.version + 1);
    expect(after.line_items).toHaveLength(1);
    expect(after.line_items[0]).toMatchObject({ name: 'Only', quantity: 3 });
    const oldIds = order.line_items.map((l: any) => l.line_item_id);
    expect(oldIds).not.toContain(after.line_items[0].line_item_id);
    // 2100, half off 1050, 10 % of 1050 = 105.
    expect(amounts(after)).toMatchObject({
      subtotal_money: 2100,
      discount_money: 1050,
      tax_money: 105,
      total_money: 1155,
      balance_money: 1155,
    });
    expect(after.coupons.map((c: any) => c.code)).toEqual(['HALF']);
    expect(await getOrder(key, order.order_id)).toEqual(after);
  });

  it('shipping_money and tip_money recompute the total; other fields stay', async () => {
    const { testKey: key } = await createTestAccount(server);
    const order = await createOrder(key, {
      line_items: [adhoc(1000)],
      shipping_money: { amount: 500 },
      tip_money: { amount: 100 },
      metadata: { keep: 'me' },
    });
    expect(amounts(order).total_money).toBe(1600);
    const shipping = await patchOrder(key, order.order_id, { shipping_money: { amount: 250 } });
    expect(shipping.status, shipping.text).toBe(200);
    expect(amounts(shipping.body.order)).toMatchObject({
      shipping_money: 250,
      tip_money: 100,
      total_money: 1350,
    });
    expect(shipping.body.order.shipping_money).toEqual({ amount: 250, currency: 'USD' });
    const tip = await patchOrder(key, order.order_id, {
      tip_money: { amount: 0, currency: 'usd' },
    });
    expect(tip.status, tip.text).toBe(200);
    expect(amounts(tip.body.order)).toMatchObject({
      shipping_money: 250,
      tip_money: 0,
      total_money: 1250,
    });
    expect(tip.body.order.metadata).toEqual({ keep: 'me' });
    expect(tip.body.order.version).toBe(3);
    expect(tip.body.order.line_items).toEqual(order.line_items);
  });
});

describe('amounts beyond 99,999,999,999', () => {
  it('a line of 99999999999 × 2 is a 422, never a 500', async () => {
    const { testKey: key } = await createTestAccount(server);
    const res = await postOrder(key, { line_items: [adhoc(MAX_AMOUNT, 2)] });
    expectError(res, 422, 'validation_error', 'parameter_invalid', [['order', 'line_items']]);
    expect(await orderCount(key)).toBe(0);
  });

  it('products beyond the safe integer range are a 422 too', async () => {
    const { testKey: key } = await createTestAccount(server);
    const res = await postOrder(key, { line_items: [adhoc(MAX_AMOUNT, 1_000_000)] });
    expectError(res, 422, 'validation_error', 'parameter_invalid', [['order', 'line_items']]);
    const sum = await postOrder(key, {
      line_items: Array.from({ length: 100 }, () => adhoc(MAX_AMOUNT, 1_000_000)),
    });
    expectError(sum, 422, 'validation_error', 'parameter_invalid', [['order', 'line_items']]);
    expect(await orderCount(key)).toBe(0);
  });

  it('lines within the limit whose sum, tax, shipping or tip exceed it are a 422', async () => {
    const { testKey: key } = await createTestAccount(server);
    const split = await postOrder(key, { line_items: [adhoc(MAX_AMOUNT), adhoc(1)] });
    expectError(split, 422, 'validation_error', 'parameter_invalid');
    const extras = await postOrder(key, {
      line_items: [adhoc(1)],
      shipping_money: { amount: MAX_AMOUNT },
      tip_money: { amount: MAX_AMOUNT },
    });
    expectError(extras, 422, 'validation_error', 'parameter_invalid');
    await create(server, key, 'tax_rates', 'tax_rate', {
      display_name: 'Tax',
      percentage: '10',
      inclusive: false,
      default: true,
    });
    const taxed = await postOrder(key, { line_items: [adhoc(MAX_AMOUNT)] });
    expectError(taxed, 422, 'validation_error', 'parameter_invalid');
    expect(await orderCount(key)).toBe(0);
  });

  it('exactly 99999999999 is accepted', async () => {
    const { testKey: key } = await createTestAccount(server);
    const order = await createOrder(key, { currency: 'JPY', line_items: [adhoc(MAX_AMOUNT)] });
    expect(amounts(order)).toMatchObject({
      subtotal_money: MAX_AMOUNT,
      total_money: MAX_AMOUNT,
      balance_money: MAX_AMOUNT,
    });
  });

  it('a PATCH that would exceed the limit is a 422 and changes nothing', async () => {
    const { testKey: key } = await createTestAccount(server);
    const order = await createOrder(key, { line_items: [adhoc(MAX_AMOUNT - 10)] });
    const lines = await patchOrder(key, order.order_id, { line_items: [adhoc(MAX_AMOUNT, 2)] });
    expectError(lines, 422, 'validation_error', 'parameter_invalid');
    const tip = await patchOrder(key, order.order_id, { tip_money: { amount: 11 } });
    expectError(tip, 422, 'validation_error', 'parameter_invalid');
    expect(await getOrder(key, order.order_id)).toEqual(order);
    expect(await timelineLength(key, order.order_id)).toBe(1);
  });
});
