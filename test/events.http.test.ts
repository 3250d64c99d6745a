import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_TYPES } from '../src/domain/event-types.js';
import { expectError } from './catalog-fixtures.js';
import {
  createOrder as createOrderIn,
  createTestAccount,
  oneLine,
  payOrder as payOrderIn,
  request,
  startTestServer,
  type TestServer,
} from './harness.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const get = (key: string, path: string) => request(server, 'GET', path, { key });
const post = (key: string, path: string, body?: unknown) =>
  request(server, 'POST', path, { key, body });

const createOrder = (key: string, amount = 1000, metadata: Record<string, string> = {}) =>
  createOrderIn(server, key, { line_items: oneLine(amount), metadata });
const payOrder = (key: string, orderId: string) => payOrderIn(server, key, orderId);

/** Every event of the key's account and mode, newest first, read page by page. */
async function allEvents(key: string, query = '', limit = 100): Promise<any[]> {
  const events: any[] = [];
  let cursor: string | null = null;
  do {
    const after: string = cursor ? `&starting_after=${cursor}` : '';
    const res = await get(key, `/v1/events?limit=${limit}${query}${after}`);
    expect(res.status, res.text).toBe(200);
    events.push(...res.body.events);
    cursor = res.body.next_cursor;
    expect(res.body.has_more).toBe(cursor !== null);
  } while (cursor);
  return events;
}

const types = (events: readonly any[]) => events.map((e) => e.type);

