import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestAccount, request, startTestServer, type TestServer } from './harness.js';

const CUSTOMER_ID = /^cus_[0-9a-z]{26}$/;
const RFC3339_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

async function createCustomer(key: string, fields: Record<string, unknown> = {}) {
  const res = await request(server, 'POST', '/v1/customers', { key, body: { customer: fields } });
  expect(res.status).toBe(200);
  return res.body.customer;
}

async function listAll(key: string, query: string): Promise<any> {
  const res = await request(server, 'GET', `/v1/customers${query}`, { key });
  expect(res.status).toBe(200);
  return res.body;
}

describe('POST /v1/customers', () => {
  it('creates a customer and returns it wrapped in its root key', async () => {
    const account = await createTestAccount(server);
    const res = await request(server, 'POST', '/v1/customers', {
      key: account.testKey,
      body: {
        customer: {
          email: 'ada@example.com',
          name: 'Ada Lovelace',
          phone: '+44 20 7946 0000',
          description: 'First programmer',
          metadata: { crm_id: '42' },
        },
      },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(Object.keys(res.body)).toEqual(['customer']);
    const customer = res.body.customer;
    expect(customer).toEqual({
      customer_id: expect.stringMatching(CUSTOMER_ID),
      object: 'customer',
      email: 'ada@example.com',
      name: 'Ada Lovelace',
      phone: '+44 20 7946 0000',
      description: 'First programmer',
      default_payment_method_id: null,
      balance: 0,
      currency: null,
      test_clock: null,
      metadata: { crm_id: '42' },
      test_mode: true,
      created_at: expect.stringMatching(RFC3339_UTC),
      updated_at: expect.stringMatching(RFC3339_UTC),
    });
    expect(customer.updated_at).toBe(customer.created_at);
  });

  it('creates an empty customer with null fields and empty metadata', async () => {
    const account = await createTestAccount(server);
    const customer = await createCustomer(account.testKey);
    expect(customer).toMatchObject({
      email: null,
      name: null,
      phone: null,
      description: null,
      metadata: {},
      test_mode: true,
    });
  });

  it('treats an empty metadata value on create as unset', async () => {
    const account = await createTestAccount(server);
    const customer = await createCustomer(account.testKey, { metadata: { a: '', b: '1' } });
    expect(customer.metadata).toEqual({ b: '1' });
  });

  it('marks customers created with a live key as live', async () => {
    const account = await createTestAccount(server);
    const customer = await createCustomer(account.liveKey, { name: 'Live' });
    expect(customer.test_mode).toBe(false);
  });

  it('issues a different id for every customer', async () => {
    const account = await createTestAccount(server);
    const ids = new Set<string>();
    for (let i = 0; i < 5; i++) ids.add((await createCustomer(account.testKey)).customer_id);
    expect(ids.size).toBe(5);
  });
});

describe('GET /v1/customers/{customer_id}', () => {
  it('returns exactly what the create returned', async () => {
    const account = await createTestAccount(server);
    const created = await request(server, 'POST', '/v1/customers', {
      key: account.testKey,
      body: { customer: { email: 'a@example.com', name: 'A', metadata: { x: '1' } } },
    });
    const got = await request(server, 'GET', `/v1/customers/${created.body.customer.customer_id}`, {
      key: account.testKey,
    });
    expect(got.status).toBe(200);
    expect(got.body).toEqual(created.body);
  });

  it('is a 404 "customer does not exist" for a well-formed unknown id', async () => {
    const account = await createTestAccount(server);
    const res = await request(server, 'GET', '/v1/customers/cus_01m84sgeyjf21ada62ac1e65xf', {
      key: account.testKey,
    });
    expect(res.status).toBe(404);
    expect(res.body.error).toMatchObject({
      type: 'not_found',
      code: 'resource_missing',
      message: 'customer does not exist',
    });
  });
});

describe('PATCH /v1/customers/{customer_id}', () => {
  it('changes only the given fields, clears null ones and merges metadata', async () => {
    const account = await createTestAccount(server);
    const original = await createCustomer(account.testKey, {
      email: 'old@example.com',
      name: 'Old name',
      phone: '+1 555 0100',
      description: 'keep me',
      metadata: { a: '1', b: '2' },
    });
    const res = await request(server, 'PATCH', `/v1/customers/${original.customer_id}`, {
      key: account.testKey,
      body: { customer: { name: 'New name', phone: null, metadata: { b: '', c: '3' } } },
    });
    expect(res.status).toBe(200);
    expect(res.body.customer).toEqual({
      ...original,
      name: 'New name',
      phone: null,
      metadata: { a: '1', c: '3' },
      updated_at: expect.stringMatching(RFC3339_UTC),
    });
    expect(Date.parse(res.body.customer.updated_at)).toBeGreaterThanOrEqual(
      Date.parse(original.updated_at),
    );
    const got = await request(server, 'GET', `/v1/customers/${original.customer_id}`, {
      key: account.testKey,
    });
    expect(got.body).toEqual(res.body);
  });

  it('leaves every field as it is for an empty update', async () => {
    const account = await createTestAccount(server);
    const original = await createCustomer(account.testKey, {
      email: 'same@example.com',
      metadata: { k: 'v' },
    });
    const res = await request(server, 'PATCH', `/v1/customers/${original.customer_id}`, {
      key: account.testKey,
      body: { customer: {} },
    });
    expect(res.status).toBe(200);
    const { updated_at: _ignored, ...rest } = res.body.customer;
    const { updated_at: _original, ...expected } = original;
    expect(rest).toEqual(expected);
  });

  it('clears email and description with null', async () => {
    const account = await createTestAccount(server);
    const original = await createCustomer(account.testKey, {
      email: 'x@example.com',
      description: 'something',
      name: 'Keep',
    });
    const res = await request(server, 'PATCH', `/v1/customers/${original.customer_id}`, {
      key: account.testKey,
      body: { customer: { email: null, description: null } },
    });
    expect(res.status).toBe(200);
    expect(res.body.customer).toMatchObject({ email: null, description: null, name: 'Keep' });
  });

  it('refuses a metadata merge that would exceed 50 keys and changes nothing', async () => {
    const account = await createTestAccount(server);
    const full = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 'v']));
    const original = await createCustomer(account.testKey, { metadata: full });
    const res = await request(server, 'PATCH', `/v1/customers/${original.customer_id}`, {
      key: account.testKey,
      body: { customer: { name: 'Changed', metadata: { one_too_many: 'v' } } },
    });
    expect(res.status).toBe(422);
    expect(res.body.error.type).toBe('validation_error');
    expect(res.body.error.errors[0].loc).toEqual(['customer', 'metadata']);
    const got = await request(server, 'GET', `/v1/customers/${original.customer_id}`, {
      key: account.testKey,
    });
    expect(got.body.customer).toEqual(original);
  });

  it('accepts a merge that removes as many keys as it adds at the limit', async () => {
    const account = await createTestAccount(server);
    const full = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 'v']));
    const original = await createCustomer(account.testKey, { metadata: full });
    const res = await request(server, 'PATCH', `/v1/customers/${original.customer_id}`, {
      key: account.testKey,
      body: { customer: { metadata: { k0: '', replacement: 'v' } } },
    });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.customer.metadata)).toHaveLength(50);
    expect(res.body.customer.metadata).not.toHaveProperty('k0');
    expect(res.body.customer.metadata.replacement).toBe('v');
  });

  it('is a 404 for an unknown customer', async () => {
    const account = await createTestAccount(server);
    const res = await request(server, 'PATCH', '/v1/customers/cus_01m84sgeyjf21ada62ac1e65xf', {
      key: account.testKey,
      body: { customer: { name: 'x' } },
    });
    expect(res.status).toBe(404);
    expect(res.body.error).toMatchObject({
      type: 'not_found',
      message: 'customer does not exist',
    });
  });
});

