import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listDefaultTaxRates } from '../src/app/catalog/tax-rates.js';
import {
  create,
  expectError,
  expectMissing,
  list,
  RFC3339_UTC,
  UNKNOWN,
  walk,
} from './catalog-fixtures.js';
import { createTestAccount, request, startTestServer, type TestServer } from './harness.js';

const TAX_RATE_ID = /^txr_[0-9a-z]{26}$/;

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

function createTaxRate(key: string, fields: Record<string, unknown> = {}) {
  return create(server, key, 'tax_rates', 'tax_rate', {
    display_name: 'Sales tax',
    percentage: '8',
    inclusive: false,
    ...fields,
  });
}

function postTaxRate(key: string, body: unknown) {
  return request(server, 'POST', '/v1/tax_rates', { key, body });
}

function patchTaxRate(key: string, id: string, fields: unknown) {
  return request(server, 'PATCH', `/v1/tax_rates/${id}`, { key, body: { tax_rate: fields } });
}

async function getTaxRate(key: string, id: string) {
  const res = await request(server, 'GET', `/v1/tax_rates/${id}`, { key });
  expect(res.status, res.text).toBe(200);
  return res.body.tax_rate;
}

async function countTaxRates(key: string): Promise<number> {
  return (await list(server, key, 'tax_rates', '?limit=100')).tax_rates.length;
}

describe('POST /v1/tax_rates', () => {
  it('creates a tax rate with every field', async () => {
    const account = await createTestAccount(server);
    const rate = await createTaxRate(account.testKey, {
      display_name: 'NYC sales tax',
      percentage: '8.875',
      inclusive: false,
      jurisdiction: 'US-NY',
      default: true,
      active: true,
      metadata: { filing: 'quarterly' },
    });
    expect(rate).toEqual({
      tax_rate_id: expect.stringMatching(TAX_RATE_ID),
      object: 'tax_rate',
      display_name: 'NYC sales tax',
      percentage: '8.875',
      inclusive: false,
      jurisdiction: 'US-NY',
      default: true,
      active: true,
      metadata: { filing: 'quarterly' },
      test_mode: true,
      created_at: expect.stringMatching(RFC3339_UTC),
      updated_at: expect.stringMatching(RFC3339_UTC),
    });
    expect(rate.updated_at).toBe(rate.created_at);
  });

  it('defaults to no jurisdiction, not default, active, empty metadata', async () => {
    const account = await createTestAccount(server);
    const rate = await createTaxRate(account.testKey, { inclusive: true });
    expect(rate).toMatchObject({
      inclusive: true,
      jurisdiction: null,
      default: false,
      active: true,
      metadata: {},
    });
  });

  it.each([
    ['8', '8'],
    ['8.875', '8.875'],
    ['8.50', '8.5'],
    ['8.0', '8'],
    ['0', '0'],
    ['0.0001', '0.0001'],
    ['100', '100'],
    ['100.0000', '100'],
    ['19.6000', '19.6'],
  ])('stores percentage %j canonically as %j', async (given, stored) => {
    const account = await createTestAccount(server);
    const rate = await createTaxRate(account.testKey, { percentage: given });
    expect(rate.percentage).toBe(stored);
    expect((await getTaxRate(account.testKey, rate.tax_rate_id)).percentage).toBe(stored);
  });

  it.each<[string, unknown]>([
    ['a JSON number', 8],
    ['a JSON float', 8.5],
    ['a negative', '-1'],
    ['an exponent', '1e2'],
    ['above 100', '101'],
    ['just above 100', '100.0001'],
    ['five decimals', '8.12345'],
    ['an empty string', ''],
    ['a word', 'eight'],
    ['a leading space', ' 8'],
    ['a leading zero', '08'],
    ['a bare fraction', '.5'],
    ['a trailing point', '5.'],
    ['a percent sign', '8%'],
    ['a comma decimal', '8,5'],
    ['null', null],
  ])('rejects %s as percentage with a 422 at tax_rate.percentage', async (_label, percentage) => {
    const account = await createTestAccount(server);
    const res = await postTaxRate(account.testKey, {
      tax_rate: { display_name: 'X', percentage, inclusive: false },
    });
    expectError(res, 422, 'validation_error', 'parameter_invalid', [['tax_rate', 'percentage']]);
    expect(await countTaxRates(account.testKey)).toBe(0);
  });

  it.each<[string, Record<string, unknown>, (string | number)[]]>([
    ['a missing percentage', { percentage: undefined }, ['tax_rate', 'percentage']],
    ['a missing inclusive', { inclusive: undefined }, ['tax_rate', 'inclusive']],
    ['inclusive as a string', { inclusive: 'false' }, ['tax_rate', 'inclusive']],
    ['inclusive as null', { inclusive: null }, ['tax_rate', 'inclusive']],
    ['a missing display_name', { display_name: undefined }, ['tax_rate', 'display_name']],
    ['an empty display_name', { display_name: '' }, ['tax_rate', 'display_name']],
    [
      'a display_name of 101 characters',
      { display_name: 'd'.repeat(101) },
      ['tax_rate', 'display_name'],
    ],
    ['a numeric display_name', { display_name: 7 }, ['tax_rate', 'display_name']],
    [
      'a jurisdiction of 101 characters',
      { jurisdiction: 'j'.repeat(101) },
      ['tax_rate', 'jurisdiction'],
    ],
    ['a numeric jurisdiction', { jurisdiction: 10 }, ['tax_rate', 'jurisdiction']],
    ['default as a string', { default: 'true' }, ['tax_rate', 'default']],
    ['active as a number', { active: 0 }, ['tax_rate', 'active']],
    ['a non-string metadata value', { metadata: { a: null } }, ['tax_rate', 'metadata', 'a']],
  ])('rejects %s with a 422 at that field and creates nothing', async (_label, fields, loc) => {
    const account = await createTestAccount(server);
    const taxRate = Object.fromEntries(
      Object.entries({ display_name: 'X', percentage: '5', inclusive: false, ...fields }).filter(
        ([, v]) => v !== undefined,
      ),
    );
    const res = await postTaxRate(account.testKey, { tax_rate: taxRate });
    expectError(res, 422, 'validation_error', 'parameter_invalid', [loc]);
    expect(await countTaxRates(account.testKey)).toBe(0);
  });

  it('accepts a display_name and a jurisdiction of 100 characters', async () => {
    const account = await createTestAccount(server);
    const rate = await createTaxRate(account.testKey, {
      display_name: 'd'.repeat(100),
      jurisdiction: 'j'.repeat(100),
    });
    expect(rate.display_name).toHaveLength(100);
    expect(rate.jurisdiction).toHaveLength(100);
  });

  it.each(['is_default', 'rate', 'country', 'tax_rate_id'])(
    'rejects the unknown field %s with a 400',
    async (field) => {
      const account = await createTestAccount(server);
      const res = await postTaxRate(account.testKey, {
        tax_rate: { display_name: 'X', percentage: '5', inclusive: false, [field]: true },
      });
      expectError(res, 400, 'invalid_request', 'parameter_unknown', [['tax_rate', field]]);
      expect(await countTaxRates(account.testKey)).toBe(0);
    },
  );
});

