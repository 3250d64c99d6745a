import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError, RFC3339_UTC } from './catalog-fixtures.js';
import {
  ADMIN_TOKEN,
  createTestAccount,
  request,
  startTestServer,
  type TestServer,
} from './harness.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

function patchAccount(key: string, fields: unknown) {
  return request(server, 'PATCH', '/v1/account', { key, body: { account: fields } });
}

async function getAccount(key: string) {
  const res = await request(server, 'GET', '/v1/account', { key });
  expect(res.status, res.text).toBe(200);
  return res.body.account;
}

describe('tax_shipping on the account', () => {
  it('is false for a new account, in GET and in the admin create response', async () => {
    const created = await request(server, 'POST', '/v1/accounts', {
      key: ADMIN_TOKEN,
      body: { account: { name: 'Shipping' } },
    });
    expect(created.status).toBe(200);
    expect(created.body.account.tax_shipping).toBe(false);
    const me = await getAccount(created.body.keys.test_secret_key);
    expect(me).toEqual(created.body.account);
    expect(Object.keys(me).sort()).toEqual(
      [
        'account_id',
        'object',
        'name',
        'default_currency',
        'tax_shipping',
        'metadata',
        'created_at',
        'updated_at',
      ].sort(),
    );
  });
});

describe('PATCH /v1/account', () => {
  it('turns tax_shipping on and off; the setting belongs to the account, seen from both modes', async () => {
    const account = await createTestAccount(server);
    const before = await getAccount(account.testKey);
    const on = await patchAccount(account.liveKey, { tax_shipping: true });
    expect(on.status).toBe(200);
    expect(on.body.account).toEqual({
      ...before,
      tax_shipping: true,
      updated_at: expect.stringMatching(RFC3339_UTC),
    });
    expect((await getAccount(account.testKey)).tax_shipping).toBe(true);
    expect((await getAccount(account.liveKey)).tax_shipping).toBe(true);
    const off = await patchAccount(account.liveKey, { tax_shipping: false });
    expect(off.body.account.tax_shipping).toBe(false);
    expect((await getAccount(account.testKey)).tax_shipping).toBe(false);
  });

  it('refuses a test key with 403 live_key_required and changes nothing: the account is live too', async () => {
    const account = await createTestAccount(server);
    const before = await getAccount(account.liveKey);
    const res = await patchAccount(account.testKey, {
      name: 'From a test key',
      tax_shipping: true,
    });
    expectError(res, 403, 'forbidden', 'live_key_required');
    expect(await getAccount(account.liveKey)).toEqual(before);
  });

  it('renames and merges metadata, leaving the rest as it is', async () => {
    const account = await createTestAccount(server);
    await patchAccount(account.liveKey, { metadata: { a: '1', b: '2' } });
    const before = await getAccount(account.testKey);
    const res = await patchAccount(account.liveKey, {
      name: 'Renamed',
      metadata: { a: '', c: '3' },
    });
    expect(res.status).toBe(200);
    expect(res.body.account).toEqual({
      ...before,
      name: 'Renamed',
      metadata: { b: '2', c: '3' },
      updated_at: expect.stringMatching(RFC3339_UTC),
    });
    expect(await getAccount(account.testKey)).toEqual(res.body.account);
  });

  it('changes only the calling account', async () => {
    const a = await createTestAccount(server);
    const b = await createTestAccount(server);
    const bBefore = await getAccount(b.testKey);
    await patchAccount(a.liveKey, { tax_shipping: true, name: 'Only A' });
    expect(await getAccount(b.testKey)).toEqual(bBefore);
  });

  it.each<[string, Record<string, unknown>, (string | number)[]]>([
    ['tax_shipping as a string', { tax_shipping: 'true' }, ['account', 'tax_shipping']],
    ['tax_shipping as a number', { tax_shipping: 1 }, ['account', 'tax_shipping']],
    ['tax_shipping as null', { tax_shipping: null }, ['account', 'tax_shipping']],
    ['an empty name', { name: '' }, ['account', 'name']],
    ['a name of 201 characters', { name: 'n'.repeat(201) }, ['account', 'name']],
    ['a non-string metadata value', { metadata: { k: 2 } }, ['account', 'metadata', 'k']],
  ])('rejects %s with a 422 and changes nothing', async (_label, fields, loc) => {
    const account = await createTestAccount(server);
    const before = await getAccount(account.testKey);
    const res = await patchAccount(account.liveKey, { tax_shipping: true, ...fields });
    expectError(res, 422, 'validation_error', 'parameter_invalid', [loc]);
    expect(await getAccount(account.testKey)).toEqual(before);
  });

  it.each(['default_currency', 'account_id', 'created_at', 'tax_rates'])(
    'rejects the unknown field %s with a 400',
    async (field) => {
      const account = await createTestAccount(server);
      const before = await getAccount(account.testKey);
      const res = await patchAccount(account.liveKey, { tax_shipping: true, [field]: 'EUR' });
      expectError(res, 400, 'invalid_request', 'parameter_unknown', [['account', field]]);
      expect(await getAccount(account.testKey)).toEqual(before);
    },
  );

  it('refuses a metadata merge past 50 keys', async () => {
    const account = await createTestAccount(server);
    const full = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 'v']));
    await patchAccount(account.liveKey, { metadata: full });
    const before = await getAccount(account.testKey);
    const res = await patchAccount(account.liveKey, { tax_shipping: true, metadata: { z: 'z' } });
    expectError(res, 422, 'validation_error', 'metadata_invalid', [['account', 'metadata']]);
    expect(await getAccount(account.testKey)).toEqual(before);
  });

  it('needs a valid secret key', async () => {
    const res = await request(server, 'PATCH', '/v1/account', {
      key: `sk_test_${'A'.repeat(32)}`,
      body: { account: { tax_shipping: true } },
    });
    expect(res.status).toBe(401);
    expect(res.body.error.type).toBe('unauthorized');
  });
});
