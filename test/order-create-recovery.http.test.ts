import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectIdempotencyKey } from '../src/adapters/db/repos/idempotency-repo.js';
import { createTestAccount, request, startTestServer, type TestServer } from './harness.js';
import { keyedPost, withoutSeparateCompletion } from './recovery-fixtures.js';

// A keyed order creation completes its Idempotency-Key in the statement that writes the
// order: a process killed right after it can never leave the order made and its key free,
// so a retry replays the same order instead of making a second one.

let server: TestServer;
let dying: TestServer;
beforeAll(async () => {
  server = await startTestServer();
  dying = await startTestServer({
    deps: { db: withoutSeparateCompletion(server.deps.db), clock: server.deps.clock },
  });
});
afterAll(async () => {
  await dying.close();
  await server.close();
});

const ORDER = {
  order: {
    line_items: [{ name: 'Mug', quantity: 2, unit_price_money: { amount: 1500, currency: 'USD' } }],
  },
};

describe('keyed order creation', () => {
  it('stores its answer with the order; after the process dies the retry replays it, one order', async () => {
    const { accountId, testKey: key } = await createTestAccount(server);
    const created = await keyedPost(dying, key, '/v1/orders', ORDER, 'order-once');
    expect(created.status).toBe(200);
    const row = await selectIdempotencyKey(
      server.deps.db,
      { accountId, mode: 'test' },
      'order-once',
    );
    expect(row).toMatchObject({ state: 'completed', response_status: 200 });
    expect(row?.response_body).toBe(created.text);

    const retried = await keyedPost(server, key, '/v1/orders', ORDER, 'order-once');
    expect(retried.status).toBe(200);
    expect(retried.headers.get('idempotent-replayed')).toBe('true');
    expect(retried.text).toBe(created.text);
    const listed = await request(server, 'GET', '/v1/orders', { key });
    expect(listed.body.orders.map((o: { order_id: string }) => o.order_id)).toEqual([
      created.body.order.order_id,
    ]);
  });

  it('a refused creation stores nothing with an order: the key answers its 4xx once', async () => {
    const { testKey: key } = await createTestAccount(server);
    const bad = { order: { line_items: [{ price_id: `price_0${'0'.repeat(25)}`, quantity: 1 }] } };
    const first = await keyedPost(server, key, '/v1/orders', bad, 'order-refused');
    expect(first.status).toBeGreaterThanOrEqual(400);
    expect(first.status).toBeLessThan(500);
    const again = await keyedPost(server, key, '/v1/orders', bad, 'order-refused');
    expect(again.status).toBe(first.status);
    expect(again.text).toBe(first.text);
    const listed = await request(server, 'GET', '/v1/orders', { key });
    expect(listed.body.orders).toEqual([]);
  });
});
