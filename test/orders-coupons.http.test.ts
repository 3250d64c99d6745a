import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { create, expectError, expectMissing, ManualClock } from './catalog-fixtures.js';
import {
  createOrder as createOrderIn,
  createTestAccount,
  request,
  startTestServer,
  type TestOrderInput,
  type TestServer,
  testDatabase,
} from './harness.js';

/** Coupons on orders: every rule of PRODUCT.md §2, removal, applies_to, and concurrency. */

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const HOUR = 60 * 60 * 1000;

const amounts = (order: any): Record<string, number> =>
  Object.fromEntries(
    Object.entries(order.net_amounts).map(([k, v]: [string, any]) => [k, v.amount]),
  );

const adhoc = (amount: number, quantity = 1) => ({
  name: `Item ${amount}`,
  quantity,
  unit_price_money: { amount },
});

let counter = 0;
function freshCode(prefix = 'C'): string {
  counter += 1;
  return `${prefix}${counter}_${Math.random().toString(36).slice(2, 8)}`;
}

async function coupon(
  key: string,
  fields: Record<string, unknown> = {},
  on: Pick<TestServer, 'url'> = server,
) {
  return create(on, key, 'coupons', 'coupon', { code: freshCode(), percent_off: '10', ...fields });
}

const createOrder = (key: string, order: TestOrderInput, on: Pick<TestServer, 'url'> = server) =>
  createOrderIn(on, key, order);

function apply(key: string, orderId: string, code: string, on: Pick<TestServer, 'url'> = server) {
  return request(on, 'POST', `/v1/orders/${orderId}/coupons`, { key, body: { coupon_code: code } });
}

function remove(key: string, orderId: string, code: string) {
  return request(server, 'DELETE', `/v1/orders/${orderId}/coupons/${encodeURIComponent(code)}`, {
    key,
  });
}

async function getOrder(key: string, id: string, on: Pick<TestServer, 'url'> = server) {
  const res = await request(on, 'GET', `/v1/orders/${id}`, { key });
  expect(res.status, res.text).toBe(200);
  return res.body.order;
}

async function timeline(key: string, id: string): Promise<any[]> {
  const res = await request(server, 'GET', `/v1/orders/${id}/timeline?limit=100`, { key });
  expect(res.status, res.text).toBe(200);
  return res.body.timeline;
}

async function orderCount(key: string): Promise<number> {
  const res = await request(server, 'GET', '/v1/orders?limit=100', { key });
  expect(res.status, res.text).toBe(200);
  return res.body.orders.length;
}

/** The order is exactly as it was and no change was recorded. */
async function expectUnchanged(key: string, before: any) {
  expect(await getOrder(key, before.order_id)).toEqual(before);
  expect(await timeline(key, before.order_id)).toHaveLength(before.version);
}

