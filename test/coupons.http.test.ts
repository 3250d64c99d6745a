import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  findCouponByCode,
  lockCouponById,
  selectCouponById,
} from '../src/adapters/db/repos/coupons-repo.js';
import {
  create,
  expectError,
  expectMissing,
  list,
  MAX_AMOUNT,
  ManualClock,
  RFC3339_UTC,
  UNKNOWN,
  walk,
} from './catalog-fixtures.js';
import { createTestAccount, request, startTestServer, type TestServer } from './harness.js';

const COUPON_ID = /^cpn_[0-9a-z]{26}$/;
const HOUR = 60 * 60 * 1000;

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

let codes = 0;
/** A code no other test uses (codes are unique per account and mode anyway). */
function freshCode(): string {
  codes += 1;
  return `CODE${codes}_${Math.random().toString(36).slice(2, 8)}`;
}

function createCoupon(key: string, fields: Record<string, unknown> = {}, on = server) {
  return create(on, key, 'coupons', 'coupon', { code: freshCode(), percent_off: '20', ...fields });
}

function postCoupon(key: string, body: unknown, on: Pick<TestServer, 'url'> = server) {
  return request(on, 'POST', '/v1/coupons', { key, body });
}

function patchCoupon(key: string, id: string, fields: unknown, on = server) {
  return request(on, 'PATCH', `/v1/coupons/${id}`, { key, body: { coupon: fields } });
}

async function getCoupon(key: string, id: string, on: Pick<TestServer, 'url'> = server) {
  const res = await request(on, 'GET', `/v1/coupons/${id}`, { key });
  expect(res.status, res.text).toBe(200);
  return res.body.coupon;
}

async function countCoupons(key: string): Promise<number> {
  return (await list(server, key, 'coupons', '?limit=100')).coupons.length;
}

async function createProduct(key: string): Promise<string> {
  return (await create(server, key, 'products', 'product', { name: 'Widget' })).product_id;
}