describe('DELETE /v1/customers/{customer_id}', () => {
  it('deletes a customer, after which it does not exist anywhere', async () => {
    const account = await createTestAccount(server);
    const customer = await createCustomer(account.testKey, { email: 'gone@example.com' });
    const path = `/v1/customers/${customer.customer_id}`;

    const deleted = await request(server, 'DELETE', path, { key: account.testKey });
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual({
      customer: { customer_id: customer.customer_id, object: 'customer', deleted: true },
    });

    for (const [method, body] of [
      ['GET', undefined],
      ['PATCH', { customer: { name: 'zombie' } }],
      ['DELETE', undefined],
    ] as const) {
      const res = await request(server, method, path, { key: account.testKey, body });
      expect(res.status).toBe(404);
      expect(res.body.error).toMatchObject({
        type: 'not_found',
        code: 'resource_missing',
        message: 'customer does not exist',
      });
    }

    const list = await listAll(account.testKey, '');
    expect(list.customers).toEqual([]);
    const byEmail = await listAll(account.testKey, '?email=gone@example.com');
    expect(byEmail.customers).toEqual([]);
  });

  it('accepts an empty JSON body on DELETE', async () => {
    const account = await createTestAccount(server);
    const customer = await createCustomer(account.testKey);
    const res = await request(server, 'DELETE', `/v1/customers/${customer.customer_id}`, {
      key: account.testKey,
      raw: '',
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(200);
    expect(res.body.customer.deleted).toBe(true);
  });
});

describe('GET /v1/customers', () => {
  it('lists newest first with has_more false and no cursor when everything fits', async () => {
    const account = await createTestAccount(server);
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push((await createCustomer(account.testKey)).customer_id);
    const list = await listAll(account.testKey, '');
    expect(Object.keys(list).sort()).toEqual(['customers', 'has_more', 'next_cursor']);
    expect(list.customers.map((c: any) => c.customer_id)).toEqual([...ids].reverse());
    expect(list.has_more).toBe(false);
    expect(list.next_cursor).toBeNull();
    for (const customer of list.customers) expect(customer.object).toBe('customer');
  });

  it('returns an empty list for an account without customers', async () => {
    const account = await createTestAccount(server);
    expect(await listAll(account.testKey, '')).toEqual({
      customers: [],
      has_more: false,
      next_cursor: null,
    });
  });

  it('filters by email, exact match in any case', async () => {
    const account = await createTestAccount(server);
    const alice = await createCustomer(account.testKey, { email: 'Alice@Example.com' });
    await createCustomer(account.testKey, { email: 'alice@example.com.au' });
    await createCustomer(account.testKey, { email: 'bob@example.com' });
    await createCustomer(account.testKey, { name: 'no email' });

    const exact = await listAll(account.testKey, '?email=ALICE%40example.COM');
    expect(exact.customers.map((c: any) => c.customer_id)).toEqual([alice.customer_id]);
    const prefix = await listAll(account.testKey, '?email=alice');
    expect(prefix.customers).toEqual([]);
  });

  it('defaults to 20 per page', async () => {
    const account = await createTestAccount(server);
    for (let i = 0; i < 21; i++) await createCustomer(account.testKey);
    const list = await listAll(account.testKey, '');
    expect(list.customers).toHaveLength(20);
    expect(list.has_more).toBe(true);
    expect(list.next_cursor).toBe(list.customers[19].customer_id);
    const max = await listAll(account.testKey, '?limit=100');
    expect(max.customers).toHaveLength(21);
    expect(max.has_more).toBe(false);
  });

  it('walks forwards with starting_after: every customer exactly once, newest first', async () => {
    const account = await createTestAccount(server);
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push((await createCustomer(account.testKey)).customer_id);
    const newestFirst = [...ids].reverse();

    const seen: string[] = [];
    const pages: { size: number; has_more: boolean }[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `?limit=3${cursor ? `&starting_after=${cursor}` : ''}`;
      const page = await listAll(account.testKey, query);
      pages.push({ size: page.customers.length, has_more: page.has_more });
      seen.push(...page.customers.map((c: any) => c.customer_id));
      if (page.has_more) expect(page.next_cursor).toBe(seen[seen.length - 1]);
      else expect(page.next_cursor).toBeNull();
      cursor = page.next_cursor;
    } while (cursor && pages.length < 10);

    expect(pages).toEqual([
      { size: 3, has_more: true },
      { size: 3, has_more: true },
      { size: 1, has_more: false },
    ]);
    expect(seen).toEqual(newestFirst);
  });

  it('walks backwards with ending_before: every customer exactly once', async () => {
    const account = await createTestAccount(server);
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push((await createCustomer(account.testKey)).customer_id);
    const oldest = ids[0] as string;

    const first = await listAll(account.testKey, `?limit=3&ending_before=${oldest}`);
    // The three customers just newer than the oldest, still listed newest first.
    expect(first.customers.map((c: any) => c.customer_id)).toEqual([ids[3], ids[2], ids[1]]);
    expect(first.has_more).toBe(true);
    expect(first.next_cursor).toBe(ids[3]);

    const second = await listAll(account.testKey, `?limit=3&ending_before=${first.next_cursor}`);
    expect(second.customers.map((c: any) => c.customer_id)).toEqual([ids[6], ids[5], ids[4]]);
    expect(second.has_more).toBe(false);
    expect(second.next_cursor).toBeNull();
  });

  it('combines the email filter with pagination', async () => {
    const account = await createTestAccount(server);
    const matching: string[] = [];
    for (let i = 0; i < 3; i++) {
      matching.push(
        (await createCustomer(account.testKey, { email: 'dup@example.com' })).customer_id,
      );
      await createCustomer(account.testKey, { email: `other${i}@example.com` });
    }
    const page1 = await listAll(account.testKey, '?email=dup@example.com&limit=2');
    expect(page1.customers.map((c: any) => c.customer_id)).toEqual([matching[2], matching[1]]);
    expect(page1.has_more).toBe(true);
    const page2 = await listAll(
      account.testKey,
      `?email=dup@example.com&limit=2&starting_after=${page1.next_cursor}`,
    );
    expect(page2.customers.map((c: any) => c.customer_id)).toEqual([matching[0]]);
    expect(page2.has_more).toBe(false);
  });

  it('rejects starting_after together with ending_before', async () => {
    const account = await createTestAccount(server);
    const a = await createCustomer(account.testKey);
    const b = await createCustomer(account.testKey);
    const res = await request(
      server,
      'GET',
      `/v1/customers?starting_after=${b.customer_id}&ending_before=${a.customer_id}`,
      { key: account.testKey },
    );
    expect(res.status).toBe(422);
    expect(res.body.error.type).toBe('validation_error');
    expect(res.body.error.errors.map((e: any) => e.loc)).toContainEqual(['ending_before']);
  });

  it.each(['0', '101'])('rejects limit=%s', async (limit) => {
    const account = await createTestAccount(server);
    const res = await request(server, 'GET', `/v1/customers?limit=${limit}`, {
      key: account.testKey,
    });
    expect(res.status).toBe(422);
    expect(res.body.error.type).toBe('validation_error');
    expect(res.body.error.code).toBe('parameter_invalid');
    expect(res.body.error.errors.map((e: any) => e.loc)).toEqual([['limit']]);
  });

  it('accepts limit=1 and limit=100', async () => {
    const account = await createTestAccount(server);
    await createCustomer(account.testKey);
    await createCustomer(account.testKey);
    const one = await listAll(account.testKey, '?limit=1');
    expect(one.customers).toHaveLength(1);
    expect(one.has_more).toBe(true);
    const hundred = await listAll(account.testKey, '?limit=100');
    expect(hundred.customers).toHaveLength(2);
  });
});