describe('applying by code', () => {
  it('accepts the code in any case and shows the coupon as issued', async () => {
    const { testKey: key } = await createTestAccount(server);
    const issued = await coupon(key, { code: 'Spring-Sale_1', percent_off: '10' });
    const order = await createOrder(key, { line_items: [adhoc(1000)] });
    const res = await apply(key, order.order_id, 'sPRING-sALE_1');
    expect(res.status, res.text).toBe(200);
    expect(res.body.order.coupons).toEqual([
      {
        coupon_id: issued.coupon_id,
        code: 'Spring-Sale_1',
        percent_off: '10',
        amount_off: null,
        stackable: false,
        discount_money: { amount: 100, currency: 'USD' },
      },
    ]);
    expect(amounts(res.body.order)).toMatchObject({ discount_money: 100, total_money: 900 });
    expect(res.body.order.version).toBe(2);
    expect(res.body.order.line_items[0].applied_discounts).toEqual([
      {
        coupon_id: issued.coupon_id,
        code: 'Spring-Sale_1',
        amount_money: { amount: 100, currency: 'USD' },
      },
    ]);

    const atCreate = await createOrder(key, {
      line_items: [adhoc(1000)],
      coupon_codes: ['spring-sale_1'],
    });
    expect(atCreate.coupons.map((c: any) => c.coupon_id)).toEqual([issued.coupon_id]);
    expect(amounts(atCreate).discount_money).toBe(100);
  });

  it('an unknown code is a 404 at coupon_code and changes nothing', async () => {
    const { testKey: key } = await createTestAccount(server);
    const order = await createOrder(key, { line_items: [adhoc(1000)] });
    expectMissing(await apply(key, order.order_id, 'NOPE'), 'coupon', ['coupon_code']);
    await expectUnchanged(key, order);
    const known = await coupon(key);
    const res = await request(server, 'POST', '/v1/orders', {
      key,
      body: { order: { line_items: [adhoc(1000)], coupon_codes: [known.code, 'NOPE'] } },
    });
    expectMissing(res, 'coupon', ['order', 'coupon_codes', 1]);
    expect(await orderCount(key)).toBe(1);
  });

  it("another tenant's code is a 404, even when the same code exists there", async () => {
    const mine = await createTestAccount(server);
    const theirs = await createTestAccount(server);
    const code = freshCode('X');
    await coupon(theirs.testKey, { code });
    const order = await createOrder(mine.testKey, { line_items: [adhoc(1000)] });
    expectMissing(await apply(mine.testKey, order.order_id, code), 'coupon', ['coupon_code']);
    const liveOnly = await coupon(mine.liveKey, { code: freshCode('L') });
    expectMissing(await apply(mine.testKey, order.order_id, liveOnly.code), 'coupon', [
      'coupon_code',
    ]);
    await expectUnchanged(mine.testKey, order);
  });

  it('an expired coupon is a 422 coupon_expired', async () => {
    const { db } = await testDatabase();
    const clock = new ManualClock(new Date('2033-01-10T12:00:00Z'));
    const timed = await startTestServer({ deps: { db, clock } });
    try {
      const { testKey: key } = await createTestAccount(timed);
      const expiring = await coupon(key, { redeem_by: '2033-01-10T13:00:00Z' }, timed);
      const order = await createOrder(key, { line_items: [adhoc(1000)] }, timed);
      const early = await createOrder(key, { line_items: [adhoc(1000)] }, timed);
      expect((await apply(key, early.order_id, expiring.code, timed)).status).toBe(200);

      clock.set(new Date(Date.parse('2033-01-10T13:00:00Z') + HOUR));
      const res = await apply(key, order.order_id, expiring.code, timed);
      expectError(res, 422, 'validation_error', 'coupon_expired', [['coupon_code']]);
      expect(await getOrder(key, order.order_id, timed)).toEqual(order);
      const atCreate = await request(timed, 'POST', '/v1/orders', {
        key,
        body: { order: { line_items: [adhoc(1000)], coupon_codes: [expiring.code] } },
      });
      expectError(atCreate, 422, 'validation_error', 'coupon_expired', [
        ['order', 'coupon_codes', 0],
      ]);
      // Already on an order, it stays; the order can still change.
      const patched = await request(timed, 'PATCH', `/v1/orders/${early.order_id}`, {
        key,
        body: { order: { tip_money: { amount: 5 } } },
      });
      expect(patched.status, patched.text).toBe(200);
      expect(patched.body.order.coupons.map((c: any) => c.code)).toEqual([expiring.code]);
    } finally {
      await timed.close();
    }
  });
});

