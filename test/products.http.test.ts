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

const PRODUCT_ID = /^prod_[0-9a-z]{26}$/;

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

function createProduct(key: string, fields: Record<string, unknown> = {}) {
  return create(server, key, 'products', 'product', { name: 'Widget', ...fields });
}

function postProduct(key: string, body: unknown) {
  return request(server, 'POST', '/v1/products', { key, body });
}

function patchProduct(key: string, id: string, fields: unknown) {
  return request(server, 'PATCH', `/v1/products/${id}`, { key, body: { product: fields } });
}

async function getProduct(key: string, id: string) {
  const res = await request(server, 'GET', `/v1/products/${id}`, { key });
  expect(res.status, res.text).toBe(200);
  return res.body.product;
}

async function countProducts(key: string): Promise<number> {
  return (await list(server, key, 'products', '?limit=100')).products.length;
}

describe('POST /v1/products', () => {
  it('creates a product with every field and returns it in its root key', async () => {
    const account = await createTestAccount(server);
    const product = await createProduct(account.testKey, {
      name: 'Coffee beans 1 kg',
      description: 'Single origin',
      active: true,
      inventory: { tracked: true, quantity: 12 },
      metadata: { sku: 'CB-1' },
    });
    expect(product).toEqual({
      product_id: expect.stringMatching(PRODUCT_ID),
      object: 'product',
      name: 'Coffee beans 1 kg',
      description: 'Single origin',
      active: true,
      inventory: { tracked: true, quantity: 12 },
      metadata: { sku: 'CB-1' },
      test_mode: true,
      created_at: expect.stringMatching(RFC3339_UTC),
      updated_at: expect.stringMatching(RFC3339_UTC),
    });
    expect(product.updated_at).toBe(product.created_at);
  });

  it('defaults to active, untracked inventory, no description and empty metadata', async () => {
    const account = await createTestAccount(server);
    const product = await createProduct(account.testKey, { metadata: { drop: '' } });
    expect(product).toMatchObject({
      name: 'Widget',
      description: null,
      active: true,
      inventory: { tracked: false, quantity: null },
      metadata: {},
    });
  });

  it('marks products created with a live key as live', async () => {
    const account = await createTestAccount(server);
    expect((await createProduct(account.liveKey)).test_mode).toBe(false);
  });

  it('creates an archived product with active: false', async () => {
    const account = await createTestAccount(server);
    expect((await createProduct(account.testKey, { active: false })).active).toBe(false);
  });

  it.each([
    [
      { tracked: true, quantity: 0 },
      { tracked: true, quantity: 0 },
    ],
    [
      { tracked: true, quantity: MAX_AMOUNT },
      { tracked: true, quantity: MAX_AMOUNT },
    ],
    [{ tracked: false }, { tracked: false, quantity: null }],
    [
      { tracked: false, quantity: null },
      { tracked: false, quantity: null },
    ],
  ])('accepts inventory %j', async (inventory, expected) => {
    const account = await createTestAccount(server);
    const product = await createProduct(account.testKey, { inventory });
    expect(product.inventory).toEqual(expected);
    expect((await getProduct(account.testKey, product.product_id)).inventory).toEqual(expected);
  });

  it.each([
    ['tracked without a quantity', { tracked: true }],
    ['tracked with a null quantity', { tracked: true, quantity: null }],
    ['a quantity without tracking', { tracked: false, quantity: 5 }],
  ])('rejects %s with a 422 at product.inventory.quantity', async (_label, inventory) => {
    const account = await createTestAccount(server);
    const res = await postProduct(account.testKey, { product: { name: 'X', inventory } });
    expectError(res, 422, 'validation_error', 'parameter_invalid', [
      ['product', 'inventory', 'quantity'],
    ]);
    expect(await countProducts(account.testKey)).toBe(0);
  });

  it('accepts a name of 250 characters', async () => {
    const account = await createTestAccount(server);
    expect((await createProduct(account.testKey, { name: 'n'.repeat(250) })).name).toHaveLength(
      250,
    );
  });

  const tooManyKeys = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v']));
  it.each<[string, Record<string, unknown>, (string | number)[]]>([
    ['a missing name', { name: undefined }, ['product', 'name']],
    ['an empty name', { name: '' }, ['product', 'name']],
    ['a name of 251 characters', { name: 'n'.repeat(251) }, ['product', 'name']],
    ['a numeric name', { name: 42 }, ['product', 'name']],
    ['a null name', { name: null }, ['product', 'name']],
    [
      'a description of 1001 characters',
      { description: 'd'.repeat(1001) },
      ['product', 'description'],
    ],
    ['a numeric description', { description: 5 }, ['product', 'description']],
    ['active as a string', { active: 'true' }, ['product', 'active']],
    ['active as a number', { active: 1 }, ['product', 'active']],
    ['inventory as a boolean', { inventory: true }, ['product', 'inventory']],
    [
      'inventory without tracked',
      { inventory: { quantity: 3 } },
      ['product', 'inventory', 'tracked'],
    ],
    [
      'tracked as a string',
      { inventory: { tracked: 'yes', quantity: 1 } },
      ['product', 'inventory', 'tracked'],
    ],
    [
      'a negative quantity',
      { inventory: { tracked: true, quantity: -1 } },
      ['product', 'inventory', 'quantity'],
    ],
    [
      'a fractional quantity',
      { inventory: { tracked: true, quantity: 1.5 } },
      ['product', 'inventory', 'quantity'],
    ],
    [
      'a quantity above the maximum',
      { inventory: { tracked: true, quantity: MAX_AMOUNT + 1 } },
      ['product', 'inventory', 'quantity'],
    ],
    [
      'a quantity as a string',
      { inventory: { tracked: true, quantity: '5' } },
      ['product', 'inventory', 'quantity'],
    ],
    ['a non-string metadata value', { metadata: { n: 1 } }, ['product', 'metadata', 'n']],
    ['metadata with 51 keys', { metadata: tooManyKeys }, ['product', 'metadata']],
    [
      'a metadata key of 41 characters',
      { metadata: { ['k'.repeat(41)]: 'v' } },
      ['product', 'metadata', 'k'.repeat(41)],
    ],
    [
      'a metadata value of 501 characters',
      { metadata: { k: 'v'.repeat(501) } },
      ['product', 'metadata', 'k'],
    ],
  ])('rejects %s with a 422 at that field and creates nothing', async (_label, fields, loc) => {
    const account = await createTestAccount(server);
    const product = Object.fromEntries(
      Object.entries({ name: 'Widget', ...fields }).filter(([, v]) => v !== undefined),
    );
    const res = await postProduct(account.testKey, { product });
    expectError(res, 422, 'validation_error', 'parameter_invalid');
    expect(res.body.error.errors.map((e: any) => e.loc)).toContainEqual(loc);
    expect(await countProducts(account.testKey)).toBe(0);
  });

  it.each<[string, unknown, (string | number)[]]>([
    ['an unknown product field', { product: { name: 'X', sku: 'A1' } }, ['product', 'sku']],
    [
      'a product_id',
      { product: { name: 'X', product_id: UNKNOWN.prod } },
      ['product', 'product_id'],
    ],
    ['test_mode', { product: { name: 'X', test_mode: false } }, ['product', 'test_mode']],
    [
      'an unknown inventory field',
      { product: { name: 'X', inventory: { tracked: false, reserved: 1 } } },
      ['product', 'inventory', 'reserved'],
    ],
    ['an unknown top-level field', { product: { name: 'X' }, name: 'X' }, ['name']],
  ])('rejects %s with a 400 naming it', async (_label, body, loc) => {
    const account = await createTestAccount(server);
    const res = await postProduct(account.testKey, body);
    expectError(res, 400, 'invalid_request', 'parameter_unknown', [loc]);
    expect(await countProducts(account.testKey)).toBe(0);
  });

  it('rejects a body without the product root key', async () => {
    const account = await createTestAccount(server);
    expectError(
      await postProduct(account.testKey, {}),
      422,
      'validation_error',
      'parameter_invalid',
      [['product']],
    );
    expectError(
      await postProduct(account.testKey, { product: 'Widget' }),
      422,
      'validation_error',
      'parameter_invalid',
      [['product']],
    );
  });
});

