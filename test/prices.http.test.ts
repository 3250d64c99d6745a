import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  create,
  expectError,
  expectMissing,
  list,
  MAX_AMOUNT,
  RFC3339_UTC,
  UNKNOWN,
  walk,
} from './catalog-fixtures.js';
import { createTestAccount, request, startTestServer, type TestServer } from './harness.js';

const PRICE_ID = /^price_[0-9a-z]{26}$/;

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

async function createProduct(key: string): Promise<string> {
  return (await create(server, key, 'products', 'product', { name: 'Widget' })).product_id;
}

function createPrice(key: string, productId: string, fields: Record<string, unknown> = {}) {
  return create(server, key, 'prices', 'price', {
    product_id: productId,
    unit_amount: 9900,
    currency: 'usd',
    ...fields,
  });
}

function postPrice(key: string, body: unknown) {
  return request(server, 'POST', '/v1/prices', { key, body });
}

function patchPrice(key: string, id: string, fields: unknown) {
  return request(server, 'PATCH', `/v1/prices/${id}`, { key, body: { price: fields } });
}

async function getPrice(key: string, id: string) {
  const res = await request(server, 'GET', `/v1/prices/${id}`, { key });
  expect(res.status, res.text).toBe(200);
  return res.body.price;
}

async function countPrices(key: string): Promise<number> {
  return (await list(server, key, 'prices', '?limit=100')).prices.length;
}