describe('POST /v1/coupons', () => {
  it('creates a percent coupon with every field', async () => {
    const account = await createTestAccount(server);
    const productA = await createProduct(account.testKey);
    const productB = await createProduct(account.testKey);
    const coupon = await createCoupon(account.testKey, {
      code: 'Summer-2030_a',
      name: 'Summer sale',
      percent_off: '12.50',
      max_redemptions: 100,
      redeem_by: '2099-06-30T12:00:00+02:00',
      min_subtotal: 5000,
      applies_to: { products: [productA, productB] },
      stackable: true,
      metadata: { campaign: 'summer' },
    });
    expect(coupon).toEqual({
      coupon_id: expect.stringMatching(COUPON_ID),
      object: 'coupon',
      code: 'Summer-2030_a',
      name: 'Summer sale',
      percent_off: '12.5',
      amount_off: null,
      currency: null,
      max_redemptions: 100,
      times_redeemed: 0,
      redeem_by: '2099-06-30T10:00:00.000Z',
      min_subtotal: 5000,
      applies_to: { products: [productA, productB] },
      stackable: true,
      active: true,
      valid: true,
      metadata: { campaign: 'summer' },
      test_mode: true,
      created_at: expect.stringMatching(RFC3339_UTC),
      updated_at: expect.stringMatching(RFC3339_UTC),
    });
    expect(coupon.updated_at).toBe(coupon.created_at);
    expect(await getCoupon(account.testKey, coupon.coupon_id)).toEqual(coupon);
  });

  it('creates an amount coupon with an upper-case currency and the defaults', async () => {
    const account = await createTestAccount(server);
    const code = freshCode();
    const res = await postCoupon(account.testKey, {
      coupon: { code, amount_off: 500, currency: 'eur' },
    });
    expect(res.status).toBe(200);
    expect(res.body.coupon).toMatchObject({
      code,
      name: null,
      percent_off: null,
      amount_off: 500,
      currency: 'EUR',
      max_redemptions: null,
      times_redeemed: 0,
      redeem_by: null,
      min_subtotal: null,
      applies_to: null,
      stackable: false,
      active: true,
      valid: true,
      metadata: {},
    });
  });

  it.each([
    ['100', '100'],
    ['0.0001', '0.0001'],
    ['20.00', '20'],
    ['33.3333', '33.3333'],
  ])('accepts percent_off %j as %j', async (given, stored) => {
    const account = await createTestAccount(server);
    expect((await createCoupon(account.testKey, { percent_off: given })).percent_off).toBe(stored);
  });

  it('accepts amount_off 1 and the maximum, codes of 1 and 64 characters', async () => {
    const account = await createTestAccount(server);
    const one = await createCoupon(account.testKey, {
      code: 'x',
      percent_off: undefined,
      amount_off: 1,
      currency: 'JPY',
    });
    expect(one).toMatchObject({ code: 'x', amount_off: 1, currency: 'JPY' });
    const max = await createCoupon(account.testKey, {
      code: 'A'.repeat(64),
      percent_off: undefined,
      amount_off: MAX_AMOUNT,
      currency: 'usd',
    });
    expect(max).toMatchObject({ code: 'A'.repeat(64), amount_off: MAX_AMOUNT });
  });

  it('de-duplicates applies_to products', async () => {
    const account = await createTestAccount(server);
    const product = await createProduct(account.testKey);
    const coupon = await createCoupon(account.testKey, {
      applies_to: { products: [product, product] },
    });
    expect(coupon.applies_to).toEqual({ products: [product] });
  });

  it('marks coupons created with a live key as live', async () => {
    const account = await createTestAccount(server);
    expect((await createCoupon(account.liveKey)).test_mode).toBe(false);
  });

  describe('percent_off xor amount_off + currency', () => {
    it.each<[string, string, Record<string, unknown>]>([
      ['neither', 'percent_off', {}],
      ['both', 'amount_off', { percent_off: '10', amount_off: 100, currency: 'usd' }],
      ['amount_off without currency', 'currency', { amount_off: 100 }],
      ['percent_off with a currency', 'currency', { percent_off: '10', currency: 'usd' }],
      ['a currency alone', 'percent_off', { currency: 'usd' }],
      ['a currency that is not ISO 4217', 'currency', { amount_off: 100, currency: 'XYZ' }],
    ])('rejects %s with a 422 at coupon.%s', async (_label, field, terms) => {
      const account = await createTestAccount(server);
      const res = await postCoupon(account.testKey, { coupon: { code: freshCode(), ...terms } });
      expectError(res, 422, 'validation_error', 'parameter_invalid', [['coupon', field]]);
      expect(await countCoupons(account.testKey)).toBe(0);
    });
  });

  const tooManyProducts = Array.from(
    { length: 101 },
    (_, i) => `prod_01m84sgeyjf21ada62ac1e${String(i).padStart(4, '0')}`,
  );
  it.each<[string, Record<string, unknown>, (string | number)[]]>([
    ['a missing code', { code: undefined }, ['coupon', 'code']],
    ['an empty code', { code: '' }, ['coupon', 'code']],
    ['a code of 65 characters', { code: 'C'.repeat(65) }, ['coupon', 'code']],
    ['a code with a space', { code: 'TEN OFF' }, ['coupon', 'code']],
    ['a code with a dot', { code: 'TEN.OFF' }, ['coupon', 'code']],
    ['a code with a non-ASCII letter', { code: 'ÉTÉ' }, ['coupon', 'code']],
    ['a numeric code', { code: 10 }, ['coupon', 'code']],
    ['an empty name', { name: '' }, ['coupon', 'name']],
    ['a name of 251 characters', { name: 'n'.repeat(251) }, ['coupon', 'name']],
    ['percent_off 0', { percent_off: '0' }, ['coupon', 'percent_off']],
    ['percent_off 0.0000', { percent_off: '0.0000' }, ['coupon', 'percent_off']],
    ['a negative percent_off', { percent_off: '-5' }, ['coupon', 'percent_off']],
    ['percent_off above 100', { percent_off: '100.01' }, ['coupon', 'percent_off']],
    ['percent_off with an exponent', { percent_off: '1e1' }, ['coupon', 'percent_off']],
    ['percent_off with five decimals', { percent_off: '12.34567' }, ['coupon', 'percent_off']],
    ['percent_off as a number', { percent_off: 20 }, ['coupon', 'percent_off']],
    [
      'amount_off 0',
      { percent_off: undefined, amount_off: 0, currency: 'usd' },
      ['coupon', 'amount_off'],
    ],
    [
      'a negative amount_off',
      { percent_off: undefined, amount_off: -100, currency: 'usd' },
      ['coupon', 'amount_off'],
    ],
    [
      'amount_off above the maximum',
      { percent_off: undefined, amount_off: MAX_AMOUNT + 1, currency: 'usd' },
      ['coupon', 'amount_off'],
    ],
    [
      'a fractional amount_off',
      { percent_off: undefined, amount_off: 1.5, currency: 'usd' },
      ['coupon', 'amount_off'],
    ],
    [
      'amount_off as a string',
      { percent_off: undefined, amount_off: '100', currency: 'usd' },
      ['coupon', 'amount_off'],
    ],
    [
      'a malformed currency',
      { percent_off: undefined, amount_off: 100, currency: 'dollars' },
      ['coupon', 'currency'],
    ],
    ['max_redemptions 0', { max_redemptions: 0 }, ['coupon', 'max_redemptions']],
    ['a negative max_redemptions', { max_redemptions: -1 }, ['coupon', 'max_redemptions']],
    ['a fractional max_redemptions', { max_redemptions: 2.5 }, ['coupon', 'max_redemptions']],
    [
      'max_redemptions beyond 2^31 - 1',
      { max_redemptions: 2 ** 31 },
      ['coupon', 'max_redemptions'],
    ],
    ['max_redemptions as a string', { max_redemptions: '5' }, ['coupon', 'max_redemptions']],
    ['a negative min_subtotal', { min_subtotal: -1 }, ['coupon', 'min_subtotal']],
    [
      'min_subtotal above the maximum',
      { min_subtotal: MAX_AMOUNT + 1 },
      ['coupon', 'min_subtotal'],
    ],
    ['a fractional min_subtotal', { min_subtotal: 10.5 }, ['coupon', 'min_subtotal']],
    ['redeem_by in the past', { redeem_by: '2001-01-01T00:00:00Z' }, ['coupon', 'redeem_by']],
    ['redeem_by as a date only', { redeem_by: '2099-01-01' }, ['coupon', 'redeem_by']],
    [
      'redeem_by without a time zone',
      { redeem_by: '2099-01-01T00:00:00' },
      ['coupon', 'redeem_by'],
    ],
    ['redeem_by as a word', { redeem_by: 'tomorrow' }, ['coupon', 'redeem_by']],
    ['redeem_by as a Unix timestamp', { redeem_by: 4102444800 }, ['coupon', 'redeem_by']],
    [
      'an impossible redeem_by date',
      { redeem_by: '2099-02-30T00:00:00Z' },
      ['coupon', 'redeem_by'],
    ],
    ['a leap-second redeem_by', { redeem_by: '2099-06-30T23:59:60Z' }, ['coupon', 'redeem_by']],
    ['stackable as a string', { stackable: 'true' }, ['coupon', 'stackable']],
    ['applies_to without products', { applies_to: {} }, ['coupon', 'applies_to', 'products']],
    [
      'applies_to with no products',
      { applies_to: { products: [] } },
      ['coupon', 'applies_to', 'products'],
    ],
    [
      'applies_to with 101 products',
      { applies_to: { products: tooManyProducts } },
      ['coupon', 'applies_to', 'products'],
    ],
    [
      'a malformed applies_to product',
      { applies_to: { products: ['prod_x'] } },
      ['coupon', 'applies_to', 'products', 0],
    ],
    [
      'applies_to products as a string',
      { applies_to: { products: UNKNOWN.prod } },
      ['coupon', 'applies_to', 'products'],
    ],
    ['a non-string metadata value', { metadata: { k: 1 } }, ['coupon', 'metadata', 'k']],
  ])('rejects %s with a 422 at that field and creates nothing', async (_label, fields, loc) => {
    const account = await createTestAccount(server);
    const coupon = Object.fromEntries(
      Object.entries({ code: freshCode(), percent_off: '10', ...fields }).filter(
        ([, v]) => v !== undefined,
      ),
    );
    const res = await postCoupon(account.testKey, { coupon });
    expectError(res, 422, 'validation_error', 'parameter_invalid', [loc]);
    expect(await countCoupons(account.testKey)).toBe(0);
  });

  it.each(['active', 'times_redeemed', 'valid', 'coupon_id', 'duration', 'percent'])(
    'rejects the unknown field %s with a 400',
    async (field) => {
      const account = await createTestAccount(server);
      const res = await postCoupon(account.testKey, {
        coupon: { code: freshCode(), percent_off: '10', [field]: 1 },
      });
      expectError(res, 400, 'invalid_request', 'parameter_unknown', [['coupon', field]]);
      expect(await countCoupons(account.testKey)).toBe(0);
    },
  );

  it('rejects an unknown applies_to field with a 400', async () => {
    const account = await createTestAccount(server);
    const res = await postCoupon(account.testKey, {
      coupon: { code: freshCode(), percent_off: '10', applies_to: { prices: [UNKNOWN.price] } },
    });
    expectError(res, 400, 'invalid_request', 'parameter_unknown', [
      ['coupon', 'applies_to', 'prices'],
    ]);
  });

  it("is a 404 naming the index of an applies_to product that is not the caller's", async () => {
    const owner = await createTestAccount(server);
    const intruder = await createTestAccount(server);
    const own = await createProduct(intruder.testKey);
    const foreign = await createProduct(owner.testKey);
    const ownLive = await createProduct(intruder.liveKey);
    const code = freshCode();
    for (const [products, index] of [
      [[own, foreign], 1],
      [[UNKNOWN.prod, own], 0],
      [[own, own, ownLive], 2],
    ] as const) {
      const res = await postCoupon(intruder.testKey, {
        coupon: { code, percent_off: '10', applies_to: { products } },
      });
      expectMissing(res, 'product', ['coupon', 'applies_to', 'products', index]);
    }
    expect(await countCoupons(intruder.testKey)).toBe(0);
    // A refused create does not hold the code.
    const created = await createCoupon(intruder.testKey, { code, applies_to: { products: [own] } });
    expect(created.applies_to).toEqual({ products: [own] });
  });
});

