import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { create, expectError, expectMissing, MAX_AMOUNT } from './catalog-fixtures.js';
import {
  createTestAccount,
  request,
  startTestServer,
  type TestResponse,
  type TestServer,
} from './harness.js';

/**
 * Hostile input to POST/PATCH /v1/orders and the coupon endpoints: never a 500, always
 * the one error shape with the field named, and nothing changes (PRODUCT.md §1).
 */

const SQL_INJECTION = "Robert'); drop table orders; --";
const SCRIPT = '<script>alert(1)</script>';
const ID = 'ord_01m84sgeyjf21ada62ac1e65xf';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

interface Case {
  readonly name: string;
  readonly body?: unknown;
  readonly raw?: string;
  readonly status: 400 | 404 | 422;
  readonly code: string;
  readonly loc?: readonly (string | number)[];
}

const TYPE_BY_STATUS = { 400: 'invalid_request', 404: 'not_found', 422: 'validation_error' };

function expectRejected(res: TestResponse, c: Case) {
  expect(res.status, `${c.name}: ${res.text}`).toBe(c.status);
  expect(Object.keys(res.body)).toEqual(['error']);
  expect(res.body.error.type, c.name).toBe(TYPE_BY_STATUS[c.status]);
  expect(res.body.error.code, c.name).toBe(c.code);
  expect(res.body.error.request_id).toBe(res.headers.get('request-id'));
  if (c.loc) {
    expect(
      res.body.error.errors.map((e: any) => e.loc),
      c.name,
    ).toContainEqual(c.loc);
  }
}

const line = { name: 'Widget', quantity: 1, unit_price_money: { amount: 100 } };
const withLine = (fields: Record<string, unknown>) => ({ ...line, ...fields });
const fiftyOneKeys = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v']));

const invalid = (name: string, order: unknown, loc?: (string | number)[]): Case => ({
  name,
  body: { order },
  status: 422,
  code: 'parameter_invalid',
  ...(loc ? { loc } : {}),
});
const unknown = (name: string, body: unknown, loc: (string | number)[]): Case => ({
  name,
  body,
  status: 400,
  code: 'parameter_unknown',
  loc,
});
const at = (...path: (string | number)[]) => ['order', 'line_items', 0, ...path];