describe('GET /v1/events', () => {
  it('lists the account’s events newest first, each the same as GET /v1/events/{id}', async () => {
    const { testKey: key, accountId } = await createTestAccount(server);
    const order = await createOrder(key);
    const paid = await payOrder(key, order.order_id);

    const events = await allEvents(key);
    expect(types(events)).toEqual([
      'order.paid',
      'payment_intent.succeeded',
      'payment_intent.created',
      'order.created',
    ]);
    const ids = events.map((e) => e.event_id);
    expect([...ids].sort().reverse()).toEqual(ids);
    for (const event of events) {
      expect(event).toMatchObject({ object: 'event', account_id: accountId, test_mode: true });
      expect(event.event_id).toMatch(/^evt_/);
      expect(new Date(event.created_at).toISOString()).toBe(event.created_at);
      const one = await get(key, `/v1/events/${event.event_id}`);
      expect(one.status).toBe(200);
      expect(one.body).toEqual({ event });
    }
    // The payload is the object exactly as the API showed it at that moment.
    const [orderPaid, intentSucceeded, , orderCreated] = events;
    expect(orderCreated.data).toEqual({ object: order });
    expect(orderPaid.data).toEqual({ object: paid.order });
    expect(intentSucceeded.data.object).toEqual(
      (await get(key, `/v1/payment_intents/${paid.payment_intent.payment_intent_id}`)).body
        .payment_intent,
    );
    expect(orderPaid.data).not.toHaveProperty('previous_attributes');
  });

  it('pages forwards and backwards by event id', async () => {
    const { testKey: key } = await createTestAccount(server);
    for (let i = 0; i < 5; i++) await createOrder(key, 100 + i);
    const all = await allEvents(key);
    expect(all).toHaveLength(5);
    const paged = await allEvents(key, '', 2);
    expect(paged.map((e) => e.event_id)).toEqual(all.map((e) => e.event_id));

    const back = await get(key, `/v1/events?limit=2&ending_before=${all[4].event_id}`);
    expect(back.body.events.map((e: any) => e.event_id)).toEqual([
      all[2].event_id,
      all[3].event_id,
    ]);
    expect(back.body).toMatchObject({ has_more: true, next_cursor: all[2].event_id });
    const first = await get(key, `/v1/events?limit=2&ending_before=${all[2].event_id}`);
    expect(first.body.events.map((e: any) => e.event_id)).toEqual([
      all[0].event_id,
      all[1].event_id,
    ]);
    expect(first.body).toMatchObject({ has_more: false, next_cursor: null });
  });

  it('filters by type (one, or several separated by commas), object and creation time', async () => {
    const { testKey: key } = await createTestAccount(server);
    const a = await createOrder(key);
    const b = await createOrder(key, 2000);
    await payOrder(key, b.order_id);
    const c = await createOrder(key, 3000);
    await post(key, `/v1/orders/${c.order_id}/cancel`);
    const all = await allEvents(key);

    const created = await allEvents(key, '&type=order.created');
    expect(created.map((e) => e.data.object.order_id)).toEqual([
      c.order_id,
      b.order_id,
      a.order_id,
    ]);

    // Several types: one page of each, merged newest first; pages still continue exactly.
    const several = 'order.canceled,payment_intent.created,order.paid';
    const expected = all.filter((e) => several.split(',').includes(e.type));
    expect(types(expected)).toEqual(['order.canceled', 'order.paid', 'payment_intent.created']);
    expect(await allEvents(key, `&type=${several}`)).toEqual(expected);
    expect(await allEvents(key, `&type=${several}`, 1)).toEqual(expected);
    const back = await get(
      key,
      `/v1/events?type=${several}&limit=1&ending_before=${expected[2].event_id}`,
    );
    expect(back.body.events).toEqual([expected[1]]);
    expect(back.body.next_cursor).toBe(expected[1].event_id);
    // A type named twice counts once.
    expect(await allEvents(key, '&type=order.paid,order.paid')).toEqual(
      all.filter((e) => e.type === 'order.paid'),
    );

    const aboutB = await allEvents(key, `&object_id=${b.order_id}`);
    expect(types(aboutB)).toEqual(['order.paid', 'order.created']);
    expect(types(await allEvents(key, `&object_id=${b.order_id}&type=order.paid`))).toEqual([
      'order.paid',
    ]);

    // created_after and created_before are exclusive.
    const times = all.map((e) => e.created_at);
    const middle = all[3];
    const after = await allEvents(key, `&created_after=${middle.created_at}`);
    expect(after).toEqual(all.filter((e) => e.created_at > middle.created_at));
    const before = await allEvents(key, `&created_before=${middle.created_at}`);
    expect(before).toEqual(all.filter((e) => e.created_at < middle.created_at));
    const window = await allEvents(
      key,
      `&created_after=${times[times.length - 1]}&created_before=${times[0]}`,
    );
    expect(window).toEqual(
      all.filter((e) => e.created_at > times[times.length - 1] && e.created_at < times[0]),
    );
    // Any RFC 3339 offset names the same instant.
    const offset = new Date(new Date(middle.created_at).getTime() + 2 * 3600_000)
      .toISOString()
      .replace('Z', '+02:00');
    expect(await allEvents(key, `&created_after=${encodeURIComponent(offset)}`)).toEqual(after);
  });

  it('shows nothing of another account or the other mode: a 404 "event does not exist"', async () => {
    const mine = await createTestAccount(server);
    const theirs = await createTestAccount(server);
    await createOrder(mine.testKey);
    await createOrder(theirs.testKey);
    const [event] = await allEvents(mine.testKey);
    expect(await allEvents(theirs.testKey)).toHaveLength(1);
    expect(await allEvents(mine.liveKey)).toEqual([]);
    for (const key of [theirs.testKey, mine.liveKey]) {
      const res = await get(key, `/v1/events/${event.event_id}`);
      expectError(res, 404, 'not_found', 'resource_missing');
      expect(res.body.error.message).toBe('event does not exist');
    }
    const unknown = await get(mine.testKey, '/v1/events/evt_01h455vb4pex5vsknk084sn02q');
    expectError(unknown, 404, 'not_found', 'resource_missing');
    // A filter on another account's object finds nothing.
    const [theirEvent] = await allEvents(theirs.testKey);
    expect(await allEvents(mine.testKey, `&object_id=${theirEvent.data.object.order_id}`)).toEqual(
      [],
    );
  });

  it('refuses unknown parameters (400) and bad values (422)', async () => {
    const { testKey: key } = await createTestAccount(server);
    expectError(
      await get(key, '/v1/events?sort=type'),
      400,
      'invalid_request',
      'parameter_unknown',
      [['sort']],
    );
    expectError(
      await get(key, '/v1/events?created_at[gte]=2026-01-01T00:00:00Z'),
      400,
      'invalid_request',
      'parameter_unknown',
    );
    const invalid: [string, string][] = [
      ['type=order.shipped', 'type'],
      ['type=order.paid,', 'type'],
      ['type=', 'type'],
      [`type=${EVENT_TYPES.join(',')}`, 'type'],
      ['object_id=ord_123', 'object_id'],
      ['object_id=ORD_01H455VB4PEX5VSKNK084SN02Q', 'object_id'],
      ['created_after=yesterday', 'created_after'],
      ['created_after=2016-12-31T23:59:60Z', 'created_after'], // a leap second: no Date holds it
      ['created_before=2026-01-01', 'created_before'],
      ['created_after=2026-01-02T00:00:00Z&created_before=2026-01-01T00:00:00Z', 'created_before'],
      ['created_after=2026-01-01T00:00:00Z&created_before=2026-01-01T00:00:00Z', 'created_before'],
      ['limit=0', 'limit'],
      ['limit=101', 'limit'],
      ['starting_after=ord_01h455vb4pex5vsknk084sn02q', 'starting_after'],
      [
        'starting_after=evt_01h455vb4pex5vsknk084sn02q&ending_before=evt_01h455vb4pex5vsknk084sn02q',
        'ending_before',
      ],
    ];
    for (const [query, loc] of invalid) {
      const res = await get(key, `/v1/events?${query}`);
      expect(res.status, query).toBe(422);
      expect(res.body.error.type).toBe('validation_error');
      expect(
        res.body.error.errors.map((e: any) => e.loc),
        query,
      ).toContainEqual([loc]);
    }
    const badId = await get(key, '/v1/events/ord_01h455vb4pex5vsknk084sn02q');
    expect(badId.status).toBe(422);
  });
});

