import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestAccount, request, startTestServer, type TestServer } from './harness.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

it('creates and reads a customer', async () => {
  const account = await createTestAccount(server);
  const created = await request(server, 'POST', '/v1/customers', {
    key: account.testKey,
    body: { customer: { email: 'a@example.com', name: 'A', metadata: { x: '1' } } },
  });
  expect(created.status).toBe(200);
  const got = await request(server, 'GET', `/v1/customers/${created.body.customer.customer_id}`, {
    key: account.testKey,
  });
  expect(got.body).toEqual(created.body);
  console.log(created.headers, created.body);
  const bad = await request(server, 'POST', '/v1/customers', {
    key: account.testKey,
    body: { customer: { email: 5, foo: 1 } },
  });
  console.log(bad.status, JSON.stringify(bad.body));
  const bad2 = await request(server, 'POST', '/v1/customers', {
    key: account.testKey,
    body: { customer: { email: 5 } },
  });
  console.log(bad2.status, JSON.stringify(bad2.body));
  const bad3 = await request(server, 'POST', '/v1/customers', { key: account.testKey, raw: '{"x' });
  console.log(bad3.status, JSON.stringify(bad3.body));
  const bad4 = await request(server, 'GET', '/v1/nope', { key: account.testKey });
  console.log(bad4.status, JSON.stringify(bad4.body));
  const bad5 = await request(server, 'GET', '/v1/customers', { key: 'sk_test_x' });
  console.log(bad5.status, JSON.stringify(bad5.body));
  const list = await request(server, 'GET', '/v1/customers?limit=1', { key: account.testKey });
  console.log(list.status, JSON.stringify(list.body));
  const big = await request(server, 'POST', '/v1/customers', {
    key: account.testKey,
    raw: JSON.stringify({ customer: { description: 'x'.repeat(2_000_000) } }),
  });
  console.log(big.status, JSON.stringify(big.body));
  const docs = await request(server, 'GET', '/docs');
  console.log(docs.status, docs.text.slice(0, 300));
  const oas = await request(server, 'GET', '/openapi.json');
  console.log(oas.status, Object.keys(oas.body.paths));
});
