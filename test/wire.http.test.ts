import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_ERROR_CODES } from '../src/http/error-codes.js';
import { ERROR_TYPES, FIELD_ERROR_TYPES } from '../src/http/error-vocabulary.js';
import {
  createTestAccount,
  request,
  startTestServer,
  type TestResponse,
  type TestServer,
} from './harness.js';

const ERROR_KEYS = ['type', 'message', 'code', 'errors', 'request_id'];

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

/** The one error shape of PRODUCT.md §1, with a request id that matches the header. */
function expectError(
  res: TestResponse,
  status: number,
  type: string | readonly string[],
  code?: string,
) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  expect(Object.keys(res.body)).toEqual(['error']);
  const { error } = res.body;
  if (typeof type === 'string') expect(error.type).toBe(type);
  else expect(type).toContain(error.type);
  expect(typeof error.message).toBe('string');
  expect(error.message.length).toBeGreaterThan(0);
  if (code !== undefined) expect(error.code).toBe(code);
  expect(error.request_id).toMatch(/^req_/);
  expect(error.request_id).toBe(res.headers.get('request-id'));
  for (const key of Object.keys(error)) expect(ERROR_KEYS).toContain(key);
  expect(Object.keys(ERROR_TYPES)).toContain(error.type);
  expect(API_ERROR_CODES).toContain(error.code);
  if (error.errors !== undefined) {
    for (const e of error.errors) {
      expect(Object.keys(e).sort()).toEqual(['loc', 'msg', 'type']);
      expect(Object.keys(FIELD_ERROR_TYPES)).toContain(e.type);
      expect(Array.isArray(e.loc)).toBe(true);
    }
  }
  return error;
}

async function customerCount(accountId: string): Promise<number> {
  const rows = await server.deps.db
    .selectFrom('customers')
    .select('id')
    .where('account_id', '=', accountId)
    .execute();
  return rows.length;
}

describe('Request-Id', () => {
  it('is on every response and unique per request', async () => {
    const account = await createTestAccount(server);
    const responses = [
      await request(server, 'GET', '/v1/customers', { key: account.testKey }),
      await request(server, 'POST', '/v1/customers', {
        key: account.testKey,
        body: { customer: {} },
      }),
      await request(server, 'GET', '/v1/customers', { key: null }),
      await request(server, 'GET', '/v1/no-such-route', { key: account.testKey }),
      await request(server, 'POST', '/v1/customers', { key: account.testKey, body: {} }),
      await request(server, 'GET', '/healthz'),
      await request(server, 'GET', '/openapi.json'),
      await request(server, 'GET', '/metrics'),
    ];
    const ids = responses.map((r) => r.headers.get('request-id'));
    for (const id of ids) expect(id).toMatch(/^req_[0-9a-z]{26}$/);
    expect(new Set(ids).size).toBe(ids.length);
    for (const res of responses.filter((r) => r.status >= 400)) {
      expect(res.body.error.request_id).toBe(res.headers.get('request-id'));
    }
  });

  it('ignores a Request-Id sent by the client', async () => {
    const account = await createTestAccount(server);
    const res = await request(server, 'GET', '/v1/customers', {
      key: account.testKey,
      headers: { 'request-id': 'req_chosen_by_client' },
    });
    expect(res.headers.get('request-id')).toMatch(/^req_[0-9a-z]{26}$/);
  });
});