describe('coupon code uniqueness', () => {
  it('refuses a second coupon with the same code in any case: 409 resource_in_use', async () => {
    const account = await createTestAccount(server);
    const code = freshCode();
    const first = await createCoupon(account.testKey, { code });
    for (const again of [code, code.toLowerCase(), code.toUpperCase()]) {
      const res = await postCoupon(account.testKey, {
        coupon: { code: again, amount_off: 100, currency: 'usd' },
      });
      expectError(res, 409, 'conflict', 'resource_in_use', [['coupon', 'code']]);
    }
    const all = await list(server, account.testKey, 'coupons');
    expect(all.coupons).toEqual([first]);
  });

  it('allows the same code in another account and in the other mode', async () => {
    const a = await createTestAccount(server);
    const b = await createTestAccount(server);
    const code = freshCode();
    const inA = await createCoupon(a.testKey, { code });
    const inALive = await createCoupon(a.liveKey, { code: code.toLowerCase() });
    const inB = await createCoupon(b.testKey, { code });
    expect(new Set([inA.coupon_id, inALive.coupon_id, inB.coupon_id]).size).toBe(3);
  });

  it('lets exactly one of 20 concurrent creates with the same code win', async () => {
    const account = await createTestAccount(server);
    const code = freshCode();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        postCoupon(account.testKey, {
          coupon: { code: i % 2 ? code.toLowerCase() : code, percent_off: String(i + 1) },
        }),
      ),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, ...Array(19).fill(409)]);
    for (const res of results.filter((r) => r.status === 409)) {
      expectError(res, 409, 'conflict', 'resource_in_use', [['coupon', 'code']]);
    }
    const winner = results.find((r) => r.status === 200)?.body.coupon;
    const stored = await list(server, account.testKey, 'coupons', `?code=${code}`);
    expect(stored.coupons).toEqual([winner]);
    expect(await countCoupons(account.testKey)).toBe(1);
  });
});

