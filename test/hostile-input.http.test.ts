import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_TOKEN,
  createTestAccount,
  request,
  startTestServer,
  type TestResponse,
  type TestServer,
} from './harness.js';

/**
 * Hostile input must never yield a 500 and never change data (PRODUCT.md §1:
 * "Bad input of any kind gets a clear error and changes nothing").
 */

const SQL_INJECTION = "'; drop table customers; --";
const SCRIPT = '<script>alert(1)</script>';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

type Rejection = 'invalid_request' | 'validation_error';
interface Case {
  readonly name: string;
  /** A JS value sent as JSON, or a raw string sent as-is. */
  readonly body?: unknown;
  readonly raw?: string;
  readonly status: 400 | 422;
  readonly type: Rejection;
  /** The error location(s) expected, when the case names a field. */
  readonly loc?: readonly (string | number)[];
}

function expectRejected(res: TestResponse, c: Case) {
  expect(res.status).toBeLessThan(500);
  expect(res.status).toBe(c.status);
  expect(res.body.error.type).toBe(c.type);
  expect(res.body.error.request_id).toBe(res.headers.get('request-id'));
  if (c.loc) expect(res.body.error.errors.map((e: any) => e.loc)).toContainEqual(c.loc);
}

const fiftyOneKeys = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v']));