/** Bad line items, money and metadata: wrong for create and for update alike. */
function lineCases(): Case[] {
  const bad = (name: string, fields: Record<string, unknown>, loc: (string | number)[]) =>
    invalid(name, { line_items: [withLine(fields)] }, loc);
  const amount = (value: unknown) =>
    bad(
      `unit amount ${JSON.stringify(value)}`,
      { unit_price_money: { amount: value } },
      at('unit_price_money', 'amount'),
    );
  const quantity = (value: unknown) =>
    bad(`quantity ${JSON.stringify(value)}`, { quantity: value }, at('quantity'));
  return [
    quantity('2'),
    quantity(1.5),
    quantity(0),
    quantity(-1),
    quantity(1_000_001),
    quantity(1e20),
    quantity(null),
    quantity(true),
    quantity([1]),
    amount(-1),
    amount(0.5),
    amount(1.000001),
    amount('100'),
    amount(MAX_AMOUNT + 1),
    amount(1e300),
    amount(null),
    amount({ amount: 1 }),
    {
      name: 'unit amount 1e999 (Infinity)',
      raw: '{"order":{"line_items":[{"name":"x","quantity":1,"unit_price_money":{"amount":1e999}}]}}',
      status: 422,
      code: 'parameter_invalid',
      loc: at('unit_price_money', 'amount'),
    },
    {
      name: 'unit amount beyond 2^64',
      raw: '{"order":{"line_items":[{"name":"x","quantity":1,"unit_price_money":{"amount":99999999999999999999999}}]}}',
      status: 422,
      code: 'parameter_invalid',
      loc: at('unit_price_money', 'amount'),
    },
    {
      name: 'unit amount -1e2 (an exponent form)',
      raw: '{"order":{"line_items":[{"name":"x","quantity":1,"unit_price_money":{"amount":-1e2}}]}}',
      status: 422,
      code: 'parameter_invalid',
      loc: at('unit_price_money', 'amount'),
    },
    bad('unit_price_money as a number', { unit_price_money: 100 }, at('unit_price_money')),
    bad(
      'unit_price_money missing amount',
      { unit_price_money: { currency: 'USD' } },
      at('unit_price_money', 'amount'),
    ),
    bad(
      'currency "US"',
      { unit_price_money: { amount: 1, currency: 'US' } },
      at('unit_price_money', 'currency'),
    ),
    bad(
      'currency "U$D"',
      { unit_price_money: { amount: 1, currency: 'U$D' } },
      at('unit_price_money', 'currency'),
    ),
    bad(
      'currency 840',
      { unit_price_money: { amount: 1, currency: 840 } },
      at('unit_price_money', 'currency'),
    ),
    bad('empty name', { name: '' }, at('name')),
    bad('name of 501 characters', { name: 'n'.repeat(501) }, at('name')),
    bad('name as a number', { name: 42 }, at('name')),
    bad('name as an object', { name: { first: SCRIPT } }, at('name')),
    bad('malformed price_id', { price_id: SQL_INJECTION }, at('price_id')),
    bad(
      'price_id of another type',
      { price_id: 'prod_01m84sgeyjf21ada62ac1e65xf' },
      at('price_id'),
    ),
    bad('malformed product_id', { product_id: 'prod_123' }, at('product_id')),
    bad(
      'tax_rate_ids as a string',
      { tax_rate_ids: 'txr_01m84sgeyjf21ada62ac1e65xf' },
      at('tax_rate_ids'),
    ),
    bad('malformed tax rate id', { tax_rate_ids: ['txr_x'] }, at('tax_rate_ids', 0)),
    bad(
      'eleven tax rates',
      { tax_rate_ids: Array(11).fill('txr_01m84sgeyjf21ada62ac1e65xf') },
      at('tax_rate_ids'),
    ),
    bad('tax_exempt "yes"', { tax_exempt: 'yes' }, at('tax_exempt')),
    bad('line metadata value 1', { metadata: { k: 1 } }, at('metadata', 'k')),
    bad('line metadata of 51 keys', { metadata: fiftyOneKeys }, at('metadata')),
    invalid('line_items = []', { line_items: [] }, ['order', 'line_items']),
    invalid('line_items = {}', { line_items: {} }, ['order', 'line_items']),
    invalid('line_items = "x"', { line_items: 'x' }, ['order', 'line_items']),
    invalid('line_items of 101', { line_items: Array(101).fill(line) }, ['order', 'line_items']),
    invalid('a line that is null', { line_items: [line, null] }, ['order', 'line_items', 1]),
    invalid('shipping amount -5', { line_items: [line], shipping_money: { amount: -5 } }, [
      'order',
      'shipping_money',
      'amount',
    ]),
    invalid('tip amount 1.25', { line_items: [line], tip_money: { amount: 1.25 } }, [
      'order',
      'tip_money',
      'amount',
    ]),
    invalid('tip amount too large', { line_items: [line], tip_money: { amount: MAX_AMOUNT + 1 } }, [
      'order',
      'tip_money',
      'amount',
    ]),
    invalid('malformed customer_id', { line_items: [line], customer_id: 'cus_123' }, [
      'order',
      'customer_id',
    ]),
    invalid('metadata of 51 keys', { line_items: [line], metadata: fiftyOneKeys }, [
      'order',
      'metadata',
    ]),
    invalid('metadata value too long', { line_items: [line], metadata: { k: 'v'.repeat(501) } }, [
      'order',
      'metadata',
      'k',
    ]),
    invalid('metadata key too long', { line_items: [line], metadata: { ['k'.repeat(41)]: 'v' } }, [
      'order',
      'metadata',
    ]),
    invalid('metadata value null', { line_items: [line], metadata: { k: null } }, [
      'order',
      'metadata',
      'k',
    ]),
    invalid('metadata as an array', { line_items: [line], metadata: ['a'] }, ['order', 'metadata']),
    invalid('NUL in a line name', { line_items: [withLine({ name: 'a\u0000b' })] }, at('name')),
    invalid('NUL in a metadata key', { line_items: [line], metadata: { 'k\u0000': 'v' } }, [
      'order',
      'metadata',
      'k\u0000',
    ]),
    invalid('NUL in a metadata value', { line_items: [line], metadata: { k: '\u0000' } }, [
      'order',
      'metadata',
      'k',
    ]),
    invalid(
      'a lone surrogate in a name',
      { line_items: [withLine({ name: 'x\ud800' })] },
      at('name'),
    ),
    unknown(
      'an unknown line field',
      { order: { line_items: [withLine({ discount: 5 })] } },
      at('discount'),
    ),
    unknown(
      'an unknown money field',
      { order: { line_items: [withLine({ unit_price_money: { amount: 1, value: 1 } })] } },
      at('unit_price_money', 'value'),
    ),
    unknown('a computed field', { order: { line_items: [line], total_money: { amount: 1 } } }, [
      'order',
      'total_money',
    ]),
    unknown('status is not writable', { order: { line_items: [line], status: 'PAID' } }, [
      'order',
      'status',
    ]),
    unknown('version is not writable', { order: { line_items: [line], version: 99 } }, [
      'order',
      'version',
    ]),
    unknown(
      'an unknown field with an SQL name',
      { order: { line_items: [line], [SQL_INJECTION]: 1 } },
      ['order', SQL_INJECTION],
    ),
    unknown('an unknown root field', { order: { line_items: [line] }, extra: true }, ['extra']),
    unknown('the wrong root key', { orders: { line_items: [line] } }, ['orders']),
    invalid('order = null', null, ['order']),
    invalid('order = []', [], ['order']),
    invalid('order = "x"', SQL_INJECTION, ['order']),
    { name: 'body = []', raw: '[]', status: 422, code: 'parameter_invalid' },
    { name: 'body = null', raw: 'null', status: 422, code: 'parameter_invalid' },
    {
      name: 'truncated JSON',
      raw: '{"order":{"line_items":[',
      status: 400,
      code: 'body_malformed',
    },
    { name: 'trailing garbage', raw: '{"order":{}} x', status: 400, code: 'body_malformed' },
    {
      name: '__proto__ in the body',
      raw: '{"order":{"line_items":[],"__proto__":{"status":"PAID"}}}',
      status: 400,
      code: 'body_malformed',
    },
  ];
}