describe('GET /v1/coupons/{coupon_id}', () => {
  it('returns exactly what the create returned', async () => {
    const account = await createTestAccount(server);
    const created = await postCoupon(account.testKey, {
      coupon: { code: freshCode(), amount_off: 250, currency: 'gbp', max_redemptions: 3 },
    });
    const got = await request(server, 'GET', `/v1/coupons/${created.body.coupon.coupon_id}`, {
      key: account.testKey,
    });
    expect(got.status).toBe(200);
    expect(got.text).toBe(created.text);
  });

  it('is a 404 "coupon does not exist" for an unknown id and a 422 for a malformed one', async () => {
    const account = await createTestAccount(server);
    expectMissing(
      await request(server, 'GET', `/v1/coupons/${UNKNOWN.cpn}`, { key: account.testKey }),
      'coupon',
    );
    expectError(
      await request(server, 'GET', '/v1/coupons/SUMMER10', { key: account.testKey }),
      422,
      'validation_error',
      'parameter_invalid',
      [['coupon_id']],
    );
  });
});

describe('valid', () => {
  it('turns false once redeem_by has passed, by the server clock', async () => {
    const clock = new ManualClock(new Date('2031-03-01T00:00:00Z'));
    const timed = await startTestServer({ deps: { db: server.deps.db, clock } });
    try {
      const account = await createTestAccount(timed);
      const coupon = await createCoupon(
        account.testKey,
        { redeem_by: '2031-03-01T01:00:00Z' },
        timed,
      );
      expect(coupon.valid).toBe(true);
      clock.set(new Date('2031-03-01T01:00:00Z'));
      expect((await getCoupon(account.testKey, coupon.coupon_id, timed)).valid).toBe(true);
      clock.set(new Date('2031-03-01T01:00:00.001Z'));
      const expired = await getCoupon(account.testKey, coupon.coupon_id, timed);
      expect(expired).toMatchObject({ valid: false, active: true });
      const listed = await list(timed, account.testKey, 'coupons');
      expect(listed.coupons[0].valid).toBe(false);
    } finally {
      await timed.close();
    }
  });

  it('refuses a redeem_by that is not strictly after the server clock', async () => {
    const now = new Date('2032-05-05T10:00:00Z');
    const clock = new ManualClock(now);
    const timed = await startTestServer({ deps: { db: server.deps.db, clock } });
    try {
      const account = await createTestAccount(timed);
      for (const redeemBy of ['2032-05-05T10:00:00Z', '2032-05-05T09:59:59Z']) {
        const res = await postCoupon(
          account.testKey,
          { coupon: { code: freshCode(), percent_off: '5', redeem_by: redeemBy } },
          timed,
        );
        expectError(res, 422, 'validation_error', 'parameter_invalid', [['coupon', 'redeem_by']]);
      }
      const ok = await createCoupon(
        account.testKey,
        { redeem_by: new Date(now.getTime() + HOUR).toISOString() },
        timed,
      );
      expect(ok.redeem_by).toBe('2032-05-05T11:00:00.000Z');
    } finally {
      await timed.close();
    }
  });

  it('is false when inactive and when every redemption is used', async () => {
    const account = await createTestAccount(server);
    const coupon = await createCoupon(account.testKey, { max_redemptions: 2 });
    const off = await patchCoupon(account.testKey, coupon.coupon_id, { active: false });
    expect(off.body.coupon).toMatchObject({ active: false, valid: false });
    await patchCoupon(account.testKey, coupon.coupon_id, { active: true });

    // Redemptions are counted by orders when paid; simulate them at the row.
    const setRedeemed = (n: number) =>
      server.deps.db
        .updateTable('coupons')
        .set({ times_redeemed: n })
        .where('id', '=', coupon.coupon_id)
        .execute();
    await setRedeemed(1);
    expect(await getCoupon(account.testKey, coupon.coupon_id)).toMatchObject({
      times_redeemed: 1,
      valid: true,
    });
    await setRedeemed(2);
    expect(await getCoupon(account.testKey, coupon.coupon_id)).toMatchObject({
      times_redeemed: 2,
      active: true,
      valid: false,
    });
  });
});