describe('GET /v1/products/{product_id}', () => {
  it('returns exactly what the create returned', async () => {
    const account = await createTestAccount(server);
    const created = await request(server, 'POST', '/v1/products', {
      key: account.testKey,
      body: { product: { name: 'A', inventory: { tracked: true, quantity: 3 } } },
    });
    const got = await request(server, 'GET', `/v1/products/${created.body.product.product_id}`, {
      key: account.testKey,
    });
    expect(got.status).toBe(200);
    expect(got.text).toBe(created.text);
  });

  it('is a 404 "product does not exist" for an unknown id', async () => {
    const account = await createTestAccount(server);
    expectMissing(
      await request(server, 'GET', `/v1/products/${UNKNOWN.prod}`, { key: account.testKey }),
      'product',
    );
  });

  it('is a 422 at product_id for a malformed id', async () => {
    const account = await createTestAccount(server);
    for (const id of ['prod_123', UNKNOWN.price, 'PROD_01M84SGEYJF21ADA62AC1E65XF']) {
      const res = await request(server, 'GET', `/v1/products/${id}`, { key: account.testKey });
      expectError(res, 422, 'validation_error', 'parameter_invalid', [['product_id']]);
    }
  });
});

describe('PATCH /v1/products/{product_id}', () => {
  it('changes only the given fields and merges metadata', async () => {
    const account = await createTestAccount(server);
    const original = await createProduct(account.testKey, {
      description: 'Old',
      metadata: { a: '1', b: '2' },
    });
    const res = await patchProduct(account.testKey, original.product_id, {
      name: 'Renamed',
      metadata: { a: '', c: '3' },
    });
    expect(res.status).toBe(200);
    expect(res.body.product).toEqual({
      ...original,
      name: 'Renamed',
      metadata: { b: '2', c: '3' },
      updated_at: expect.stringMatching(RFC3339_UTC),
    });
    expect(await getProduct(account.testKey, original.product_id)).toEqual(res.body.product);
  });

  it('clears the description with null', async () => {
    const account = await createTestAccount(server);
    const original = await createProduct(account.testKey, { description: 'Old' });
    const res = await patchProduct(account.testKey, original.product_id, { description: null });
    expect(res.status).toBe(200);
    expect(res.body.product.description).toBeNull();
  });

  it('archives with active: false and restores with active: true', async () => {
    const account = await createTestAccount(server);
    const product = await createProduct(account.testKey);
    const archived = await patchProduct(account.testKey, product.product_id, { active: false });
    expect(archived.status).toBe(200);
    expect(archived.body.product.active).toBe(false);
    const inactive = await list(server, account.testKey, 'products', '?active=false');
    expect(inactive.products.map((p: any) => p.product_id)).toEqual([product.product_id]);
    const restored = await patchProduct(account.testKey, product.product_id, { active: true });
    expect(restored.body.product.active).toBe(true);
  });

  it('has no DELETE (405, Allow names the rest): products stay, orders may reference them', async () => {
    const account = await createTestAccount(server);
    const product = await createProduct(account.testKey);
    const res = await request(server, 'DELETE', `/v1/products/${product.product_id}`, {
      key: account.testKey,
    });
    expectError(res, 405, 'invalid_request', 'method_not_allowed');
    expect(res.headers.get('allow')).toBe('GET, HEAD, PATCH');
    expect(await getProduct(account.testKey, product.product_id)).toEqual(product);
  });

  it('restocks a tracked product with a quantity alone', async () => {
    const account = await createTestAccount(server);
    const product = await createProduct(account.testKey, {
      inventory: { tracked: true, quantity: 1 },
    });
    const res = await patchProduct(account.testKey, product.product_id, {
      inventory: { quantity: 40 },
    });
    expect(res.status).toBe(200);
    expect(res.body.product.inventory).toEqual({ tracked: true, quantity: 40 });
  });

  it('starts tracking with a quantity and stops tracking, which clears the quantity', async () => {
    const account = await createTestAccount(server);
    const product = await createProduct(account.testKey);
    const tracked = await patchProduct(account.testKey, product.product_id, {
      inventory: { tracked: true, quantity: 0 },
    });
    expect(tracked.body.product.inventory).toEqual({ tracked: true, quantity: 0 });
    const untracked = await patchProduct(account.testKey, product.product_id, {
      inventory: { tracked: false },
    });
    expect(untracked.status).toBe(200);
    expect(untracked.body.product.inventory).toEqual({ tracked: false, quantity: null });
  });

  it.each([
    ['tracking without a quantity', {}, { tracked: true }],
    ['a quantity on an untracked product', {}, { quantity: 3 }],
    ['a null quantity on a tracked product', { tracked: true, quantity: 2 }, { quantity: null }],
  ])('rejects %s with a 422 and changes nothing', async (_label, initial, inventory) => {
    const account = await createTestAccount(server);
    const product = await createProduct(
      account.testKey,
      Object.keys(initial).length ? { inventory: initial } : {},
    );
    const res = await patchProduct(account.testKey, product.product_id, {
      name: 'Changed',
      inventory,
    });
    expectError(res, 422, 'validation_error', 'parameter_invalid', [
      ['product', 'inventory', 'quantity'],
    ]);
    expect(await getProduct(account.testKey, product.product_id)).toEqual(product);
  });

  it.each<[string, Record<string, unknown>, (string | number)[]]>([
    ['an empty name', { name: '' }, ['product', 'name']],
    ['a null name', { name: null }, ['product', 'name']],
    ['active as a string', { active: 'false' }, ['product', 'active']],
    ['a negative quantity', { inventory: { quantity: -1 } }, ['product', 'inventory', 'quantity']],
    [
      'a quantity above the maximum',
      { inventory: { quantity: MAX_AMOUNT + 1 } },
      ['product', 'inventory', 'quantity'],
    ],
  ])('rejects %s with a 422 and changes nothing', async (_label, fields, loc) => {
    const account = await createTestAccount(server);
    const product = await createProduct(account.testKey, {
      inventory: { tracked: true, quantity: 5 },
    });
    const res = await patchProduct(account.testKey, product.product_id, fields);
    expectError(res, 422, 'validation_error', 'parameter_invalid');
    expect(res.body.error.errors.map((e: any) => e.loc)).toContainEqual(loc);
    expect(await getProduct(account.testKey, product.product_id)).toEqual(product);
  });

  it.each(['product_id', 'object', 'created_at', 'inventory_quantity', 'deleted'])(
    'rejects the unknown field %s with a 400',
    async (field) => {
      const account = await createTestAccount(server);
      const product = await createProduct(account.testKey);
      const res = await patchProduct(account.testKey, product.product_id, { [field]: 'x' });
      expectError(res, 400, 'invalid_request', 'parameter_unknown', [['product', field]]);
      expect(await getProduct(account.testKey, product.product_id)).toEqual(product);
    },
  );

  it('refuses a metadata merge past 50 keys and changes nothing', async () => {
    const account = await createTestAccount(server);
    const full = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 'v']));
    const product = await createProduct(account.testKey, { metadata: full });
    const res = await patchProduct(account.testKey, product.product_id, {
      name: 'Changed',
      metadata: { extra: 'v' },
    });
    expectError(res, 422, 'validation_error', 'metadata_invalid', [['product', 'metadata']]);
    expect(await getProduct(account.testKey, product.product_id)).toEqual(product);
  });

  it('is a 404 for an unknown product', async () => {
    const account = await createTestAccount(server);
    expectMissing(await patchProduct(account.testKey, UNKNOWN.prod, { name: 'x' }), 'product');
  });
});