/** Bodies that are wrong for the customer fields, for both create and update. */
function customerCases(): Case[] {
  const field = (name: string, value: unknown, loc = ['customer', name]): Case => ({
    name: `${name} = ${JSON.stringify(value)?.slice(0, 40)}`,
    body: { customer: { [name]: value } },
    status: 422,
    type: 'validation_error',
    loc,
  });
  return [
    field('email', 5),
    field('email', ['a@example.com']),
    field('email', { address: 'a@example.com' }),
    field('email', true),
    field('email', 'not an email'),
    field('email', `${'a'.repeat(600)}@example.com`),
    field('name', 1e308),
    field('name', -1),
    field('name', false),
    field('name', ''),
    field('name', 'n'.repeat(257)),
    {
      name: 'phone = 99999999999999999999',
      raw: '{"customer":{"phone":99999999999999999999}}',
      status: 422,
      type: 'validation_error',
      loc: ['customer', 'phone'],
    },
    field('phone', 'p'.repeat(33)),
    field('description', 'd'.repeat(1001)),
    field('description', { html: SCRIPT }),
    field('metadata', null),
    field('metadata', 'k=v'),
    field('metadata', ['a', 'b']),
    field('metadata', fiftyOneKeys),
    field('metadata', { ['k'.repeat(41)]: 'v' }),
    field('metadata', { '': 'v' }),
    field('metadata', { k: 'v'.repeat(501) }, ['customer', 'metadata', 'k']),
    field('metadata', { k: 1 }, ['customer', 'metadata', 'k']),
    field('metadata', { k: null }, ['customer', 'metadata', 'k']),
    field('metadata', { k: true }, ['customer', 'metadata', 'k']),
    field('metadata', { k: { nested: 'v' } }, ['customer', 'metadata', 'k']),
    field('metadata', { k: ['v'] }, ['customer', 'metadata', 'k']),
    {
      name: 'customer = null',
      body: { customer: null },
      status: 422,
      type: 'validation_error',
      loc: ['customer'],
    },
    {
      name: 'customer = []',
      body: { customer: [] },
      status: 422,
      type: 'validation_error',
      loc: ['customer'],
    },
    {
      name: 'customer = "string"',
      body: { customer: SQL_INJECTION },
      status: 422,
      type: 'validation_error',
      loc: ['customer'],
    },
    {
      name: 'missing root key',
      body: {},
      status: 422,
      type: 'validation_error',
      loc: ['customer'],
    },
    {
      name: 'wrong root key',
      body: { customers: {} },
      status: 400,
      type: 'invalid_request',
      loc: ['customers'],
    },
    {
      name: 'unknown nested field',
      body: { customer: { id: 'cus_01m84sgeyjf21ada62ac1e65xf' } },
      status: 400,
      type: 'invalid_request',
      loc: ['customer', 'id'],
    },
    {
      name: 'unknown field with an SQL name',
      body: { customer: { [SQL_INJECTION]: 'x' } },
      status: 400,
      type: 'invalid_request',
      loc: ['customer', SQL_INJECTION],
    },
    {
      name: 'test_mode is not writable',
      body: { customer: { test_mode: false } },
      status: 400,
      type: 'invalid_request',
      loc: ['customer', 'test_mode'],
    },
    {
      name: 'idempotency_key of the wrong type',
      body: { customer: {}, idempotency_key: 12 },
      status: 422,
      type: 'validation_error',
      loc: ['idempotency_key'],
    },
    { name: 'body = []', raw: '[]', status: 422, type: 'validation_error' },
    { name: 'body = null', raw: 'null', status: 422, type: 'validation_error' },
    { name: 'body = 1e308', raw: '1e308', status: 422, type: 'validation_error' },
    {
      name: 'truncated JSON',
      raw: '{"customer":{"name":"x"',
      status: 400,
      type: 'invalid_request',
    },
    { name: 'trailing garbage', raw: '{"customer":{}} x', status: 400, type: 'invalid_request' },
    { name: 'single quotes', raw: "{'customer':{}}", status: 400, type: 'invalid_request' },
    { name: 'NaN', raw: '{"customer":{"name":NaN}}', status: 400, type: 'invalid_request' },
    {
      name: 'number too large for JSON',
      raw: '{"customer":{"name":1e999}}',
      status: 422,
      type: 'validation_error',
      loc: ['customer', 'name'],
    },
    {
      name: '__proto__ at the top level',
      raw: '{"__proto__":{"polluted":"yes"},"customer":{}}',
      status: 400,
      type: 'invalid_request',
    },
    {
      name: '__proto__ in metadata',
      raw: '{"customer":{"metadata":{"__proto__":{"polluted":"yes"}}}}',
      status: 400,
      type: 'invalid_request',
    },
    {
      name: 'constructor.prototype',
      raw: '{"customer":{"constructor":{"prototype":{"polluted":"yes"}}}}',
      status: 400,
      type: 'invalid_request',
    },
    {
      name: 'a NUL character in a string',
      body: { customer: { name: 'nul\u0000byte' } },
      status: 422,
      type: 'validation_error',
      loc: ['customer', 'name'],
    },
    {
      name: 'a NUL character in a metadata key',
      body: { customer: { metadata: { 'k\u0000': 'v' } } },
      status: 422,
      type: 'validation_error',
    },
    {
      name: 'a lone UTF-16 surrogate in a string',
      raw: '{"customer":{"name":"\\ud800"}}',
      status: 422,
      type: 'validation_error',
      loc: ['customer', 'name'],
    },
  ];
}

async function customerCount(accountId: string): Promise<number> {
  const rows = await server.deps.db
    .selectFrom('customers')
    .select('id')
    .where('account_id', '=', accountId)
    .execute();
  return rows.length;
}

function send(method: string, path: string, key: string, c: Case) {
  return c.raw !== undefined
    ? request(server, method, path, { key, raw: c.raw })
    : request(server, method, path, { key, body: c.body });
}

describe('POST /v1/customers', () => {
  it.each(customerCases().map((c) => [c.name, c] as const))(
    'rejects %s and creates nothing',
    async (_name, c) => {
      const account = await createTestAccount(server);
      const res = await send('POST', '/v1/customers', account.testKey, c);
      expectRejected(res, c);
      expect(await customerCount(account.accountId)).toBe(0);
      expect(Object.getPrototypeOf({})).not.toHaveProperty('polluted');
    },
  );
});