describe('PATCH /v1/coupons/{coupon_id}', () => {
  it('changes name and active and merges metadata, nothing else', async () => {
    const account = await createTestAccount(server);
    const coupon = await createCoupon(account.testKey, {
      name: 'Old',
      metadata: { a: '1', b: '2' },
    });
    const res = await patchCoupon(account.testKey, coupon.coupon_id, {
      name: 'New',
      active: false,
      metadata: { a: '', c: '3' },
    });
    expect(res.status).toBe(200);
    expect(res.body.coupon).toEqual({
      ...coupon,
      name: 'New',
      active: false,
      valid: false,
      metadata: { b: '2', c: '3' },
      updated_at: expect.stringMatching(RFC3339_UTC),
    });
    expect(await getCoupon(account.testKey, coupon.coupon_id)).toEqual(res.body.coupon);
    const cleared = await patchCoupon(account.testKey, coupon.coupon_id, { name: null });
    expect(cleared.body.coupon.name).toBeNull();
  });

  it.each<[string, unknown]>([
    ['code', 'OTHER'],
    ['percent_off', '50'],
    ['amount_off', 100],
    ['currency', 'usd'],
    ['max_redemptions', 10],
    ['redeem_by', '2099-01-01T00:00:00Z'],
    ['min_subtotal', 0],
    ['applies_to', { products: [UNKNOWN.prod] }],
    ['stackable', true],
    ['times_redeemed', 0],
  ])('refuses to change the term %s: 400 unknown field, nothing changes', async (field, value) => {
    const account = await createTestAccount(server);
    const coupon = await createCoupon(account.testKey);
    const res = await patchCoupon(account.testKey, coupon.coupon_id, {
      active: false,
      [field]: value,
    });
    expectError(res, 400, 'invalid_request', 'parameter_unknown', [['coupon', field]]);
    expect(await getCoupon(account.testKey, coupon.coupon_id)).toEqual(coupon);
  });

  it.each<[string, Record<string, unknown>, (string | number)[]]>([
    ['an empty name', { name: '' }, ['coupon', 'name']],
    ['a numeric name', { name: 1 }, ['coupon', 'name']],
    ['active as a string', { active: 'false' }, ['coupon', 'active']],
    ['metadata as a string', { metadata: 'x' }, ['coupon', 'metadata']],
  ])('rejects %s with a 422 and changes nothing', async (_label, fields, loc) => {
    const account = await createTestAccount(server);
    const coupon = await createCoupon(account.testKey);
    const res = await patchCoupon(account.testKey, coupon.coupon_id, fields);
    expectError(res, 422, 'validation_error', 'parameter_invalid', [loc]);
    expect(await getCoupon(account.testKey, coupon.coupon_id)).toEqual(coupon);
  });

  it('refuses a metadata merge past 50 keys', async () => {
    const account = await createTestAccount(server);
    const full = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 'v']));
    const coupon = await createCoupon(account.testKey, { metadata: full });
    const res = await patchCoupon(account.testKey, coupon.coupon_id, { metadata: { z: 'z' } });
    expectError(res, 422, 'validation_error', 'metadata_invalid', [['coupon', 'metadata']]);
    expect(await getCoupon(account.testKey, coupon.coupon_id)).toEqual(coupon);
  });
});

