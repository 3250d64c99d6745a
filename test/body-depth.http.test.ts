import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH } from '../src/http/json-body.js';
import { expectError } from './catalog-fixtures.js';
import {
  ADMIN_TOKEN,
  countRows,
  createTestAccount,
  request,
  startTestServer,
  type TestServer,
} from './harness.js';

/** Bodies nested past what any route accepts are refused before anything walks them. */

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

/** `{"customer": {"metadata": [[[…]]]}}` with `levels` levels in all. */
const nested = (root: string, levels: number) =>
  `{"${root}":{"metadata":${'['.repeat(levels - 2)}${']'.repeat(levels - 2)}}}`;

const customerCount = (accountId: string) => countRows(server, 'customers', accountId);

describe('JSON nesting depth', () => {
  it.each([10_000, 100_000, MAX_JSON_DEPTH + 1])(
    'refuses a POST body %i levels deep with a 400 body_too_deep and creates nothing',
    async (levels) => {
      const account = await createTestAccount(server);
      const res = await request(server, 'POST', '/v1/customers', {
        key: account.testKey,
        raw: nested('customer', levels),
      });
      expectError(res, 400, 'invalid_request', 'body_too_deep');
      expect(await customerCount(account.accountId)).toBe(0);
    },
  );

  it('refuses a deep PATCH body and leaves the object as it was', async () => {
    const account = await createTestAccount(server);
    const created = await request(server, 'POST', '/v1/customers', {
      key: account.testKey,
      body: { customer: { name: 'kept' } },
    });
    const path = `/v1/customers/${created.body.customer.customer_id}`;
    const res = await request(server, 'PATCH', path, {
      key: account.testKey,
      raw: nested('customer', 10_000),
    });
    expectError(res, 400, 'invalid_request', 'body_too_deep');
    const got = await request(server, 'GET', path, { key: account.testKey });
    expect(got.text).toBe(created.text);
  });

  it('refuses deep bodies on the admin API, on orders and on refunds alike', async () => {
    const account = await createTestAccount(server);
    for (const [path, key, root] of [
      ['/v1/accounts', ADMIN_TOKEN, 'account'],
      ['/v1/orders', account.testKey, 'order'],
      ['/v1/refunds', account.testKey, 'refund'],
      [
        '/v1/checkout/sessions/cs_01m84sgeyjf21ada62ac1e65xf/refund',
        account.testKey,
        'checkout_session',
      ],
    ] as const) {
      const res = await request(server, 'POST', path, { key, raw: nested(root, 10_000) });
      expectError(res, 400, 'invalid_request', 'body_too_deep');
    }
  });

  it('answers a deep body sent to a console page with a 400 page, not a 500', async () => {
    const res = await request(server, 'POST', '/console/login', { raw: nested('login', 10_000) });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
  });

  it('judges depth past the limit only: a body at the limit reaches validation', async () => {
    const account = await createTestAccount(server);
    const res = await request(server, 'POST', '/v1/customers', {
      key: account.testKey,
      raw: nested('customer', MAX_JSON_DEPTH),
    });
    expectError(res, 422, 'validation_error', 'parameter_invalid', [['customer', 'metadata']]);
  });

  it('does not count brackets inside strings', async () => {
    const account = await createTestAccount(server);
    const value = `"${'[{'.repeat(200)}`;
    const res = await request(server, 'POST', '/v1/customers', {
      key: account.testKey,
      body: { customer: { description: value, metadata: { '[[[': value } } },
    });
    expect(res.status).toBe(200);
    expect(res.body.customer.description).toBe(value);
  });
});

describe('other hostile shapes', () => {
  it('treats bracketed query keys as flat names: a 400 parameter_unknown, never a nested object', async () => {
    const account = await createTestAccount(server);
    const deep = `a${'[b]'.repeat(1000)}=1`;
    for (const query of ['limit[gt]=1', deep]) {
      const res = await request(server, 'GET', `/v1/customers?${query}`, { key: account.testKey });
      expectError(res, 400, 'invalid_request', 'parameter_unknown');
      expect(res.body.error.errors[0].loc[0]).toBe(query.split('=')[0]);
    }
  });

  it('refuses a constructor.prototype key like __proto__ (400) and creates nothing', async () => {
    const account = await createTestAccount(server);
    const res = await request(server, 'POST', '/v1/customers', {
      key: account.testKey,
      raw: '{"customer":{"name":"x","constructor":{"prototype":{"admin":true}}}}',
    });
    expectError(res, 400, 'invalid_request', 'body_malformed');
    expect(await customerCount(account.accountId)).toBe(0);
  });

  it.each([
    ['1e400', 'Infinity'],
    ['-1e400', '-Infinity'],
    ['123456789012345678901234567890', 'a number past 2^53'],
    ['1.0000000000000002', 'a fraction'],
  ])('refuses an amount of %s (%s) with a 422 at the amount', async (amount) => {
    const account = await createTestAccount(server);
    const res = await request(server, 'POST', '/v1/orders', {
      key: account.testKey,
      raw: `{"order":{"line_items":[{"name":"a","quantity":1,"unit_price_money":{"amount":${amount}}}]}}`,
    });
    expectError(res, 422, 'validation_error', 'parameter_invalid', [
      ['order', 'line_items', 0, 'unit_price_money', 'amount'],
    ]);
  });
});

describe('form bodies', () => {
  it('reads bracketed form keys as flat names: a deep one on a console form is a 4xx page', async () => {
    const deep = `email${'[a]'.repeat(5000)}=x&password=y&csrf_token=z`;
    const res = await request(server, 'POST', '/console/login', {
      raw: deep,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
  });
});