describe('POST /v1/prices', () => {
  it('creates a one-off price with an upper-case currency', async () => {
    const account = await createTestAccount(server);
    const productId = await createProduct(account.testKey);
    const price = await createPrice(account.testKey, productId, { metadata: { tier: 'a' } });
    expect(price).toEqual({
      price_id: expect.stringMatching(PRICE_ID),
      object: 'price',
      product_id: productId,
      unit_amount: 9900,
      currency: 'USD',
      recurring: null,
      active: true,
      metadata: { tier: 'a' },
      test_mode: true,
      created_at: expect.stringMatching(RFC3339_UTC),
      updated_at: expect.stringMatching(RFC3339_UTC),
    });
    expect(price.updated_at).toBe(price.created_at);
  });

  it('creates a recurring price, interval_count defaulting to 1', async () => {
    const account = await createTestAccount(server);
    const productId = await createProduct(account.testKey);
    const monthly = await createPrice(account.testKey, productId, {
      recurring: { interval: 'month' },
    });
    expect(monthly.recurring).toEqual({ interval: 'month', interval_count: 1 });
    const quarterly = await createPrice(account.testKey, productId, {
      recurring: { interval: 'week', interval_count: 13 },
    });
    expect(quarterly.recurring).toEqual({ interval: 'week', interval_count: 13 });
    expect((await getPrice(account.testKey, quarterly.price_id)).recurring).toEqual({
      interval: 'week',
      interval_count: 13,
    });
  });

  it.each(['day', 'week', 'month', 'year'])('accepts interval %s', async (interval) => {
    const account = await createTestAccount(server);
    const productId = await createProduct(account.testKey);
    const price = await createPrice(account.testKey, productId, {
      recurring: { interval, interval_count: 365 },
    });
    expect(price.recurring).toEqual({ interval, interval_count: 365 });
  });

  it.each([
    [0, 'JPY', 'jpy'],
    [MAX_AMOUNT, 'KWD', 'KwD'],
    [1, 'EUR', 'EUR'],
  ])('accepts unit_amount %d in %s (given as %s)', async (amount, expected, given) => {
    const account = await createTestAccount(server);
    const productId = await createProduct(account.testKey);
    const price = await createPrice(account.testKey, productId, {
      unit_amount: amount,
      currency: given,
    });
    expect(price).toMatchObject({ unit_amount: amount, currency: expected });
    expect(await getPrice(account.testKey, price.price_id)).toEqual(price);
  });

  it('creates an inactive price with active: false, and a live one with a live key', async () => {
    const account = await createTestAccount(server);
    const productId = await createProduct(account.testKey);
    expect((await createPrice(account.testKey, productId, { active: false })).active).toBe(false);
    const liveProduct = await createProduct(account.liveKey);
    expect((await createPrice(account.liveKey, liveProduct)).test_mode).toBe(false);
  });

  it.each<[string, Record<string, unknown>, (string | number)[]]>([
    ['a missing unit_amount', { unit_amount: undefined }, ['price', 'unit_amount']],
    ['a negative unit_amount', { unit_amount: -1 }, ['price', 'unit_amount']],
    ['a unit_amount above the maximum', { unit_amount: MAX_AMOUNT + 1 }, ['price', 'unit_amount']],
    ['a fractional unit_amount', { unit_amount: 99.5 }, ['price', 'unit_amount']],
    ['a unit_amount as a string', { unit_amount: '9900' }, ['price', 'unit_amount']],
    ['a null unit_amount', { unit_amount: null }, ['price', 'unit_amount']],
    ['a missing currency', { currency: undefined }, ['price', 'currency']],
    ['a four-letter currency', { currency: 'usdd' }, ['price', 'currency']],
    ['a two-letter currency', { currency: 'US' }, ['price', 'currency']],
    ['a currency that is not ISO 4217', { currency: 'XYZ' }, ['price', 'currency']],
    ['a numeric currency', { currency: 840 }, ['price', 'currency']],
    ['a missing product_id', { product_id: undefined }, ['price', 'product_id']],
    ['a malformed product_id', { product_id: 'prod_123' }, ['price', 'product_id']],
    ['a price id as product_id', { product_id: UNKNOWN.price }, ['price', 'product_id']],
    [
      'an unknown interval',
      { recurring: { interval: 'fortnight' } },
      ['price', 'recurring', 'interval'],
    ],
    [
      'an upper-case interval',
      { recurring: { interval: 'MONTH' } },
      ['price', 'recurring', 'interval'],
    ],
    [
      'recurring without an interval',
      { recurring: { interval_count: 2 } },
      ['price', 'recurring', 'interval'],
    ],
    [
      'interval_count 0',
      { recurring: { interval: 'day', interval_count: 0 } },
      ['price', 'recurring', 'interval_count'],
    ],
    [
      'interval_count 366',
      { recurring: { interval: 'day', interval_count: 366 } },
      ['price', 'recurring', 'interval_count'],
    ],
    [
      'a fractional interval_count',
      { recurring: { interval: 'day', interval_count: 1.5 } },
      ['price', 'recurring', 'interval_count'],
    ],
    ['recurring as a string', { recurring: 'month' }, ['price', 'recurring']],
    ['active as a string', { active: 'false' }, ['price', 'active']],
    ['a non-string metadata value', { metadata: { a: true } }, ['price', 'metadata', 'a']],
  ])('rejects %s with a 422 at that field and creates nothing', async (_label, fields, loc) => {
    const account = await createTestAccount(server);
    const productId = await createProduct(account.testKey);
    const price = Object.fromEntries(
      Object.entries({
        product_id: productId,
        unit_amount: 100,
        currency: 'usd',
        ...fields,
      }).filter(([, v]) => v !== undefined),
    );
    const res = await postPrice(account.testKey, { price });
    expectError(res, 422, 'validation_error', 'parameter_invalid', [loc]);
    expect(await countPrices(account.testKey)).toBe(0);
  });

  it.each<[string, Record<string, unknown>, (string | number)[]]>([
    ['amount', { amount: 100 }, ['price', 'amount']],
    ['product', { product: 'x' }, ['price', 'product']],
    ['price_id', { price_id: UNKNOWN.price }, ['price', 'price_id']],
    [
      'an unknown recurring field',
      { recurring: { interval: 'day', trial_days: 7 } },
      ['price', 'recurring', 'trial_days'],
    ],
  ])('rejects the unknown field %s with a 400', async (_label, fields, loc) => {
    const account = await createTestAccount(server);
    const productId = await createProduct(account.testKey);
    const res = await postPrice(account.testKey, {
      price: { product_id: productId, unit_amount: 100, currency: 'usd', ...fields },
    });
    expectError(res, 400, 'invalid_request', 'parameter_unknown', [loc]);
    expect(await countPrices(account.testKey)).toBe(0);
  });

  it('is a 404 at price.product_id for an unknown product', async () => {
    const account = await createTestAccount(server);
    const res = await postPrice(account.testKey, {
      price: { product_id: UNKNOWN.prod, unit_amount: 100, currency: 'usd' },
    });
    expectMissing(res, 'product', ['price', 'product_id']);
    expect(await countPrices(account.testKey)).toBe(0);
  });

  it("is a 404 at price.product_id for another account's product, in either mode", async () => {
    const owner = await createTestAccount(server);
    const intruder = await createTestAccount(server);
    const foreign = await createProduct(owner.testKey);
    for (const key of [intruder.testKey, intruder.liveKey]) {
      const res = await postPrice(key, {
        price: { product_id: foreign, unit_amount: 100, currency: 'usd' },
      });
      expectMissing(res, 'product', ['price', 'product_id']);
      expect(await countPrices(key)).toBe(0);
    }
    expect(await countPrices(owner.testKey)).toBe(0);
  });

  it('is a 404 for a product of the same account in the other mode', async () => {
    const account = await createTestAccount(server);
    const liveProduct = await createProduct(account.liveKey);
    const res = await postPrice(account.testKey, {
      price: { product_id: liveProduct, unit_amount: 100, currency: 'usd' },
    });
    expectMissing(res, 'product', ['price', 'product_id']);
  });
});