describe('tenancy', () => {
  it("answers 404 for another account's product on GET and PATCH and leaves it unchanged", async () => {
    const owner = await createTestAccount(server);
    const intruder = await createTestAccount(server);
    const product = await createProduct(owner.testKey, { metadata: { secret: 'yes' } });
    const path = `/v1/products/${product.product_id}`;
    for (const key of [intruder.testKey, intruder.liveKey]) {
      expectMissing(await request(server, 'GET', path, { key }), 'product');
      expectMissing(
        await patchProduct(key, product.product_id, { active: false, metadata: { secret: '' } }),
        'product',
      );
    }
    expect(await getProduct(owner.testKey, product.product_id)).toEqual(product);
    expect(await countProducts(intruder.testKey)).toBe(0);
  });

  it('keeps test and live products apart', async () => {
    const account = await createTestAccount(server);
    const testProduct = await createProduct(account.testKey, { name: 'Test' });
    const liveProduct = await createProduct(account.liveKey, { name: 'Live' });
    expectMissing(
      await request(server, 'GET', `/v1/products/${testProduct.product_id}`, {
        key: account.liveKey,
      }),
      'product',
    );
    expectMissing(
      await patchProduct(account.testKey, liveProduct.product_id, { name: 'x' }),
      'product',
    );
    const live = await list(server, account.liveKey, 'products');
    expect(live.products.map((p: any) => p.product_id)).toEqual([liveProduct.product_id]);
    const test = await list(server, account.testKey, 'products');
    expect(test.products.map((p: any) => p.product_id)).toEqual([testProduct.product_id]);
  });
});