describe('tenancy', () => {
  it("answers 404 for another account's coupon on GET and PATCH and leaves it unchanged", async () => {
    const owner = await createTestAccount(server);
    const intruder = await createTestAccount(server);
    const coupon = await createCoupon(owner.testKey);
    for (const key of [intruder.testKey, intruder.liveKey]) {
      expectMissing(
        await request(server, 'GET', `/v1/coupons/${coupon.coupon_id}`, { key }),
        'coupon',
      );
      expectMissing(await patchCoupon(key, coupon.coupon_id, { active: false }), 'coupon');
      const byCode = await list(server, key, 'coupons', `?code=${coupon.code}`);
      expect(byCode.coupons).toEqual([]);
    }
    expect(await getCoupon(owner.testKey, coupon.coupon_id)).toEqual(coupon);
  });

  it('keeps test and live coupons apart', async () => {
    const account = await createTestAccount(server);
    const testCoupon = await createCoupon(account.testKey);
    const liveCoupon = await createCoupon(account.liveKey);
    expectMissing(
      await request(server, 'GET', `/v1/coupons/${testCoupon.coupon_id}`, { key: account.liveKey }),
      'coupon',
    );
    expectMissing(
      await patchCoupon(account.testKey, liveCoupon.coupon_id, { name: 'x' }),
      'coupon',
    );
    const live = await list(server, account.liveKey, 'coupons');
    expect(live.coupons.map((c: any) => c.coupon_id)).toEqual([liveCoupon.coupon_id]);
  });
});