describe('min_subtotal', () => {
  it('refuses a subtotal below it (422 coupon_minimum_not_met) and accepts exactly it', async () => {
    const { testKey: key } = await createTestAccount(server);
    const c = await coupon(key, { min_subtotal: 5000 });
    const small = await createOrder(key, { line_items: [adhoc(2499, 2)] });
    const res = await apply(key, small.order_id, c.code);
    expectError(res, 422, 'validation_error', 'coupon_minimum_not_met', [['coupon_code']]);
    expect(res.body.error.min_subtotal).toBe(5000);
    expect(res.body.error.subtotal).toBe(4998);
    await expectUnchanged(key, small);

    const exact = await createOrder(key, { line_items: [adhoc(2500, 2)] });
    const ok = await apply(key, exact.order_id, c.code);
    expect(ok.status, ok.text).toBe(200);
    expect(amounts(ok.body.order)).toMatchObject({ discount_money: 500, total_money: 4500 });
  });

  it('uses the subtotal before discounts, tax, shipping and tip', async () => {
    const { testKey: key } = await createTestAccount(server);
    const c = await coupon(key, { min_subtotal: 1000 });
    const order = await createOrder(key, {
      line_items: [adhoc(999)],
      shipping_money: { amount: 5000 },
      tip_money: { amount: 5000 },
    });
    expectError(
      await apply(key, order.order_id, c.code),
      422,
      'validation_error',
      'coupon_minimum_not_met',
      [['coupon_code']],
    );
  });

  it('a PATCH that drops the subtotal below an applied minimum is a 422 and changes nothing', async () => {
    const { testKey: key } = await createTestAccount(server);
    const c = await coupon(key, { min_subtotal: 3000, stackable: true });
    const order = await createOrder(key, {
      line_items: [adhoc(2000), adhoc(1000)],
      coupon_codes: [c.code],
    });
    const res = await request(server, 'PATCH', `/v1/orders/${order.order_id}`, {
      key,
      body: { order: { line_items: [adhoc(2999)], metadata: { note: 'x' } } },
    });
    expectError(res, 422, 'validation_error', 'coupon_minimum_not_met', [['coupon_code']]);
    await expectUnchanged(key, order);

    const raised = await request(server, 'PATCH', `/v1/orders/${order.order_id}`, {
      key,
      body: { order: { line_items: [adhoc(3000)] } },
    });
    expect(raised.status, raised.text).toBe(200);
    expect(amounts(raised.body.order)).toMatchObject({ subtotal_money: 3000, discount_money: 300 });
  });
});

describe('stacking', () => {
  it('refuses a second non-stackable coupon (422 coupon_not_stackable) and accepts stackable ones', async () => {
    const { testKey: key } = await createTestAccount(server);
    const first = await coupon(key, { percent_off: '10' });
    const second = await coupon(key, { percent_off: '20' });
    const extra = await coupon(key, { percent_off: '50', stackable: true });
    const order = await createOrder(key, { line_items: [adhoc(10000)] });
    const applied = await apply(key, order.order_id, first.code);
    expect(applied.status, applied.text).toBe(200);
    const refused = await apply(key, order.order_id, second.code);
    expectError(refused, 422, 'validation_error', 'coupon_not_stackable', [['coupon_code']]);
    await expectUnchanged(key, applied.body.order);
    const stacked = await apply(key, order.order_id, extra.code);
    expect(stacked.status, stacked.text).toBe(200);
    // 10 % of 10000, then 50 % of the 9000 left.
    expect(stacked.body.order.coupons.map((c: any) => c.discount_money.amount)).toEqual([
      1000, 4500,
    ]);
    expect(amounts(stacked.body.order).discount_money).toBe(5500);
  });

  it('accepts one non-stackable coupon after stackable ones', async () => {
    const { testKey: key } = await createTestAccount(server);
    const a = await coupon(key, { stackable: true });
    const b = await coupon(key, { stackable: true });
    const only = await coupon(key, { stackable: false });
    const order = await createOrder(key, {
      line_items: [adhoc(1000)],
      coupon_codes: [a.code, b.code, only.code],
    });
    expect(order.coupons.map((c: any) => c.code)).toEqual([a.code, b.code, only.code]);
    // 100, then 10 % of 900, then 10 % of 810 (81).
    expect(order.coupons.map((c: any) => c.discount_money.amount)).toEqual([100, 90, 81]);
  });

  it('refuses two non-stackable coupons at creation, naming the second', async () => {
    const { testKey: key } = await createTestAccount(server);
    const a = await coupon(key);
    const s = await coupon(key, { stackable: true });
    const b = await coupon(key);
    const res = await request(server, 'POST', '/v1/orders', {
      key,
      body: { order: { line_items: [adhoc(1000)], coupon_codes: [a.code, s.code, b.code] } },
    });
    expectError(res, 422, 'validation_error', 'coupon_not_stackable', [
      ['order', 'coupon_codes', 2],
    ]);
    expect(await orderCount(key)).toBe(0);
  });

  it('the same coupon twice is a 409 coupon_already_applied, stackable or not, in any case', async () => {
    const { testKey: key } = await createTestAccount(server);
    const plain = await coupon(key, { code: freshCode('dup') });
    const stackable = await coupon(key, { stackable: true });
    const order = await createOrder(key, {
      line_items: [adhoc(1000)],
      coupon_codes: [plain.code, stackable.code],
    });
    for (const code of [plain.code, plain.code.toUpperCase(), stackable.code]) {
      expectError(
        await apply(key, order.order_id, code),
        409,
        'conflict',
        'coupon_already_applied',
        [['coupon_code']],
      );
    }
    await expectUnchanged(key, order);
    const twice = await request(server, 'POST', '/v1/orders', {
      key,
      body: {
        order: {
          line_items: [adhoc(1000)],
          coupon_codes: [stackable.code, stackable.code.toLowerCase()],
        },
      },
    });
    expectError(twice, 409, 'conflict', 'coupon_already_applied', [['order', 'coupon_codes', 1]]);
    expect(await orderCount(key)).toBe(1);
  });
});

