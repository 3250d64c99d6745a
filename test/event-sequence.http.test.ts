import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createOrder,
  createTestAccount,
  oneLine,
  payOrder,
  request,
  startTestServer,
  type TestServer,
} from './harness.js';

// Each event of an object carries its number among that object's events (`sequence`: 1,
// 2, 3… in the order they were recorded), so a receiver can drop one that arrives after a
// newer one. Through the API: an order's, its payments' and its refunds' events are each
// numbered on their own, and two orders' events interleave with independent numbers.

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

/** Every event of the key's account and mode, oldest first. */
async function eventsOf(key: string, query = ''): Promise<any[]> {
  const events: any[] = [];
  let cursor: string | null = null;
  do {
    const after: string = cursor ? `&starting_after=${cursor}` : '';
    const res = await request(server, 'GET', `/v1/events?limit=100${query}${after}`, { key });
    expect(res.status, res.text).toBe(200);
    events.push(...res.body.events);
    cursor = res.body.next_cursor;
  } while (cursor);
  return events.reverse();
}

/** `type #sequence` of each event, oldest first. */
const numbered = (events: readonly any[]) => events.map((e) => `${e.type} #${e.sequence}`);

/** The events about `objectId`, oldest first. */
const about = (events: readonly any[], objectId: string) =>
  events.filter((e) => e.object_id === objectId);

const patch = (key: string, orderId: string, crm: string) =>
  request(server, 'PATCH', `/v1/orders/${orderId}`, {
    key,
    body: { order: { metadata: { crm } } },
  });

describe('event sequence numbers', () => {
  it("number an order's lifecycle 1, 2, 3…, and its payments' and refunds' on their own", async () => {
    const { testKey: key } = await createTestAccount(server);
    const order = await createOrder(server, key, { line_items: oneLine(3000) });
    const orderId = order.order_id;
    expect((await patch(key, orderId, '1')).status).toBe(200);
    const first = await payOrder(server, key, orderId, { amount: 1000 });
    const second = await payOrder(server, key, orderId);
    const offline = await request(server, 'POST', '/v1/refunds', {
      key,
      body: { refund: { order_id: orderId, amount: 500, method: 'cash' } },
    });
    expect(offline.status, offline.text).toBe(200);
    const refundId = offline.body.refund.refund_id;

    const events = await eventsOf(key);
    expect(numbered(about(events, orderId))).toEqual([
      'order.created #1',
      'order.updated #2',
      'order.updated #3', // the first, partial payment
      'order.paid #4',
      'order.partially_refunded #5',
    ]);
    for (const { payment_intent: intent } of [first, second]) {
      expect(numbered(about(events, intent.payment_intent_id))).toEqual([
        'payment_intent.created #1',
        'payment_intent.succeeded #2',
      ]);
    }
    // Written in one insert, numbered in the order given.
    expect(numbered(about(events, refundId))).toEqual(['refund.created #1', 'refund.succeeded #2']);

    // Each is an integer ≥ 1 on the wire, the same in GET /v1/events/{id}, and the
    // `object_id` filter answers exactly the object's events.
    for (const event of events) {
      expect(Number.isInteger(event.sequence) && event.sequence >= 1).toBe(true);
      const one = await request(server, 'GET', `/v1/events/${event.event_id}`, { key });
      expect(one.body.event).toEqual(event);
      const object = event.data.object;
      expect(event.object_id).toBe(object[`${object.object}_id`]);
    }
    expect(await eventsOf(key, `&object_id=${orderId}`)).toEqual(about(events, orderId));
  });

  it("interleave two objects' events with independent numbers", async () => {
    const { testKey: key } = await createTestAccount(server);
    const a = (await createOrder(server, key)).order_id;
    const b = (await createOrder(server, key)).order_id;
    for (const [orderId, crm] of [
      [a, '1'],
      [b, '1'],
      [a, '2'],
      [a, '3'],
      [b, '2'],
    ] as const) {
      expect((await patch(key, orderId, crm)).status).toBe(200);
    }
    const events = await eventsOf(key);
    expect(events.map((e) => `${e.object_id === a ? 'A' : 'B'} #${e.sequence}`)).toEqual([
      'A #1',
      'B #1',
      'A #2',
      'B #2',
      'A #3',
      'A #4',
      'B #3',
    ]);
    // The number is the order's version: one event per version, in commit order.
    for (const event of events) expect(event.sequence).toBe(event.data.object.version);
  });

  it('number concurrent changes of one order gaplessly, in the order they committed', async () => {
    const { testKey: key } = await createTestAccount(server);
    const orderId = (await createOrder(server, key)).order_id;
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) => patch(key, orderId, String(i))),
    );
    expect(answers.map((r) => r.status)).toEqual(Array(12).fill(200));
    const events = await eventsOf(key, `&object_id=${orderId}`);
    expect(events.map((e) => e.sequence).sort((x, y) => x - y)).toEqual(
      Array.from({ length: 13 }, (_, i) => i + 1),
    );
    for (const event of events) expect(event.sequence).toBe(event.data.object.version);
  });
});