describe('GET /v1/coupons', () => {
  it('lists newest first and walks every coupon exactly once', async () => {
    const account = await createTestAccount(server);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await createCoupon(account.testKey)).coupon_id);
    const { ids: seen, sizes } = await walk(
      server,
      account.testKey,
      'coupons',
      'coupon_id',
      'limit=2',
    );
    expect(sizes).toEqual([2, 2, 1]);
    expect(seen).toEqual([...ids].reverse());
  });

  it('filters by code (exact, any case) and by active', async () => {
    const account = await createTestAccount(server);
    const spring = await createCoupon(account.testKey, { code: 'Spring10' });
    await createCoupon(account.testKey, { code: 'Spring100' });
    const off = await createCoupon(account.testKey, { code: 'Winter' });
    await patchCoupon(account.testKey, off.coupon_id, { active: false });
    const ids = async (query: string) =>
      (await list(server, account.testKey, 'coupons', query)).coupons.map((c: any) => c.coupon_id);
    expect(await ids('?code=SPRING10')).toEqual([spring.coupon_id]);
    expect(await ids('?code=spring10')).toEqual([spring.coupon_id]);
    expect(await ids('?code=Spring')).toEqual([]);
    expect(await ids('?active=false')).toEqual([off.coupon_id]);
    expect(await ids('?active=true')).toHaveLength(2);
    expect(await ids('?code=winter&active=true')).toEqual([]);
    expect(await ids('?code=winter&active=false')).toEqual([off.coupon_id]);
  });

  it.each([
    ['active=nope', ['active']],
    ['limit=-1', ['limit']],
    [`code=${'c'.repeat(65)}`, ['code']],
    ['starting_after=prod_01m84sgeyjf21ada62ac1e65xf', ['starting_after']],
  ])('rejects ?%s with a 422 at that parameter', async (query, loc) => {
    const account = await createTestAccount(server);
    const res = await request(server, 'GET', `/v1/coupons?${query}`, { key: account.testKey });
    expectError(res, 422, 'validation_error', 'parameter_invalid', [loc]);
  });
});

describe('coupons repository (for orders)', () => {
  it('findCouponByCode matches any case, within one account and mode', async () => {
    const account = await createTestAccount(server);
    const other = await createTestAccount(server);
    const coupon = await createCoupon(account.testKey, { code: 'MixedCase_1' });
    const tenant = { accountId: account.accountId, mode: 'test' as const };
    for (const code of ['MixedCase_1', 'mixedcase_1', 'MIXEDCASE_1']) {
      expect((await findCouponByCode(server.deps.db, tenant, code))?.id).toBe(coupon.coupon_id);
    }
    expect(await findCouponByCode(server.deps.db, tenant, 'MixedCase')).toBeUndefined();
    expect(
      await findCouponByCode(server.deps.db, { ...tenant, mode: 'live' }, 'MixedCase_1'),
    ).toBeUndefined();
    expect(
      await findCouponByCode(
        server.deps.db,
        { accountId: other.accountId, mode: 'test' },
        'MixedCase_1',
      ),
    ).toBeUndefined();
  });

  it('lockCouponById returns the row inside a transaction, only to its own tenant', async () => {
    const account = await createTestAccount(server);
    const other = await createTestAccount(server);
    const coupon = await createCoupon(account.testKey, {
      percent_off: undefined,
      amount_off: 700,
      currency: 'usd',
      max_redemptions: 5,
    });
    const tenant = { accountId: account.accountId, mode: 'test' as const };
    const locked = await server.deps.db.transaction().execute(async (tx) => {
      const row = await lockCouponById(tx, tenant, coupon.coupon_id);
      const foreign = await lockCouponById(
        tx,
        { accountId: other.accountId, mode: 'test' },
        coupon.coupon_id,
      );
      return { row, foreign };
    });
    expect(locked.foreign).toBeUndefined();
    expect(locked.row).toMatchObject({
      id: coupon.coupon_id,
      amount_off: 700,
      currency: 'USD',
      max_redemptions: 5,
      times_redeemed: 0,
      applies_to: null,
    });
    expect(await selectCouponById(server.deps.db, tenant, coupon.coupon_id)).toEqual(locked.row);
  });
});