describe('GET /v1/prices/{price_id}', () => {
  it('returns exactly what the create returned', async () => {
    const account = await createTestAccount(server);
    const productId = await createProduct(account.testKey);
    const created = await postPrice(account.testKey, {
      price: {
        product_id: productId,
        unit_amount: 500,
        currency: 'eur',
        recurring: { interval: 'year' },
      },
    });
    const got = await request(server, 'GET', `/v1/prices/${created.body.price.price_id}`, {
      key: account.testKey,
    });
    expect(got.status).toBe(200);
    expect(got.text).toBe(created.text);
  });

  it('is a 404 "price does not exist" for an unknown id and a 422 for a malformed one', async () => {
    const account = await createTestAccount(server);
    expectMissing(
      await request(server, 'GET', `/v1/prices/${UNKNOWN.price}`, { key: account.testKey }),
      'price',
    );
    expectError(
      await request(server, 'GET', `/v1/prices/${UNKNOWN.prod}`, { key: account.testKey }),
      422,
      'validation_error',
      'parameter_invalid',
      [['price_id']],
    );
  });
});

describe('PATCH /v1/prices/{price_id}', () => {
  it('changes active and merges metadata, nothing else', async () => {
    const account = await createTestAccount(server);
    const productId = await createProduct(account.testKey);
    const price = await createPrice(account.testKey, productId, { metadata: { a: '1', b: '2' } });
    const res = await patchPrice(account.testKey, price.price_id, {
      active: false,
      metadata: { a: '', c: '3' },
    });
    expect(res.status).toBe(200);
    expect(res.body.price).toEqual({
      ...price,
      active: false,
      metadata: { b: '2', c: '3' },
      updated_at: expect.stringMatching(RFC3339_UTC),
    });
    expect(await getPrice(account.testKey, price.price_id)).toEqual(res.body.price);
  });

  it.each<[string, unknown]>([
    ['unit_amount', 1],
    ['currency', 'eur'],
    ['product_id', UNKNOWN.prod],
    ['recurring', { interval: 'month' }],
    ['price_id', UNKNOWN.price],
  ])(
    'refuses to change the immutable %s: 400 unknown field, nothing changes',
    async (field, value) => {
      const account = await createTestAccount(server);
      const productId = await createProduct(account.testKey);
      const price = await createPrice(account.testKey, productId);
      const res = await patchPrice(account.testKey, price.price_id, {
        active: false,
        [field]: value,
      });
      expectError(res, 400, 'invalid_request', 'parameter_unknown', [['price', field]]);
      expect(await getPrice(account.testKey, price.price_id)).toEqual(price);
    },
  );

  it.each<[string, Record<string, unknown>, (string | number)[], string]>([
    ['active as a string', { active: 'false' }, ['price', 'active'], 'parameter_invalid'],
    ['active as null', { active: null }, ['price', 'active'], 'parameter_invalid'],
    ['metadata as an array', { metadata: ['a'] }, ['price', 'metadata'], 'parameter_invalid'],
  ])('rejects %s with a 422', async (_label, fields, loc, code) => {
    const account = await createTestAccount(server);
    const productId = await createProduct(account.testKey);
    const price = await createPrice(account.testKey, productId);
    const res = await patchPrice(account.testKey, price.price_id, fields);
    expectError(res, 422, 'validation_error', code, [loc]);
    expect(await getPrice(account.testKey, price.price_id)).toEqual(price);
  });

  it('refuses a metadata merge past 50 keys', async () => {
    const account = await createTestAccount(server);
    const productId = await createProduct(account.testKey);
    const full = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 'v']));
    const price = await createPrice(account.testKey, productId, { metadata: full });
    const res = await patchPrice(account.testKey, price.price_id, { metadata: { more: 'v' } });
    expectError(res, 422, 'validation_error', 'metadata_invalid', [['price', 'metadata']]);
    expect(await getPrice(account.testKey, price.price_id)).toEqual(price);
  });
});