describe('GET /v1/tax_rates/{tax_rate_id}', () => {
  it('returns exactly what the create returned', async () => {
    const account = await createTestAccount(server);
    const created = await postTaxRate(account.testKey, {
      tax_rate: { display_name: 'VAT', percentage: '20', inclusive: true, jurisdiction: 'GB' },
    });
    const got = await request(server, 'GET', `/v1/tax_rates/${created.body.tax_rate.tax_rate_id}`, {
      key: account.testKey,
    });
    expect(got.status).toBe(200);
    expect(got.text).toBe(created.text);
  });

  it('is a 404 "tax rate does not exist" for an unknown id and a 422 for a malformed one', async () => {
    const account = await createTestAccount(server);
    expectMissing(
      await request(server, 'GET', `/v1/tax_rates/${UNKNOWN.txr}`, { key: account.testKey }),
      'tax rate',
    );
    expectError(
      await request(server, 'GET', '/v1/tax_rates/txr_nope', { key: account.testKey }),
      422,
      'validation_error',
      'parameter_invalid',
      [['tax_rate_id']],
    );
  });
});

describe('PATCH /v1/tax_rates/{tax_rate_id}', () => {
  it('changes display_name, jurisdiction, default, active and merges metadata', async () => {
    const account = await createTestAccount(server);
    const rate = await createTaxRate(account.testKey, {
      jurisdiction: 'US-CA',
      metadata: { a: '1', b: '2' },
    });
    const res = await patchTaxRate(account.testKey, rate.tax_rate_id, {
      display_name: 'Renamed',
      jurisdiction: null,
      default: true,
      active: false,
      metadata: { b: '', c: '3' },
    });
    expect(res.status).toBe(200);
    expect(res.body.tax_rate).toEqual({
      ...rate,
      display_name: 'Renamed',
      jurisdiction: null,
      default: true,
      active: false,
      metadata: { a: '1', c: '3' },
      updated_at: expect.stringMatching(RFC3339_UTC),
    });
    expect(await getTaxRate(account.testKey, rate.tax_rate_id)).toEqual(res.body.tax_rate);
  });

  it.each<[string, unknown]>([
    ['percentage', '9'],
    ['inclusive', true],
    ['tax_rate_id', UNKNOWN.txr],
    ['is_default', true],
  ])('refuses to change %s: 400 unknown field, nothing changes', async (field, value) => {
    const account = await createTestAccount(server);
    const rate = await createTaxRate(account.testKey);
    const res = await patchTaxRate(account.testKey, rate.tax_rate_id, {
      display_name: 'Changed',
      [field]: value,
    });
    expectError(res, 400, 'invalid_request', 'parameter_unknown', [['tax_rate', field]]);
    expect(await getTaxRate(account.testKey, rate.tax_rate_id)).toEqual(rate);
  });

  it.each<[string, Record<string, unknown>, (string | number)[]]>([
    ['an empty display_name', { display_name: '' }, ['tax_rate', 'display_name']],
    ['a null display_name', { display_name: null }, ['tax_rate', 'display_name']],
    [
      'a jurisdiction of 101 characters',
      { jurisdiction: 'j'.repeat(101) },
      ['tax_rate', 'jurisdiction'],
    ],
    ['default as a string', { default: 'yes' }, ['tax_rate', 'default']],
    ['active as null', { active: null }, ['tax_rate', 'active']],
  ])('rejects %s with a 422 and changes nothing', async (_label, fields, loc) => {
    const account = await createTestAccount(server);
    const rate = await createTaxRate(account.testKey);
    const res = await patchTaxRate(account.testKey, rate.tax_rate_id, fields);
    expectError(res, 422, 'validation_error', 'parameter_invalid', [loc]);
    expect(await getTaxRate(account.testKey, rate.tax_rate_id)).toEqual(rate);
  });

  it('refuses a metadata merge past 50 keys', async () => {
    const account = await createTestAccount(server);
    const full = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 'v']));
    const rate = await createTaxRate(account.testKey, { metadata: full });
    const res = await patchTaxRate(account.testKey, rate.tax_rate_id, { metadata: { x: 'y' } });
    expectError(res, 422, 'validation_error', 'metadata_invalid', [['tax_rate', 'metadata']]);
    expect(await getTaxRate(account.testKey, rate.tax_rate_id)).toEqual(rate);
  });
});