describe('PATCH /v1/customers/{customer_id}', () => {
  it.each(customerCases().map((c) => [c.name, c] as const))(
    'rejects %s and changes nothing',
    async (_name, c) => {
      const account = await createTestAccount(server);
      const created = await request(server, 'POST', '/v1/customers', {
        key: account.testKey,
        body: {
          customer: { email: 'keep@example.com', name: 'Keep', metadata: { keep: 'me' } },
        },
      });
      const path = `/v1/customers/${created.body.customer.customer_id}`;
      const res = await send('PATCH', path, account.testKey, c);
      expectRejected(res, c);
      const got = await request(server, 'GET', path, { key: account.testKey });
      expect(got.text).toBe(created.text);
      expect(await customerCount(account.accountId)).toBe(1);
    },
  );
});

describe('POST /v1/api_keys', () => {
  const cases: Case[] = [
    {
      name: 'name = 5',
      body: { api_key: { name: 5 } },
      status: 422,
      type: 'validation_error',
      loc: ['api_key', 'name'],
    },
    {
      name: 'name = null',
      body: { api_key: { name: null } },
      status: 422,
      type: 'validation_error',
      loc: ['api_key', 'name'],
    },
    {
      name: 'name = []',
      body: { api_key: { name: [] } },
      status: 422,
      type: 'validation_error',
      loc: ['api_key', 'name'],
    },
    {
      name: 'overlong name',
      body: { api_key: { name: 'n'.repeat(10_000) } },
      status: 422,
      type: 'validation_error',
      loc: ['api_key', 'name'],
    },
    {
      name: 'mode is not writable',
      body: { api_key: { mode: 'live' } },
      status: 400,
      type: 'invalid_request',
      loc: ['api_key', 'mode'],
    },
    {
      name: 'secret is not writable',
      body: { api_key: { secret: `sk_live_${'a'.repeat(32)}` } },
      status: 400,
      type: 'invalid_request',
      loc: ['api_key', 'secret'],
    },
    {
      name: 'account_id is not writable',
      body: { api_key: { account_id: 'acct_01m84sgeyjf21ada62ac1e65xf' } },
      status: 400,
      type: 'invalid_request',
      loc: ['api_key', 'account_id'],
    },
    {
      name: 'api_key = true',
      body: { api_key: true },
      status: 422,
      type: 'validation_error',
      loc: ['api_key'],
    },
    {
      name: 'missing root key',
      body: {},
      status: 422,
      type: 'validation_error',
      loc: ['api_key'],
    },
    { name: 'bad JSON', raw: '{"api_key":', status: 400, type: 'invalid_request' },
    {
      name: '__proto__',
      raw: '{"api_key":{"__proto__":{"admin":true}}}',
      status: 400,
      type: 'invalid_request',
    },
    {
      name: 'a NUL character in the name',
      body: { api_key: { name: 'a\u0000b' } },
      status: 422,
      type: 'validation_error',
      loc: ['api_key', 'name'],
    },
  ];

  it.each(cases.map((c) => [c.name, c] as const))(
    'rejects %s and creates no key',
    async (_name, c) => {
      const account = await createTestAccount(server);
      const res = await send('POST', '/v1/api_keys', account.testKey, c);
      expectRejected(res, c);
      const keys = await server.deps.db
        .selectFrom('api_keys')
        .select('id')
        .where('account_id', '=', account.accountId)
        .execute();
      expect(keys).toHaveLength(2);
    },
  );
});

