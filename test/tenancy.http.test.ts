import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestAccount,
  request,
  startTestServer,
  type TestResponse,
  type TestServer,
} from './harness.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

function expectCustomerMissing(res: TestResponse) {
  expect(res.status).toBe(404);
  expect(res.body.error).toMatchObject({
    type: 'not_found',
    code: 'resource_missing',
    message: 'customer does not exist',
  });
}

async function createCustomer(key: string, fields: Record<string, unknown> = {}) {
  const res = await request(server, 'POST', '/v1/customers', { key, body: { customer: fields } });
  expect(res.status).toBe(200);
  return res;
}

async function listIds(key: string, query = ''): Promise<string[]> {
  const res = await request(server, 'GET', `/v1/customers?limit=100${query}`, { key });
  expect(res.status).toBe(200);
  return res.body.customers.map((c: any) => c.customer_id);
}

describe('accounts', () => {
  it("answers 404 for another account's customer on GET, PATCH and DELETE and leaves it unchanged", async () => {
    const owner = await createTestAccount(server);
    const intruder = await createTestAccount(server);
    const created = await createCustomer(owner.testKey, {
      email: 'private@example.com',
      name: 'Private',
      metadata: { secret: 'yes' },
    });
    const path = `/v1/customers/${created.body.customer.customer_id}`;

    expectCustomerMissing(await request(server, 'GET', path, { key: intruder.testKey }));
    expectCustomerMissing(
      await request(server, 'PATCH', path, {
        key: intruder.testKey,
        body: { customer: { name: 'Hijacked', metadata: { secret: '' } } },
      }),
    );
    expectCustomerMissing(await request(server, 'DELETE', path, { key: intruder.testKey }));

    const got = await request(server, 'GET', path, { key: owner.testKey });
    expect(got.status).toBe(200);
    expect(got.text).toBe(created.text);
  });

  it("answers 404 for another account's customer with a live key too", async () => {
    const owner = await createTestAccount(server);
    const intruder = await createTestAccount(server);
    const created = await createCustomer(owner.liveKey, { name: 'Live private' });
    const path = `/v1/customers/${created.body.customer.customer_id}`;
    expectCustomerMissing(await request(server, 'GET', path, { key: intruder.liveKey }));
    expectCustomerMissing(await request(server, 'DELETE', path, { key: intruder.liveKey }));
    expect((await request(server, 'GET', path, { key: owner.liveKey })).text).toBe(created.text);
  });

  it('lists only the customers of the calling account', async () => {
    const a = await createTestAccount(server);
    const b = await createTestAccount(server);
    const fromA = (await createCustomer(a.testKey, { email: 'same@example.com' })).body.customer;
    const fromB = (await createCustomer(b.testKey, { email: 'same@example.com' })).body.customer;
    expect(await listIds(a.testKey)).toEqual([fromA.customer_id]);
    expect(await listIds(b.testKey)).toEqual([fromB.customer_id]);
    expect(await listIds(a.testKey, '&email=same@example.com')).toEqual([fromA.customer_id]);
  });

  it("does not page into another account's customers through a foreign cursor", async () => {
    const a = await createTestAccount(server);
    const b = await createTestAccount(server);
    const mine = (await createCustomer(a.testKey)).body.customer;
    const theirs = (await createCustomer(b.testKey)).body.customer;
    // Even when the cursor is the other account's newest customer.
    const res = await request(server, 'GET', `/v1/customers?starting_after=${theirs.customer_id}`, {
      key: a.testKey,
    });
    expect(res.status).toBe(200);
    expect(res.body.customers.map((c: any) => c.customer_id)).toEqual([mine.customer_id]);
  });
});

describe('modes', () => {
  it('hides test-mode customers from a live key', async () => {
    const account = await createTestAccount(server);
    const created = await createCustomer(account.testKey, { name: 'Test only' });
    const path = `/v1/customers/${created.body.customer.customer_id}`;
    expectCustomerMissing(await request(server, 'GET', path, { key: account.liveKey }));
    expectCustomerMissing(
      await request(server, 'PATCH', path, {
        key: account.liveKey,
        body: { customer: { name: 'From live' } },
      }),
    );
    expectCustomerMissing(await request(server, 'DELETE', path, { key: account.liveKey }));
    expect((await request(server, 'GET', path, { key: account.testKey })).text).toBe(created.text);
  });

  it('hides live-mode customers from a test key', async () => {
    const account = await createTestAccount(server);
    const created = await createCustomer(account.liveKey, { name: 'Live only' });
    const path = `/v1/customers/${created.body.customer.customer_id}`;
    expectCustomerMissing(await request(server, 'GET', path, { key: account.testKey }));
    expectCustomerMissing(
      await request(server, 'PATCH', path, {
        key: account.testKey,
        body: { customer: { name: 'From test' } },
      }),
    );
    expectCustomerMissing(await request(server, 'DELETE', path, { key: account.testKey }));
    expect((await request(server, 'GET', path, { key: account.liveKey })).text).toBe(created.text);
  });

  it('lists only the customers of the calling mode', async () => {
    const account = await createTestAccount(server);
    const test = (await createCustomer(account.testKey, { email: 'both@example.com' })).body
      .customer;
    const live = (await createCustomer(account.liveKey, { email: 'both@example.com' })).body
      .customer;
    expect(await listIds(account.testKey)).toEqual([test.customer_id]);
    expect(await listIds(account.liveKey)).toEqual([live.customer_id]);
    expect(await listIds(account.liveKey, '&email=both@example.com')).toEqual([live.customer_id]);
  });

  it('shows an extra key of one mode only that mode', async () => {
    const account = await createTestAccount(server);
    const extra = await request(server, 'POST', '/v1/api_keys', {
      key: account.liveKey,
      body: { api_key: { name: 'second live' } },
    });
    const liveCustomer = (await createCustomer(account.liveKey)).body.customer;
    const testCustomer = (await createCustomer(account.testKey)).body.customer;
    expect(await listIds(extra.body.api_key.secret)).toEqual([liveCustomer.customer_id]);
    expectCustomerMissing(
      await request(server, 'GET', `/v1/customers/${testCustomer.customer_id}`, {
        key: extra.body.api_key.secret,
      }),
    );
  });
});