describe('previous_attributes', () => {
  it('order.updated carries the changed fields’ values before the change; others none', async () => {
    const { testKey: key } = await createTestAccount(server);
    const order = await createOrder(key, 1000, { crm: '1' });
    const patched = await request(server, 'PATCH', `/v1/orders/${order.order_id}`, {
      key,
      body: { order: { metadata: { crm: '2' } } },
    });
    expect(patched.status).toBe(200);
    const [updated] = await allEvents(key, '&type=order.updated');
    expect(updated.data).toEqual({
      object: patched.body.order,
      previous_attributes: { metadata: { crm: '1' } },
    });

    // A partial payment: the amounts, payments and actions changed; not version or updated_at.
    const part = await post(key, `/v1/orders/${order.order_id}/pay`, {
      payment: { payment_source_token: 'tok_visa', amount: 400 },
    });
    const [paidPart] = await allEvents(key, '&type=order.updated');
    const previous = paidPart.data.previous_attributes;
    expect(paidPart.data.object).toEqual(part.body.order);
    expect(Object.keys(previous).sort()).toEqual(['net_amounts', 'payments']);
    expect(previous.net_amounts).toEqual(patched.body.order.net_amounts);
    // The intent was recorded (processing) before the processor was asked.
    expect(previous.payments).toEqual([
      expect.objectContaining({
        status: 'processing',
        amount_money: { amount: 400, currency: 'USD' },
      }),
    ]);

    const created = (await allEvents(key, '&type=order.created'))[0];
    expect(created.data).not.toHaveProperty('previous_attributes');
  });

  it('refund.updated carries the previous reason and metadata', async () => {
    const { testKey: key } = await createTestAccount(server);
    const order = await createOrder(key);
    const paid = await payOrder(key, order.order_id);
    const refund = await post(key, '/v1/refunds', {
      refund: {
        payment_intent_id: paid.payment_intent.payment_intent_id,
        amount: 300,
        metadata: { rma: 'A' },
      },
    });
    expect(refund.status).toBe(200);
    const patched = await request(server, 'PATCH', `/v1/refunds/${refund.body.refund.refund_id}`, {
      key,
      body: { refund: { reason: 'requested_by_customer', metadata: { rma: 'B', note: 'x' } } },
    });
    expect(patched.status).toBe(200);
    const [updated] = await allEvents(key, '&type=refund.updated');
    expect(updated.data).toEqual({
      object: patched.body.refund,
      previous_attributes: { reason: null, metadata: { rma: 'A' } },
    });
  });
});

describe('the OpenAPI document', () => {
  it('describes both event routes', async () => {
    const spec = (await request(server, 'GET', '/openapi.json')).body;
    expect(Object.keys(spec.paths['/v1/events'])).toEqual(['get']);
    expect(Object.keys(spec.paths['/v1/events/{event_id}'])).toEqual(['get']);
    const names = spec.paths['/v1/events'].get.parameters.map((p: any) => p.name);
    expect(names).toEqual(
      expect.arrayContaining(['type', 'object_id', 'created_after', 'created_before', 'limit']),
    );
  });
});