describe('currency and state of the coupon', () => {
  it('a fixed coupon in another currency is a 422 coupon_currency_mismatch; percent ones fit any', async () => {
    const { testKey: key } = await createTestAccount(server);
    const eur = await coupon(key, { percent_off: undefined, amount_off: 500, currency: 'EUR' });
    const pct = await coupon(key, { percent_off: '25' });
    const order = await createOrder(key, { currency: 'JPY', line_items: [adhoc(1000)] });
    expectError(
      await apply(key, order.order_id, eur.code),
      422,
      'validation_error',
      'coupon_currency_mismatch',
      [['coupon_code']],
    );
    await expectUnchanged(key, order);
    const ok = await apply(key, order.order_id, pct.code);
    expect(ok.status, ok.text).toBe(200);
    expect(ok.body.order.net_amounts.discount_money).toEqual({ amount: 250, currency: 'JPY' });
    const eurOrder = await createOrder(key, { currency: 'eur', line_items: [adhoc(1000)] });
    const fits = await apply(key, eurOrder.order_id, eur.code);
    expect(fits.status, fits.text).toBe(200);
    expect(amounts(fits.body.order).discount_money).toBe(500);
  });

  it('an archived coupon is a 422 coupon_inactive; one already applied stays', async () => {
    const { testKey: key } = await createTestAccount(server);
    const c = await coupon(key, { percent_off: '20' });
    const kept = await createOrder(key, { line_items: [adhoc(1000)], coupon_codes: [c.code] });
    const archived = await request(server, 'PATCH', `/v1/coupons/${c.coupon_id}`, {
      key,
      body: { coupon: { active: false } },
    });
    expect(archived.status, archived.text).toBe(200);
    const order = await createOrder(key, { line_items: [adhoc(1000)] });
    expectError(
      await apply(key, order.order_id, c.code),
      422,
      'validation_error',
      'coupon_inactive',
      [['coupon_code']],
    );
    await expectUnchanged(key, order);
    const patched = await request(server, 'PATCH', `/v1/orders/${kept.order_id}`, {
      key,
      body: { order: { line_items: [adhoc(2000)] } },
    });
    expect(patched.status, patched.text).toBe(200);
    expect(amounts(patched.body.order).discount_money).toBe(400);
  });
});