describe('errors', () => {
  it('answers malformed JSON with a 400 invalid_request', async () => {
    const account = await createTestAccount(server);
    for (const raw of ['{"customer": {', '{"customer": {}}}', "{'customer': {}}", 'nul']) {
      const res = await request(server, 'POST', '/v1/customers', { key: account.testKey, raw });
      expectError(res, 400, 'invalid_request');
    }
    expect(await customerCount(account.accountId)).toBe(0);
  });

  it('answers an unknown top-level field with a 400 parameter_unknown naming it', async () => {
    const account = await createTestAccount(server);
    const res = await request(server, 'POST', '/v1/customers', {
      key: account.testKey,
      body: { customer: {}, colour: 'blue' },
    });
    const error = expectError(res, 400, 'invalid_request', 'parameter_unknown');
    expect(error.errors.map((e: any) => e.loc)).toEqual([['colour']]);
    expect(await customerCount(account.accountId)).toBe(0);
  });

  it('answers an unknown nested field with a 400 parameter_unknown naming its path', async () => {
    const account = await createTestAccount(server);
    const res = await request(server, 'POST', '/v1/customers', {
      key: account.testKey,
      body: { customer: { name: 'x', nickname: 'y' } },
    });
    const error = expectError(res, 400, 'invalid_request', 'parameter_unknown');
    expect(error.errors.map((e: any) => e.loc)).toEqual([['customer', 'nickname']]);
    expect(await customerCount(account.accountId)).toBe(0);
  });

  it('reports an unknown field on PATCH too', async () => {
    const account = await createTestAccount(server);
    const created = await request(server, 'POST', '/v1/customers', {
      key: account.testKey,
      body: { customer: { name: 'x' } },
    });
    const res = await request(
      server,
      'PATCH',
      `/v1/customers/${created.body.customer.customer_id}`,
      {
        key: account.testKey,
        body: { customer: { name: 'y', age: 3 } },
      },
    );
    const error = expectError(res, 400, 'invalid_request', 'parameter_unknown');
    expect(error.errors.map((e: any) => e.loc)).toEqual([['customer', 'age']]);
  });

  it('answers wrong types with a 422 validation_error locating each field', async () => {
    const account = await createTestAccount(server);
    const res = await request(server, 'POST', '/v1/customers', {
      key: account.testKey,
      body: { customer: { email: 5, name: ['a'], metadata: 'x' } },
    });
    const error = expectError(res, 422, 'validation_error', 'parameter_invalid');
    const locs = error.errors.map((e: any) => e.loc);
    expect(locs).toContainEqual(['customer', 'email']);
    expect(locs).toContainEqual(['customer', 'name']);
    expect(locs).toContainEqual(['customer', 'metadata']);
    expect(error.errors.every((e: any) => e.type === 'type_error')).toBe(true);
    expect(await customerCount(account.accountId)).toBe(0);
  });

  it('does not coerce a number into a string field', async () => {
    const account = await createTestAccount(server);
    const res = await request(server, 'POST', '/v1/customers', {
      key: account.testKey,
      body: { customer: { phone: 5551234 } },
    });
    const error = expectError(res, 422, 'validation_error');
    expect(error.errors.map((e: any) => e.loc)).toEqual([['customer', 'phone']]);
  });

  it('answers a missing root key with a 422 at the root key', async () => {
    const account = await createTestAccount(server);
    const res = await request(server, 'POST', '/v1/customers', { key: account.testKey, body: {} });
    const error = expectError(res, 422, 'validation_error');
    expect(error.errors).toEqual([{ loc: ['customer'], msg: expect.any(String), type: 'missing' }]);
  });

  it('answers a body that is not an object with a 422', async () => {
    const account = await createTestAccount(server);
    for (const raw of ['[]', '"customer"', '42', 'null', 'true']) {
      const res = await request(server, 'POST', '/v1/customers', { key: account.testKey, raw });
      expectError(res, 422, 'validation_error');
    }
    expect(await customerCount(account.accountId)).toBe(0);
  });

  it('answers a body over 1 MiB with a 413', async () => {
    const account = await createTestAccount(server);
    const res = await request(server, 'POST', '/v1/customers', {
      key: account.testKey,
      raw: JSON.stringify({ customer: { description: 'x'.repeat(2_000_000) } }),
    });
    expectError(res, 413, 'invalid_request');
    expect(await customerCount(account.accountId)).toBe(0);
  });

  it('answers a text/plain body with a 415', async () => {
    const account = await createTestAccount(server);
    const res = await request(server, 'POST', '/v1/customers', {
      key: account.testKey,
      raw: JSON.stringify({ customer: { name: 'plain' } }),
      headers: { 'content-type': 'text/plain' },
    });
    expectError(res, 415, 'invalid_request');
    expect(await customerCount(account.accountId)).toBe(0);
  });

  it('answers a form-encoded body with a 415', async () => {
    const account = await createTestAccount(server);
    const res = await request(server, 'POST', '/v1/customers', {
      key: account.testKey,
      raw: 'customer[name]=form',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expectError(res, 415, 'invalid_request');
    expect(await customerCount(account.accountId)).toBe(0);
  });

  it('accepts application/json with a charset', async () => {
    const account = await createTestAccount(server);
    const res = await request(server, 'POST', '/v1/customers', {
      key: account.testKey,
      raw: JSON.stringify({ customer: { name: 'charset' } }),
      headers: { 'content-type': 'application/json; charset=utf-8' },
    });
    expect(res.status).toBe(200);
    expect(res.body.customer.name).toBe('charset');
  });

  it('answers an unknown route with a 404 not_found, with or without a key', async () => {
    const account = await createTestAccount(server);
    for (const key of [account.testKey, null]) {
      for (const [method, path] of [
        ['GET', '/v1/nope'],
        ['POST', '/v1/customers/cus_01m84sgeyjf21ada62ac1e65xf/nope'],
        ['PUT', '/v1/nope'],
        ['GET', '/'],
      ]) {
        const res = await request(server, method as string, path as string, { key });
        expectError(res, 404, 'not_found', 'route_not_found');
        expect(res.headers.get('allow')).toBeNull();
      }
    }
  });

  it.each([
    ['DELETE', '/v1/orders', 'GET, HEAD, POST'],
    ['PUT', '/v1/customers', 'GET, HEAD, POST'],
    ['PUT', '/v1/customers/', 'GET, HEAD, POST'],
    ['DELETE', '/v1/orders?limit=5', 'GET, HEAD, POST'],
    ['PUT', '/v1/orders/ord_01m84sgeyjf21ada62ac1e65xf', 'GET, HEAD, PATCH'],
    ['GET', '/v1/orders/ord_01m84sgeyjf21ada62ac1e65xf/pay', 'POST'],
    ['DELETE', '/v1/customers/cus_01m84sgeyjf21ada62ac1e65xf/nope', null],
    ['POST', '/healthz', 'GET, HEAD'],
    ['PATCH', '/v1/console_users', 'GET, HEAD, POST'],
  ])(
    'answers %s %s with a 405 whose Allow lists the methods the path has',
    async (method, path, allow) => {
      const account = await createTestAccount(server);
      for (const key of [account.testKey, null]) {
        const res = await request(server, method, path, { key });
        if (allow === null) {
          expectError(res, 404, 'not_found', 'route_not_found');
          continue;
        }
        expectError(res, 405, 'invalid_request', 'method_not_allowed');
        expect(res.headers.get('allow')).toBe(allow);
      }
    },
  );

  it('changes nothing when the method is wrong', async () => {
    const account = await createTestAccount(server);
    const created = await request(server, 'POST', '/v1/customers', {
      key: account.testKey,
      body: { customer: { name: 'kept' } },
    });
    const path = `/v1/customers/${created.body.customer.customer_id}`;
    const put = await request(server, 'PUT', path, {
      key: account.testKey,
      body: { customer: { name: 'replaced' } },
    });
    expectError(put, 405, 'invalid_request', 'method_not_allowed');
    expect(put.headers.get('allow')).toBe('DELETE, GET, HEAD, PATCH');
    const got = await request(server, 'GET', path, { key: account.testKey });
    expect(got.body.customer.name).toBe('kept');
  });

  it.each([
    ['an overlong path id', `/v1/customers/cus_${'0'.repeat(300)}`],
    ['a malformed percent-encoding in the path', '/v1/customers/%E0%A4%A'],
  ])('answers %s with a 4xx in the one error shape', async (_label, path) => {
    const account = await createTestAccount(server);
    const res = await request(server, 'GET', path, { key: account.testKey });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expectError(res, res.status, ['invalid_request', 'validation_error', 'not_found']);
  });
});

describe('authentication', () => {
  const cases: [string, Record<string, string>][] = [
    ['no Authorization header', {}],
    ['an empty bearer token', { authorization: 'Bearer ' }],
    ['a garbage token', { authorization: 'Bearer not-a-key' }],
    ['a well-formed unknown test key', { authorization: `Bearer sk_test_${'a'.repeat(32)}` }],
    ['a well-formed unknown live key', { authorization: `Bearer sk_live_${'Z'.repeat(32)}` }],
    ['a Basic scheme', { authorization: 'Basic dXNlcjpwYXNz' }],
    ['a publishable-style key', { authorization: `Bearer pk_test_${'a'.repeat(32)}` }],
  ];

  it.each(cases)('answers %s with 401 "Invalid API key"', async (_label, headers) => {
    const res = await request(server, 'GET', '/v1/customers', { headers });
    const error = expectError(res, 401, 'unauthorized');
    expect(error.message).toBe('Invalid API key');
  });

  it('answers a revoked key with 401 "Invalid API key"', async () => {
    const account = await createTestAccount(server);
    const created = await request(server, 'POST', '/v1/api_keys', {
      key: account.testKey,
      body: { api_key: {} },
    });
    const { api_key_id, secret } = created.body.api_key;
    await request(server, 'DELETE', `/v1/api_keys/${api_key_id}`, { key: account.testKey });
    const res = await request(server, 'GET', '/v1/customers', { key: secret });
    expect(expectError(res, 401, 'unauthorized').message).toBe('Invalid API key');
  });

  it('answers 401 before looking at the body', async () => {
    const res = await request(server, 'POST', '/v1/customers', { raw: '{not json' });
    expect(expectError(res, 401, 'unauthorized').message).toBe('Invalid API key');
  });

  it('accepts the bearer scheme in any case', async () => {
    const account = await createTestAccount(server);
    const res = await request(server, 'GET', '/v1/customers', {
      headers: { authorization: `bearer ${account.testKey}` },
    });
    expect(res.status).toBe(200);
  });
});

describe('rate limiting', () => {
  it('answers the 6th request within the window with a 429 rate_limited and Retry-After', async () => {
    // A minute's window: a slow machine's seven requests never straddle two windows.
    const limited = await startTestServer({ rateLimitPerSecond: 5, rateLimitWindowMs: 60_000 });
    try {
      const account = await createTestAccount(limited);
      const statuses: number[] = [];
      let rejected: TestResponse | undefined;
      for (let i = 0; i < 7; i++) {
        const res = await request(limited, 'GET', '/v1/customers', { key: account.testKey });
        statuses.push(res.status);
        if (res.status === 429) rejected ??= res;
      }
      expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
      expect(statuses[5]).toBe(429);
      expect(rejected).toBeDefined();
      const res = rejected as TestResponse;
      expect(res.status).toBe(429);
      expect(res.body.error.type).toBe('rate_limited');
      expect(res.body.error.request_id).toBe(res.headers.get('request-id'));
      expect(res.headers.get('retry-after')).toMatch(/^[1-9][0-9]*$/);

      // The limit is per key: another account's key is not affected.
      const other = await createTestAccount(limited);
      const otherRes = await request(limited, 'GET', '/v1/customers', { key: other.testKey });
      expect(otherRes.status).toBe(200);
    } finally {
      await limited.close();
    }
  });

  it('does not rate-limit below the limit', async () => {
    const limited = await startTestServer({ rateLimitPerSecond: 5, rateLimitWindowMs: 60_000 });
    try {
      const account = await createTestAccount(limited);
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) {
        statuses.push(
          (await request(limited, 'GET', '/v1/customers', { key: account.testKey })).status,
        );
      }
      expect(statuses).toEqual([200, 200, 200]);
    } finally {
      await limited.close();
    }
  });
});