describe('GET /v1/products', () => {
  it('lists newest first and walks every product exactly once', async () => {
    const account = await createTestAccount(server);
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push((await createProduct(account.testKey)).product_id);
    const { ids: seen, sizes } = await walk(
      server,
      account.testKey,
      'products',
      'product_id',
      'limit=3',
    );
    expect(sizes).toEqual([3, 3, 1]);
    expect(seen).toEqual([...ids].reverse());
  });

  it('walks backwards with ending_before', async () => {
    const account = await createTestAccount(server);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await createProduct(account.testKey)).product_id);
    const page = await list(
      server,
      account.testKey,
      'products',
      `?limit=2&ending_before=${ids[0]}`,
    );
    expect(page.products.map((p: any) => p.product_id)).toEqual([ids[2], ids[1]]);
    expect(page.has_more).toBe(true);
    expect(page.next_cursor).toBe(ids[2]);
  });

  it('filters by active and paginates within the filter', async () => {
    const account = await createTestAccount(server);
    const active: string[] = [];
    const archived: string[] = [];
    for (let i = 0; i < 3; i++) {
      active.push((await createProduct(account.testKey)).product_id);
      archived.push((await createProduct(account.testKey, { active: false })).product_id);
    }
    const onlyActive = await walk(
      server,
      account.testKey,
      'products',
      'product_id',
      'active=true&limit=2',
    );
    expect(onlyActive.ids).toEqual([...active].reverse());
    expect(onlyActive.sizes).toEqual([2, 1]);
    const onlyArchived = await list(server, account.testKey, 'products', '?active=false');
    expect(onlyArchived.products.map((p: any) => p.product_id)).toEqual([...archived].reverse());
    const all = await list(server, account.testKey, 'products');
    expect(all.products).toHaveLength(6);
  });

  it.each([
    ['active=yes', ['active']],
    ['active=1', ['active']],
    ['limit=0', ['limit']],
    ['limit=101', ['limit']],
    ['starting_after=cus_01m84sgeyjf21ada62ac1e65xf', ['starting_after']],
  ])('rejects ?%s with a 422 at that parameter', async (query, loc) => {
    const account = await createTestAccount(server);
    const res = await request(server, 'GET', `/v1/products?${query}`, { key: account.testKey });
    expectError(res, 422, 'validation_error', 'parameter_invalid', [loc]);
  });

  it('rejects an unknown filter with a 400', async () => {
    const account = await createTestAccount(server);
    const res = await request(server, 'GET', '/v1/products?name=Widget', { key: account.testKey });
    expectError(res, 400, 'invalid_request', 'parameter_unknown', [['name']]);
  });
});