describe('DELETE /v1/orders/{id}/coupons/{code}', () => {
  it('removes the coupon (code in any case) and recomputes', async () => {
    const { testKey: key } = await createTestAccount(server);
    await create(server, key, 'tax_rates', 'tax_rate', {
      display_name: 'Tax',
      percentage: '8',
      inclusive: false,
      default: true,
    });
    const c = await coupon(key, { code: freshCode('Del'), percent_off: '20' });
    const order = await createOrder(key, {
      line_items: [adhoc(9900), adhoc(2900)],
      coupon_codes: [c.code],
    });
    expect(amounts(order)).toMatchObject({
      discount_money: 2560,
      tax_money: 819,
      total_money: 11059,
    });
    const res = await remove(key, order.order_id, c.code.toLowerCase());
    expect(res.status, res.text).toBe(200);
    const after = res.body.order;
    expect(after.coupons).toEqual([]);
    expect(after.version).toBe(2);
    expect(amounts(after)).toMatchObject({
      discount_money: 0,
      tax_money: 1024,
      total_money: 13824,
    });
    expect(after.line_items.map((l: any) => l.applied_discounts)).toEqual([[], []]);
    expect(await getOrder(key, order.order_id)).toEqual(after);
    const [entry] = await timeline(key, order.order_id);
    expect(entry.type).toBe('order.updated');
    expect(entry.amounts_before.total_money.amount).toBe(11059);
    expect(entry.amounts_after.total_money.amount).toBe(13824);
  });

  it('a code that is not applied, or does not exist, is a 404 and changes nothing', async () => {
    const { testKey: key } = await createTestAccount(server);
    const applied = await coupon(key);
    const other = await coupon(key, { stackable: true });
    const order = await createOrder(key, {
      line_items: [adhoc(1000)],
      coupon_codes: [applied.code],
    });
    expectError(
      await remove(key, order.order_id, other.code),
      404,
      'not_found',
      'resource_missing',
      [['coupon_code']],
    );
    expectError(await remove(key, order.order_id, 'NOPE'), 404, 'not_found', 'resource_missing', [
      ['coupon_code'],
    ]);
    await expectUnchanged(key, order);
  });

  it('re-applying a removed coupon puts it last: order matters', async () => {
    const { testKey: key } = await createTestAccount(server);
    const fixed = await coupon(key, {
      percent_off: undefined,
      amount_off: 100,
      currency: 'USD',
      stackable: true,
    });
    const pct = await coupon(key, { percent_off: '10', stackable: true });
    const order = await createOrder(key, {
      line_items: [adhoc(1000)],
      coupon_codes: [fixed.code, pct.code],
    });
    // 100 off, then 10 % of 900.
    expect(amounts(order).discount_money).toBe(190);
    expect((await remove(key, order.order_id, fixed.code)).status).toBe(200);
    const res = await apply(key, order.order_id, fixed.code);
    expect(res.status, res.text).toBe(200);
    expect(res.body.order.coupons.map((c: any) => c.code)).toEqual([pct.code, fixed.code]);
    // 10 % of 1000, then 100 off.
    expect(amounts(res.body.order).discount_money).toBe(200);
  });
});

describe('applies_to', () => {
  it('limits the discount to the lines of those products', async () => {
    const { testKey: key } = await createTestAccount(server);
    const a = await create(server, key, 'products', 'product', { name: 'A' });
    const b = await create(server, key, 'products', 'product', { name: 'B' });
    const priceA = await create(server, key, 'prices', 'price', {
      product_id: a.product_id,
      unit_amount: 4000,
      currency: 'USD',
    });
    const c = await coupon(key, { percent_off: '50', applies_to: { products: [a.product_id] } });
    const order = await createOrder(key, {
      line_items: [
        adhoc(1000),
        { price_id: priceA.price_id, quantity: 1 },
        { product_id: b.product_id, quantity: 1, unit_price_money: { amount: 3000 } },
        { product_id: a.product_id, quantity: 2, unit_price_money: { amount: 500 } },
      ],
      coupon_codes: [c.code],
    });
    // 50 % of A's lines only: 4000 + 1000 → 2500, split 2000 / 500.
    expect(order.line_items.map((l: any) => l.discount_money.amount)).toEqual([0, 2000, 0, 500]);
    expect(amounts(order)).toMatchObject({
      subtotal_money: 9000,
      discount_money: 2500,
      total_money: 6500,
    });
  });

  it('caps a fixed amount at what its products come to, and gives nothing without them', async () => {
    const { testKey: key } = await createTestAccount(server);
    const a = await create(server, key, 'products', 'product', { name: 'A' });
    const c = await coupon(key, {
      percent_off: undefined,
      amount_off: 5000,
      currency: 'USD',
      applies_to: { products: [a.product_id] },
    });
    const order = await createOrder(key, {
      line_items: [
        adhoc(10000),
        { product_id: a.product_id, quantity: 1, unit_price_money: { amount: 1200 } },
      ],
      coupon_codes: [c.code],
    });
    expect(order.line_items.map((l: any) => l.discount_money.amount)).toEqual([0, 1200]);
    expect(amounts(order).discount_money).toBe(1200);
    const without = await createOrder(key, { line_items: [adhoc(10000)], coupon_codes: [c.code] });
    expect(amounts(without)).toMatchObject({ discount_money: 0, total_money: 10000 });
  });
});

// ---------------------------------------------------------------------------------
// Concurrency
// ---------------------------------------------------------------------------------