/** Fields only the create body has. */
function createOnlyCases(): Case[] {
  return [
    invalid('line_items missing', {}, ['order', 'line_items']),
    invalid(
      'a line without quantity',
      { line_items: [{ name: 'x', unit_price_money: { amount: 1 } }] },
      at('quantity'),
    ),
    invalid('order currency "US"', { currency: 'US', line_items: [line] }, ['order', 'currency']),
    invalid('order currency "usdd"', { currency: 'usdd', line_items: [line] }, [
      'order',
      'currency',
    ]),
    invalid('order currency 12', { currency: 12, line_items: [line] }, ['order', 'currency']),
    invalid('order currency "XYZ" (not ISO 4217)', { currency: 'XYZ', line_items: [line] }, [
      'order',
      'currency',
    ]),
    {
      name: 'a line in "XYZ" on a USD order',
      body: {
        order: {
          currency: 'USD',
          line_items: [withLine({ unit_price_money: { amount: 1, currency: 'XYZ' } })],
        },
      },
      status: 422,
      code: 'currency_mismatch',
      loc: at('unit_price_money', 'currency'),
    },
    invalid('coupon_codes as a string', { line_items: [line], coupon_codes: 'SAVE' }, [
      'order',
      'coupon_codes',
    ]),
    invalid('eleven coupon codes', { line_items: [line], coupon_codes: Array(11).fill('A') }, [
      'order',
      'coupon_codes',
    ]),
    invalid('an empty coupon code', { line_items: [line], coupon_codes: [''] }, [
      'order',
      'coupon_codes',
      0,
    ]),
    invalid(
      'a coupon code of 65 characters',
      { line_items: [line], coupon_codes: ['C'.repeat(65)] },
      ['order', 'coupon_codes', 0],
    ),
    invalid('NUL in a coupon code', { line_items: [line], coupon_codes: ['A\u0000'] }, [
      'order',
      'coupon_codes',
      0,
    ]),
    {
      name: 'an SQL coupon code',
      body: { order: { line_items: [line], coupon_codes: ["x' or '1'='1"] } },
      status: 404,
      code: 'resource_missing',
      loc: ['order', 'coupon_codes', 0],
    },
    {
      name: 'a LIKE wildcard as a coupon code',
      body: { order: { line_items: [line], coupon_codes: ['%'] } },
      status: 404,
      code: 'resource_missing',
      loc: ['order', 'coupon_codes', 0],
    },
  ];
}