describe('POST /v1/accounts', () => {
  /** Every case carries a unique marker so that an account it created would be found. */
  const cases: ((marker: string) => Case)[] = [
    (m) => ({
      name: 'name = 5',
      body: { account: { name: 5, metadata: { marker: m } } },
      status: 422,
      type: 'validation_error',
      loc: ['account', 'name'],
    }),
    (m) => ({
      name: 'name = null',
      body: { account: { name: null, metadata: { marker: m } } },
      status: 422,
      type: 'validation_error',
      loc: ['account', 'name'],
    }),
    (m) => ({
      name: 'empty name',
      body: { account: { name: '', metadata: { marker: m } } },
      status: 422,
      type: 'validation_error',
      loc: ['account', 'name'],
    }),
    (m) => ({
      name: 'overlong name',
      body: { account: { name: `${m}${'n'.repeat(300)}` } },
      status: 422,
      type: 'validation_error',
      loc: ['account', 'name'],
    }),
    (m) => ({
      name: 'default_currency = 840',
      body: { account: { name: m, default_currency: 840 } },
      status: 422,
      type: 'validation_error',
      loc: ['account', 'default_currency'],
    }),
    (m) => ({
      name: 'default_currency = SQL',
      body: { account: { name: m, default_currency: SQL_INJECTION } },
      status: 422,
      type: 'validation_error',
      loc: ['account', 'default_currency'],
    }),
    (m) => ({
      name: 'default_currency = XYZ',
      body: { account: { name: m, default_currency: 'XYZ' } },
      status: 422,
      type: 'validation_error',
      loc: ['account', 'default_currency'],
    }),
    (m) => ({
      name: 'metadata with 51 keys',
      body: { account: { name: m, metadata: fiftyOneKeys } },
      status: 422,
      type: 'validation_error',
      loc: ['account', 'metadata'],
    }),
    (m) => ({
      name: 'metadata value of 501 characters',
      body: { account: { name: m, metadata: { k: 'v'.repeat(501) } } },
      status: 422,
      type: 'validation_error',
      loc: ['account', 'metadata', 'k'],
    }),
    (m) => ({
      name: 'metadata with a non-string value',
      body: { account: { name: m, metadata: { k: 1 } } },
      status: 422,
      type: 'validation_error',
      loc: ['account', 'metadata', 'k'],
    }),
    (m) => ({
      name: 'unknown field',
      body: { account: { name: m, account_id: 'acct_01m84sgeyjf21ada62ac1e65xf' } },
      status: 400,
      type: 'invalid_request',
      loc: ['account', 'account_id'],
    }),
    (m) => ({
      name: 'account = []',
      body: { account: [m] },
      status: 422,
      type: 'validation_error',
      loc: ['account'],
    }),
    (m) => ({
      name: 'bad JSON',
      raw: `{"account":{"name":"${m}"`,
      status: 400,
      type: 'invalid_request',
    }),
    (m) => ({
      name: '__proto__',
      raw: `{"account":{"name":"${m}","__proto__":{"admin":true}}}`,
      status: 400,
      type: 'invalid_request',
    }),
    (m) => ({
      name: 'a NUL character in the name',
      body: { account: { name: `${m}\u0000` } },
      status: 422,
      type: 'validation_error',
      loc: ['account', 'name'],
    }),
  ];

  it.each(cases.map((make) => [make('').name, make] as const))(
    'rejects %s and creates no account',
    async (_name, make) => {
      const marker = `hostile-${randomUUID()}`;
      const c = make(marker);
      const res =
        c.raw !== undefined
          ? await request(server, 'POST', '/v1/accounts', { key: ADMIN_TOKEN, raw: c.raw })
          : await request(server, 'POST', '/v1/accounts', { key: ADMIN_TOKEN, body: c.body });
      expectRejected(res, c);
      const created = await server.deps.db
        .selectFrom('accounts')
        .select('id')
        .where((eb) =>
          eb.or([
            eb('name', 'like', `${marker}%`),
            eb(sql<string>`metadata->>'marker'`, '=', marker),
          ]),
        )
        .execute();
      expect(created).toEqual([]);
    },
  );
});