describe('listDefaultTaxRates', () => {
  it("returns the account's active default rates in this mode, oldest first", async () => {
    const account = await createTestAccount(server);
    const other = await createTestAccount(server);
    const first = await createTaxRate(account.testKey, { default: true, percentage: '5' });
    await createTaxRate(account.testKey, { default: false });
    await createTaxRate(account.testKey, { default: true, active: false });
    const second = await createTaxRate(account.testKey, { default: true, inclusive: true });
    const live = await createTaxRate(account.liveKey, { default: true });
    await createTaxRate(other.testKey, { default: true });

    const testRates = await listDefaultTaxRates(server.deps, {
      accountId: account.accountId,
      mode: 'test',
    });
    expect(testRates.map((r) => r.id)).toEqual([first.tax_rate_id, second.tax_rate_id]);
    expect(testRates[0]).toMatchObject({ percentage: '5', inclusive: false, is_default: true });
    const liveRates = await listDefaultTaxRates(server.deps, {
      accountId: account.accountId,
      mode: 'live',
    });
    expect(liveRates.map((r) => r.id)).toEqual([live.tax_rate_id]);
  });

  it('follows PATCH: a rate made default joins, one archived or un-defaulted leaves', async () => {
    const account = await createTestAccount(server);
    const tenant = { accountId: account.accountId, mode: 'test' as const };
    const a = await createTaxRate(account.testKey, { default: true });
    const b = await createTaxRate(account.testKey);
    expect((await listDefaultTaxRates(server.deps, tenant)).map((r) => r.id)).toEqual([
      a.tax_rate_id,
    ]);
    await patchTaxRate(account.testKey, b.tax_rate_id, { default: true });
    await patchTaxRate(account.testKey, a.tax_rate_id, { active: false });
    expect((await listDefaultTaxRates(server.deps, tenant)).map((r) => r.id)).toEqual([
      b.tax_rate_id,
    ]);
    await patchTaxRate(account.testKey, b.tax_rate_id, { default: false });
    expect(await listDefaultTaxRates(server.deps, tenant)).toEqual([]);
  });

  it('starts empty for a new account', async () => {
    const account = await createTestAccount(server);
    for (const mode of ['test', 'live'] as const) {
      expect(
        await listDefaultTaxRates(server.deps, { accountId: account.accountId, mode }),
      ).toEqual([]);
    }
  });
});