/** Fields that exist only on create, or not at all, are unknown to PATCH. */
function updateOnlyCases(): Case[] {
  return [
    unknown('currency cannot change', { order: { currency: 'EUR' } }, ['order', 'currency']),
    unknown('coupons go through their endpoint', { order: { coupon_codes: ['A'] } }, [
      'order',
      'coupon_codes',
    ]),
    invalid('customer_id as a number', { customer_id: 5 }, ['order', 'customer_id']),
    invalid(
      'a line in "XY"',
      { line_items: [withLine({ unit_price_money: { amount: 1, currency: 'XY' } })] },
      at('unit_price_money', 'currency'),
    ),
    {
      name: 'a line in another currency',
      body: {
        order: { line_items: [withLine({ unit_price_money: { amount: 1, currency: 'EUR' } })] },
      },
      status: 422,
      code: 'currency_mismatch',
      loc: at('unit_price_money', 'currency'),
    },
    {
      name: 'a tip in another currency',
      body: { order: { tip_money: { amount: 1, currency: 'XYZ' } } },
      status: 422,
      code: 'currency_mismatch',
      loc: ['order', 'tip_money', 'currency'],
    },
    {
      name: 'an unknown customer',
      body: { order: { customer_id: 'cus_01m84sgeyjf21ada62ac1e65xf' } },
      status: 404,
      code: 'resource_missing',
      loc: ['order', 'customer_id'],
    },
  ];
}

function send(key: string, method: string, path: string, c: Case) {
  return request(server, method, path, {
    key,
    ...(c.raw !== undefined ? { raw: c.raw } : { body: c.body }),
  });
}

async function orderCount(key: string): Promise<number> {
  const res = await request(server, 'GET', '/v1/orders?limit=100', { key });
  expect(res.status, res.text).toBe(200);
  return res.body.orders.length;
}

async function snapshot(key: string, id: string) {
  const order = await request(server, 'GET', `/v1/orders/${id}`, { key });
  const timeline = await request(server, 'GET', `/v1/orders/${id}/timeline?limit=100`, { key });
  expect(order.status, order.text).toBe(200);
  expect(timeline.status, timeline.text).toBe(200);
  return { order: order.body.order, timeline: timeline.body.timeline };
}

async function seedOrder(key: string) {
  const res = await request(server, 'POST', '/v1/orders', {
    key,
    body: { order: { line_items: [line], metadata: { a: '1' } } },
  });
  expect(res.status, res.text).toBe(200);
  return res.body.order;
}