/** Whole-order coupons applied in order, each on what remains (§2), in BigInt. */
function referenceDiscounts(
  gross: readonly number[],
  coupons: readonly { percent_off: string | null; amount_off: number | null }[],
) {
  const remaining = gross.map(BigInt);
  const totals: number[] = [];
  for (const c of coupons) {
    const base = remaining.reduce((a, b) => a + b, 0n);
    let amount: bigint;
    if (c.percent_off !== null) {
      const [whole, frac = ''] = c.percent_off.split('.');
      const num = base * BigInt(`${whole}${frac}`);
      const den = 100n * 10n ** BigInt(frac.length);
      amount = num / den + ((num % den) * 2n >= den ? 1n : 0n);
    } else {
      const off = BigInt(c.amount_off ?? 0);
      amount = off < base ? off : base;
    }
    if (base > 0n) {
      const parts = remaining.map((w) => (amount * w) / base);
      let left = amount - parts.reduce((a, b) => a + b, 0n);
      const order = remaining
        .map((w, i) => ({ i, rest: (amount * w) % base }))
        .sort((x, y) => (x.rest === y.rest ? x.i - y.i : x.rest > y.rest ? -1 : 1));
      for (const { i } of order) {
        if (left === 0n) break;
        parts[i] = (parts[i] as bigint) + 1n;
        left -= 1n;
      }
      parts.forEach((p, i) => {
        remaining[i] = (remaining[i] as bigint) - p;
      });
    }
    totals.push(Number(amount));
  }
  return {
    coupons: totals,
    lines: gross.map((g, i) => g - Number(remaining[i])),
  };
}

describe('concurrency', () => {
  it('20 parallel applications of 20 stackable coupons: each applied once, totals exact', async () => {
    const { testKey: key } = await createTestAccount(server);
    const issued = [];
    for (let i = 0; i < 20; i++) {
      issued.push(
        await coupon(
          key,
          i % 3 === 0
            ? { percent_off: undefined, amount_off: 37 + i, currency: 'USD', stackable: true }
            : { percent_off: ['1', '2.5', '3.3333', '5'][i % 4], stackable: true },
        ),
      );
    }
    const gross = [12345, 6789 * 3, 1001];
    const order = await createOrder(key, {
      line_items: [adhoc(12345), adhoc(6789, 3), adhoc(1001)],
    });
    const results = await Promise.all(issued.map((c) => apply(key, order.order_id, c.code)));
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(results.map((r) => r.body.order.version).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 20 }, (_, i) => i + 2),
    );
    const final = await getOrder(key, order.order_id);
    expect(final.version).toBe(21);
    const ids = final.coupons.map((c: any) => c.coupon_id);
    expect([...ids].sort()).toEqual(issued.map((c) => c.coupon_id).sort());
    // The reference, in the order the coupons actually landed.
    const byId = new Map(issued.map((c) => [c.coupon_id, c]));
    const ref = referenceDiscounts(
      gross,
      ids.map((id: string) => byId.get(id)),
    );
    expect(final.coupons.map((c: any) => c.discount_money.amount)).toEqual(ref.coupons);
    expect(final.line_items.map((l: any) => l.discount_money.amount)).toEqual(ref.lines);
    expect(amounts(final).discount_money).toBe(ref.coupons.reduce((a, b) => a + b, 0));
    const subtotal = gross.reduce((a, b) => a + b, 0);
    expect(amounts(final).total_money).toBe(subtotal - (amounts(final).discount_money as number));
    // Each response saw the coupons applied before it, in the final order.
    for (const r of results) {
      const seen = r.body.order.coupons.map((c: any) => c.coupon_id);
      expect(seen).toEqual(ids.slice(0, seen.length));
    }
    expect(await timeline(key, order.order_id)).toHaveLength(21);
  });

  it('20 parallel applications of the same non-stackable coupon: exactly one 200', async () => {
    const { testKey: key } = await createTestAccount(server);
    const c = await coupon(key, { percent_off: '15' });
    const order = await createOrder(key, { line_items: [adhoc(2000)] });
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        apply(key, order.order_id, i % 2 ? c.code : c.code.toLowerCase()),
      ),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    for (const r of results.filter((x) => x.status !== 200)) {
      expectError(r, 409, 'conflict', 'coupon_already_applied', [['coupon_code']]);
    }
    const final = await getOrder(key, order.order_id);
    expect(final.version).toBe(2);
    expect(final.coupons.map((x: any) => x.coupon_id)).toEqual([c.coupon_id]);
    expect(amounts(final)).toMatchObject({ discount_money: 300, total_money: 1700 });
    expect(await timeline(key, order.order_id)).toHaveLength(2);
  });
});