describe('valid but hostile strings', () => {
  it('stores SQL and script strings verbatim and returns them as JSON', async () => {
    const account = await createTestAccount(server);
    const fields = {
      email: "o'brien@example.com",
      name: SQL_INJECTION,
      phone: "1'--",
      description: SCRIPT,
      metadata: { [SQL_INJECTION.slice(0, 40)]: SCRIPT, html: '"><img src=x onerror=alert(1)>' },
    };
    const created = await request(server, 'POST', '/v1/customers', {
      key: account.testKey,
      body: { customer: fields },
    });
    expect(created.status).toBe(200);
    expect(created.headers.get('content-type')).toMatch(/^application\/json/);
    expect(created.body.customer).toMatchObject(fields);

    const got = await request(server, 'GET', `/v1/customers/${created.body.customer.customer_id}`, {
      key: account.testKey,
    });
    expect(got.body.customer).toMatchObject(fields);
    const row = await server.deps.db
      .selectFrom('customers')
      .selectAll()
      .where('id', '=', created.body.customer.customer_id)
      .executeTakeFirstOrThrow();
    expect(row.name).toBe(SQL_INJECTION);
    expect(row.description).toBe(SCRIPT);

    // The table is still there, and still holds the row.
    expect(await customerCount(account.accountId)).toBe(1);
  });

  it('treats SQL in the email filter as a plain value', async () => {
    const account = await createTestAccount(server);
    await request(server, 'POST', '/v1/customers', {
      key: account.testKey,
      body: { customer: { email: 'a@example.com' } },
    });
    for (const email of [SQL_INJECTION, "' or '1'='1", '%', '_@example.com']) {
      const res = await request(server, 'GET', `/v1/customers?email=${encodeURIComponent(email)}`, {
        key: account.testKey,
      });
      expect(res.status).toBe(200);
      expect(res.body.customers).toEqual([]);
    }
    expect(await customerCount(account.accountId)).toBe(1);
  });

  it('keeps metadata keys named like object internals as plain data', async () => {
    const account = await createTestAccount(server);
    const metadata = { constructor: 'c', toString: 't', hasOwnProperty: 'h', prototype: 'p' };
    const created = await request(server, 'POST', '/v1/customers', {
      key: account.testKey,
      body: { customer: { metadata } },
    });
    expect(created.status).toBe(200);
    expect(created.body.customer.metadata).toEqual(metadata);
    const patched = await request(
      server,
      'PATCH',
      `/v1/customers/${created.body.customer.customer_id}`,
      { key: account.testKey, body: { customer: { metadata: { toString: '', valueOf: 'v' } } } },
    );
    expect(patched.status).toBe(200);
    expect(patched.body.customer.metadata).toEqual({
      constructor: 'c',
      hasOwnProperty: 'h',
      prototype: 'p',
      valueOf: 'v',
    });
  });

  it('accepts the largest allowed values exactly', async () => {
    const account = await createTestAccount(server);
    const metadata = Object.fromEntries(
      Array.from({ length: 50 }, (_, i) => [
        `${String(i).padStart(2, '0')}${'k'.repeat(38)}`,
        'v'.repeat(500),
      ]),
    );
    const fields = {
      name: 'n'.repeat(256),
      phone: 'p'.repeat(32),
      description: 'd'.repeat(1000),
      metadata,
    };
    const res = await request(server, 'POST', '/v1/customers', {
      key: account.testKey,
      body: { customer: fields },
    });
    expect(res.status).toBe(200);
    expect(res.body.customer).toMatchObject(fields);
  });

  it('stores multi-byte Unicode verbatim', async () => {
    const account = await createTestAccount(server);
    const name = 'Zoë 🦊 名前 \u202e';
    const res = await request(server, 'POST', '/v1/customers', {
      key: account.testKey,
      body: { customer: { name, metadata: { ключ: 'значение' } } },
    });
    expect(res.status).toBe(200);
    const got = await request(server, 'GET', `/v1/customers/${res.body.customer.customer_id}`, {
      key: account.testKey,
    });
    expect(got.body.customer.name).toBe(name);
    expect(got.body.customer.metadata).toEqual({ ключ: 'значение' });
  });
});