describe('tenancy', () => {
  it("answers 404 for another account's tax rate on GET and PATCH and leaves it unchanged", async () => {
    const owner = await createTestAccount(server);
    const intruder = await createTestAccount(server);
    const rate = await createTaxRate(owner.testKey, { default: true });
    for (const key of [intruder.testKey, intruder.liveKey]) {
      expectMissing(
        await request(server, 'GET', `/v1/tax_rates/${rate.tax_rate_id}`, { key }),
        'tax rate',
      );
      expectMissing(await patchTaxRate(key, rate.tax_rate_id, { default: false }), 'tax rate');
      expect(await countTaxRates(key)).toBe(0);
    }
    expect(await getTaxRate(owner.testKey, rate.tax_rate_id)).toEqual(rate);
  });

  it('keeps test and live tax rates apart', async () => {
    const account = await createTestAccount(server);
    const testRate = await createTaxRate(account.testKey);
    const liveRate = await createTaxRate(account.liveKey);
    expect(liveRate.test_mode).toBe(false);
    expectMissing(
      await request(server, 'GET', `/v1/tax_rates/${testRate.tax_rate_id}`, {
        key: account.liveKey,
      }),
      'tax rate',
    );
    expectMissing(await patchTaxRate(account.testKey, liveRate.tax_rate_id, {}), 'tax rate');
    const live = await list(server, account.liveKey, 'tax_rates');
    expect(live.tax_rates.map((r: any) => r.tax_rate_id)).toEqual([liveRate.tax_rate_id]);
  });
});

describe('GET /v1/tax_rates', () => {
  it('lists newest first and walks every rate exactly once', async () => {
    const account = await createTestAccount(server);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await createTaxRate(account.testKey)).tax_rate_id);
    const { ids: seen, sizes } = await walk(
      server,
      account.testKey,
      'tax_rates',
      'tax_rate_id',
      'limit=2',
    );
    expect(sizes).toEqual([2, 2, 1]);
    expect(seen).toEqual([...ids].reverse());
  });

  it('filters by active and default', async () => {
    const account = await createTestAccount(server);
    const plain = (await createTaxRate(account.testKey)).tax_rate_id;
    const def = (await createTaxRate(account.testKey, { default: true })).tax_rate_id;
    const off = (await createTaxRate(account.testKey, { active: false })).tax_rate_id;
    const offDef = (await createTaxRate(account.testKey, { active: false, default: true }))
      .tax_rate_id;
    const ids = async (query: string) =>
      (await list(server, account.testKey, 'tax_rates', query)).tax_rates.map(
        (r: any) => r.tax_rate_id,
      );
    expect(await ids('?default=true')).toEqual([offDef, def]);
    expect(await ids('?default=false')).toEqual([off, plain]);
    expect(await ids('?active=true')).toEqual([def, plain]);
    expect(await ids('?active=false&default=true')).toEqual([offDef]);
    expect(await ids('?active=true&default=true&limit=1')).toEqual([def]);
  });

  it.each([
    ['default=yes', ['default']],
    ['active=2', ['active']],
    ['ending_before=txr_x', ['ending_before']],
  ])('rejects ?%s with a 422 at that parameter', async (query, loc) => {
    const account = await createTestAccount(server);
    const res = await request(server, 'GET', `/v1/tax_rates?${query}`, { key: account.testKey });
    expectError(res, 422, 'validation_error', 'parameter_invalid', [loc]);
  });
});