describe('POST /v1/orders with hostile input', () => {
  it.each([...lineCases(), ...createOnlyCases()].map((c) => [c.name, c] as const))(
    'refuses %s and creates nothing',
    async (_name, c) => {
      const { testKey: key } = await createTestAccount(server);
      await create(server, key, 'coupons', 'coupon', { code: 'REAL', percent_off: '10' });
      expectRejected(await send(key, 'POST', '/v1/orders', c), c);
      expect(await orderCount(key)).toBe(0);
    },
  );

  it('accepts 100 lines, the most there can be', async () => {
    const { testKey: key } = await createTestAccount(server);
    const res = await request(server, 'POST', '/v1/orders', {
      key,
      body: { order: { line_items: Array(100).fill(line) } },
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body.order.line_items).toHaveLength(100);
    expect(res.body.order.net_amounts.subtotal_money.amount).toBe(10000);
  });

  it('stores SQL, script and unicode text verbatim', async () => {
    const { testKey: key } = await createTestAccount(server);
    const names = [SQL_INJECTION, SCRIPT, 'Ünïcødé 🚀 \u202e', '%_\\\'"`$1'];
    const res = await request(server, 'POST', '/v1/orders', {
      key,
      body: {
        order: {
          line_items: names.map((name) =>
            withLine({ name, metadata: { [name.slice(0, 40)]: name } }),
          ),
          metadata: { sql: SQL_INJECTION, script: SCRIPT },
        },
      },
    });
    expect(res.status, res.text).toBe(200);
    const order = res.body.order;
    expect(order.line_items.map((l: any) => l.name)).toEqual(names);
    expect(order.line_items.map((l: any) => l.metadata)).toEqual(
      names.map((name) => ({ [name.slice(0, 40)]: name })),
    );
    expect(order.metadata).toEqual({ sql: SQL_INJECTION, script: SCRIPT });
    const fetched = await request(server, 'GET', `/v1/orders/${order.order_id}`, { key });
    expect(fetched.body.order).toEqual(order);
    expect(fetched.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await orderCount(key)).toBe(1);
  });
});

describe('PATCH /v1/orders/{id} with hostile input', () => {
  it.each(
    [
      ...lineCases().filter((c) => !c.name.startsWith('line_items missing')),
      ...updateOnlyCases(),
    ].map((c) => [c.name, c] as const),
  )('refuses %s and changes nothing', async (_name, c) => {
    const { testKey: key } = await createTestAccount(server);
    const order = await seedOrder(key);
    const before = await snapshot(key, order.order_id);
    expectRejected(await send(key, 'PATCH', `/v1/orders/${order.order_id}`, c), c);
    expect(await snapshot(key, order.order_id)).toEqual(before);
    expect(before.order.version).toBe(1);
    expect(before.timeline).toHaveLength(1);
  });

  it('stores SQL and script text verbatim in metadata and line names', async () => {
    const { testKey: key } = await createTestAccount(server);
    const order = await seedOrder(key);
    const res = await request(server, 'PATCH', `/v1/orders/${order.order_id}`, {
      key,
      body: {
        order: {
          line_items: [withLine({ name: SCRIPT })],
          metadata: { [SQL_INJECTION.slice(0, 40)]: SCRIPT },
        },
      },
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body.order.line_items[0].name).toBe(SCRIPT);
    expect(res.body.order.metadata).toEqual({ a: '1', [SQL_INJECTION.slice(0, 40)]: SCRIPT });
    expect((await snapshot(key, order.order_id)).order).toEqual(res.body.order);
  });

  it('a malformed order id is a 422 at order_id; an unknown one a 404', async () => {
    const { testKey: key } = await createTestAccount(server);
    for (const path of [
      '/v1/orders/not-an-id',
      `/v1/orders/${encodeURIComponent("ord_' or 1=1")}`,
    ]) {
      const res = await request(server, 'PATCH', path, {
        key,
        body: { order: { metadata: { a: 'b' } } },
      });
      expectError(res, 422, 'validation_error', 'parameter_invalid', [['order_id']]);
    }
    expectMissing(
      await request(server, 'PATCH', `/v1/orders/${ID}`, {
        key,
        body: { order: { metadata: { a: 'b' } } },
      }),
      'order',
    );
  });
});

describe('POST /v1/orders/{id}/coupons with hostile input', () => {
  const cases: Case[] = [
    {
      name: 'no coupon_code',
      body: {},
      status: 422,
      code: 'parameter_invalid',
      loc: ['coupon_code'],
    },
    {
      name: 'coupon_code null',
      body: { coupon_code: null },
      status: 422,
      code: 'parameter_invalid',
      loc: ['coupon_code'],
    },
    {
      name: 'coupon_code 10',
      body: { coupon_code: 10 },
      status: 422,
      code: 'parameter_invalid',
      loc: ['coupon_code'],
    },
    {
      name: 'coupon_code []',
      body: { coupon_code: ['REAL'] },
      status: 422,
      code: 'parameter_invalid',
      loc: ['coupon_code'],
    },
    {
      name: 'coupon_code ""',
      body: { coupon_code: '' },
      status: 422,
      code: 'parameter_invalid',
      loc: ['coupon_code'],
    },
    {
      name: 'coupon_code of 65 characters',
      body: { coupon_code: 'R'.repeat(65) },
      status: 422,
      code: 'parameter_invalid',
      loc: ['coupon_code'],
    },
    {
      name: 'NUL in coupon_code',
      body: { coupon_code: 'REAL\u0000' },
      status: 422,
      code: 'parameter_invalid',
      loc: ['coupon_code'],
    },
    {
      name: 'wrapped in a root key',
      body: { coupon: { coupon_code: 'REAL' } },
      status: 400,
      code: 'parameter_unknown',
      loc: ['coupon'],
    },
    {
      name: 'an unknown field beside it',
      body: { coupon_code: 'REAL', amount_off: 100000 },
      status: 400,
      code: 'parameter_unknown',
      loc: ['amount_off'],
    },
    {
      name: 'SQL',
      body: { coupon_code: "REAL' or '1'='1" },
      status: 404,
      code: 'resource_missing',
      loc: ['coupon_code'],
    },
    {
      name: 'a % wildcard',
      body: { coupon_code: '%' },
      status: 404,
      code: 'resource_missing',
      loc: ['coupon_code'],
    },
    {
      name: 'a _ wildcard',
      body: { coupon_code: 'REA_' },
      status: 404,
      code: 'resource_missing',
      loc: ['coupon_code'],
    },
    {
      name: 'surrounding spaces',
      body: { coupon_code: ' REAL ' },
      status: 404,
      code: 'resource_missing',
      loc: ['coupon_code'],
    },
    { name: 'truncated JSON', raw: '{"coupon_code":', status: 400, code: 'body_malformed' },
  ];

  it.each(cases.map((c) => [c.name, c] as const))(
    'refuses %s and changes nothing',
    async (_name, c) => {
      const { testKey: key } = await createTestAccount(server);
      await create(server, key, 'coupons', 'coupon', { code: 'REAL', percent_off: '10' });
      const order = await seedOrder(key);
      const before = await snapshot(key, order.order_id);
      expectRejected(await send(key, 'POST', `/v1/orders/${order.order_id}/coupons`, c), c);
      expect(await snapshot(key, order.order_id)).toEqual(before);
      expect(before.order.coupons).toEqual([]);
    },
  );

  it('DELETE with hostile codes is a 404 and changes nothing', async () => {
    const { testKey: key } = await createTestAccount(server);
    await create(server, key, 'coupons', 'coupon', { code: 'REAL', percent_off: '10' });
    const created = await request(server, 'POST', '/v1/orders', {
      key,
      body: { order: { line_items: [line], coupon_codes: ['REAL'] } },
    });
    expect(created.status, created.text).toBe(200);
    const id = created.body.order.order_id;
    const before = await snapshot(key, id);
    for (const code of ['%', 'REA_', "REAL' or '1'='1", ' REAL']) {
      const res = await request(
        server,
        'DELETE',
        `/v1/orders/${id}/coupons/${encodeURIComponent(code)}`,
        {
          key,
        },
      );
      expectError(res, 404, 'not_found', 'resource_missing', [['coupon_code']]);
    }
    const tooLong = await request(server, 'DELETE', `/v1/orders/${id}/coupons/${'R'.repeat(65)}`, {
      key,
    });
    expectError(tooLong, 422, 'validation_error', 'parameter_invalid', [['code']]);
    expect(await snapshot(key, id)).toEqual(before);
    expect(before.order.coupons.map((c: any) => c.code)).toEqual(['REAL']);
  });
});