describe('paths and query strings', () => {
  it.each([
    ['GET', '/v1/customers/not-an-id'],
    ['GET', '/v1/customers/cus_%27%3B'],
    ['GET', `/v1/customers/${encodeURIComponent(SQL_INJECTION)}`],
    ['GET', `/v1/customers/cus_${'0'.repeat(300)}`],
    ['GET', '/v1/customers/CUS_01M84SGEYJF21ADA62AC1E65XF'],
    ['GET', '/v1/customers/acct_01m84sgeyjf21ada62ac1e65xf'],
    ['GET', '/v1/customers/%00'],
    ['GET', '/v1/customers/%E0%A4%A'],
    ['PATCH', '/v1/customers/not-an-id'],
    ['PATCH', '/v1/customers/cus_%27%3B'],
    ['DELETE', '/v1/customers/not-an-id'],
    ['DELETE', '/v1/customers/cus_%27%3B'],
    ['DELETE', '/v1/api_keys/not-an-id'],
    ['DELETE', `/v1/api_keys/${encodeURIComponent(SQL_INJECTION)}`],
  ])('%s %s is a 4xx and changes nothing', async (method, path) => {
    const account = await createTestAccount(server);
    const created = await request(server, 'POST', '/v1/customers', {
      key: account.testKey,
      body: { customer: { name: 'bystander' } },
    });
    const res = await request(server, method, path, {
      key: account.testKey,
      body: method === 'PATCH' ? { customer: { name: 'hacked' } } : undefined,
    });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(['validation_error', 'not_found', 'invalid_request']).toContain(res.body.error.type);
    const got = await request(server, 'GET', `/v1/customers/${created.body.customer.customer_id}`, {
      key: account.testKey,
    });
    expect(got.text).toBe(created.text);
    expect(await customerCount(account.accountId)).toBe(1);
  });

  it.each([
    ['limit=abc', 'limit'],
    ['limit=-1', 'limit'],
    ['limit=0', 'limit'],
    ['limit=101', 'limit'],
    ['limit=1.5', 'limit'],
    ['limit=1e308', 'limit'],
    ['limit=99999999999999999999', 'limit'],
    ['limit=', 'limit'],
    ['starting_after=xyz', 'starting_after'],
    ['ending_before=xyz', 'ending_before'],
    [`starting_after=${encodeURIComponent(SQL_INJECTION)}`, 'starting_after'],
    ['starting_after=acct_01m84sgeyjf21ada62ac1e65xf', 'starting_after'],
    [`email=${'e'.repeat(600)}`, 'email'],
  ])('GET /v1/customers?%s is a 422 at %s', async (query, field) => {
    const account = await createTestAccount(server);
    const res = await request(server, 'GET', `/v1/customers?${query}`, { key: account.testKey });
    expect(res.status).toBe(422);
    expect(res.body.error.type).toBe('validation_error');
    expect(res.body.error.errors.map((e: any) => e.loc)).toContainEqual([field]);
  });

  it('rejects an unknown query parameter with a 400 parameter_unknown', async () => {
    const account = await createTestAccount(server);
    const res = await request(server, 'GET', '/v1/customers?sort=name', { key: account.testKey });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ type: 'invalid_request', code: 'parameter_unknown' });
    expect(res.body.error.errors.map((e: any) => e.loc)).toEqual([['sort']]);
  });

  it('lists api keys with bad query values as a 422, never a 500', async () => {
    const account = await createTestAccount(server);
    for (const query of ['limit=abc', 'starting_after=cus_01m84sgeyjf21ada62ac1e65xf']) {
      const res = await request(server, 'GET', `/v1/api_keys?${query}`, { key: account.testKey });
      expect(res.status).toBe(422);
      expect(res.body.error.type).toBe('validation_error');
    }
  });
});