describe('tenancy', () => {
  it("answers 404 for another account's price on GET and PATCH and leaves it unchanged", async () => {
    const owner = await createTestAccount(server);
    const intruder = await createTestAccount(server);
    const price = await createPrice(owner.testKey, await createProduct(owner.testKey));
    for (const key of [intruder.testKey, intruder.liveKey]) {
      expectMissing(await request(server, 'GET', `/v1/prices/${price.price_id}`, { key }), 'price');
      expectMissing(await patchPrice(key, price.price_id, { active: false }), 'price');
      expect(await countPrices(key)).toBe(0);
    }
    expect(await getPrice(owner.testKey, price.price_id)).toEqual(price);
  });

  it('keeps test and live prices apart', async () => {
    const account = await createTestAccount(server);
    const testPrice = await createPrice(account.testKey, await createProduct(account.testKey));
    const livePrice = await createPrice(account.liveKey, await createProduct(account.liveKey));
    expectMissing(
      await request(server, 'GET', `/v1/prices/${testPrice.price_id}`, { key: account.liveKey }),
      'price',
    );
    expectMissing(
      await patchPrice(account.testKey, livePrice.price_id, { active: false }),
      'price',
    );
    const live = await list(server, account.liveKey, 'prices');
    expect(live.prices.map((p: any) => p.price_id)).toEqual([livePrice.price_id]);
  });
});

describe('GET /v1/prices', () => {
  it('lists newest first and walks every price exactly once', async () => {
    const account = await createTestAccount(server);
    const productId = await createProduct(account.testKey);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await createPrice(account.testKey, productId)).price_id);
    const { ids: seen, sizes } = await walk(
      server,
      account.testKey,
      'prices',
      'price_id',
      'limit=2',
    );
    expect(sizes).toEqual([2, 2, 1]);
    expect(seen).toEqual([...ids].reverse());
  });

  it('filters by product, active and currency (any case), alone and combined', async () => {
    const account = await createTestAccount(server);
    const a = await createProduct(account.testKey);
    const b = await createProduct(account.testKey);
    const aUsd = (await createPrice(account.testKey, a, { currency: 'usd' })).price_id;
    const aEur = (await createPrice(account.testKey, a, { currency: 'EUR' })).price_id;
    const aUsdOff = (await createPrice(account.testKey, a, { active: false })).price_id;
    const bUsd = (await createPrice(account.testKey, b, { currency: 'usd' })).price_id;
    const ids = async (query: string) =>
      (await list(server, account.testKey, 'prices', query)).prices.map((p: any) => p.price_id);

    expect(await ids(`?product=${a}`)).toEqual([aUsdOff, aEur, aUsd]);
    expect(await ids(`?product=${b}`)).toEqual([bUsd]);
    expect(await ids('?active=false')).toEqual([aUsdOff]);
    expect(await ids('?active=true')).toEqual([bUsd, aEur, aUsd]);
    expect(await ids('?currency=eur')).toEqual([aEur]);
    expect(await ids('?currency=USD')).toEqual([bUsd, aUsdOff, aUsd]);
    expect(await ids(`?product=${a}&currency=usd&active=true`)).toEqual([aUsd]);
    expect(await ids('?currency=jpy')).toEqual([]);
    expect(await ids(`?product=${UNKNOWN.prod}`)).toEqual([]);
  });

  it("lists nothing for another account's product", async () => {
    const owner = await createTestAccount(server);
    const intruder = await createTestAccount(server);
    const productId = await createProduct(owner.testKey);
    await createPrice(owner.testKey, productId);
    const res = await list(server, intruder.testKey, 'prices', `?product=${productId}`);
    expect(res.prices).toEqual([]);
  });

  it.each([
    ['currency=XYZ', ['currency']],
    ['currency=dollars', ['currency']],
    ['product=prod_1', ['product']],
    ['active=maybe', ['active']],
    ['limit=101', ['limit']],
  ])('rejects ?%s with a 422 at that parameter', async (query, loc) => {
    const account = await createTestAccount(server);
    const res = await request(server, 'GET', `/v1/prices?${query}`, { key: account.testKey });
    expectError(res, 422, 'validation_error', 'parameter_invalid', [loc]);
  });
});
