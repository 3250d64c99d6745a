import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectError, expectMissing } from './catalog-fixtures.js';
import { request, testDatabase } from './harness.js';
import { WebhookTestBed } from './webhook-fixtures.js';
import { verified, waitFor } from './webhook-receiver.js';

const bed = new WebhookTestBed();
beforeAll(() => bed.start());
afterEach(() => bed.cleanUp());
afterAll(() => bed.server.close());

describe('delivering events', () => {
  it('signs each delivery per Standard Webhooks; the payload is the event as the API shows it', async () => {
    const account = await bed.account();
    const receiver = await bed.receiver();
    const before = await bed.order(account.testKey, 'Before the endpoint');
    const endpoint = await bed.endpoint(account.testKey, { url: receiver.url });
    const order = await bed.order(account.testKey);
    await bed.worker(account);
    await waitFor('the delivery', () => receiver.received.length === 1);

    const [delivery] = receiver.received;
    if (!delivery) throw new Error('no delivery');
    const payload = verified(endpoint.secret, delivery);
    expect(payload).toEqual({
      event_id: expect.stringMatching(/^evt_/),
      object: 'event',
      type: 'order.created',
      account_id: account.accountId,
      test_mode: true,
      created_at: order.created_at,
      object_id: order.order_id,
      sequence: 1, // the order's first event
      data: { object: order },
    });
    expect(delivery.headers['webhook-id']).toBe(payload.event_id);
    expect(delivery.headers['content-type']).toBe('application/json');
    expect(Number(delivery.headers['webhook-timestamp'])).toBeCloseTo(Date.now() / 1000, -2);
    expect(delivery.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    // The event from before the endpoint existed is not sent to it.
    expect(JSON.stringify(receiver.received)).not.toContain(before.order_id);

    await waitFor('the log', async () => {
      const [logged] = await bed.deliveries(account.testKey, endpoint.webhook_endpoint_id);
      return logged?.status === 'delivered';
    });
    const log = await bed.deliveries(account.testKey, endpoint.webhook_endpoint_id);
    expect(log).toEqual([
      expect.objectContaining({
        webhook_delivery_id: expect.stringMatching(/^wdl_/),
        object: 'webhook_delivery',
        webhook_endpoint_id: endpoint.webhook_endpoint_id,
        event_id: payload.event_id,
        event_type: 'order.created',
        status: 'delivered',
        attempt_count: 1,
        next_attempt_at: null,
        last_response_status: 200,
        last_error: null,
        delivered_at: expect.any(String),
        attempts: [
          expect.objectContaining({
            attempt: 1,
            url: receiver.url,
            response_status: 200,
            error: null,
          }),
        ],
      }),
    ]);
  });

  it('sends only the subscribed types, in the mode of the endpoint', async () => {
    const account = await bed.account();
    const receiver = await bed.receiver();
    await bed.endpoint(account.testKey, { url: receiver.url, enabled_events: ['refund.created'] });
    const subscribed = await bed.receiver();
    await bed.endpoint(account.testKey, { url: subscribed.url, enabled_events: ['order.created'] });
    await bed.worker(account);
    await bed.order(account.testKey);
    await bed.order(account.liveKey); // a live event: no live endpoint
    await waitFor('the subscribed delivery', () => subscribed.received.length === 1);
    await sleep(200);
    expect(receiver.received).toEqual([]);
    expect(subscribed.received).toHaveLength(1);
  });

  it('retries on the schedule: 500 five times, then delivered on attempt 6 with one webhook-id', async () => {
    const account = await bed.account();
    const receiver = await bed.receiver((n) => ({
      status: n < 5 ? 500 : 200,
      body: `answer ${n}`,
    }));
    const endpoint = await bed.endpoint(account.testKey, { url: receiver.url });
    await bed.order(account.testKey);
    await bed.worker(account);
    await waitFor('six attempts', () => receiver.received.length === 6);

    const ids = new Set(receiver.received.map((r) => r.headers['webhook-id']));
    expect(ids.size).toBe(1);
    for (const attempt of receiver.received) {
      expect(verified(endpoint.secret, attempt).event_id).toBe([...ids][0]);
    }
    await waitFor('delivered', async () => {
      const [log] = await bed.deliveries(account.testKey, endpoint.webhook_endpoint_id);
      return log?.status === 'delivered';
    });
    const [log] = await bed.deliveries(account.testKey, endpoint.webhook_endpoint_id);
    expect(log.attempt_count).toBe(6);
    expect(log.attempts.map((a: any) => [a.attempt, a.response_status, a.response_body])).toEqual([
      [1, 500, 'answer 0'],
      [2, 500, 'answer 1'],
      [3, 500, 'answer 2'],
      [4, 500, 'answer 3'],
      [5, 500, 'answer 4'],
      [6, 200, 'answer 5'],
    ]);
    await sleep(200);
    expect(receiver.received).toHaveLength(6);
    // A success ends the failure streak.
    expect(
      (await bed.showEndpoint(account.testKey, endpoint.webhook_endpoint_id)).failing_since,
    ).toBeNull();
  });

  it('fails the delivery after the last scheduled attempt, and marks the endpoint failing', async () => {
    const account = await bed.account();
    const receiver = await bed.receiver(() => ({ status: 500 }));
    const endpoint = await bed.endpoint(account.testKey, { url: receiver.url });
    await bed.order(account.testKey);
    await bed.worker(account, { scheduleMs: [0, 20, 20] });
    await waitFor('failed', async () => {
      const [log] = await bed.deliveries(account.testKey, endpoint.webhook_endpoint_id);
      return log?.status === 'failed';
    });
    const [log] = await bed.deliveries(account.testKey, endpoint.webhook_endpoint_id);
    expect(log).toMatchObject({
      attempt_count: 3,
      next_attempt_at: null,
      last_response_status: 500,
    });
    expect(receiver.received).toHaveLength(3);
    const shown = await bed.showEndpoint(account.testKey, endpoint.webhook_endpoint_id);
    expect(shown).toMatchObject({ status: 'enabled', failing_since: log.attempts[0].started_at });
  });

  it("waits the schedule's first delay before the first attempt", async () => {
    const account = await bed.account();
    const receiver = await bed.receiver();
    await bed.endpoint(account.testKey, { url: receiver.url });
    await bed.worker(account, { scheduleMs: [700, 20] });
    const ordered = Date.now();
    await bed.order(account.testKey);
    await waitFor('the delivery', () => receiver.received.length === 1);
    expect((receiver.received[0]?.at ?? 0) - ordered).toBeGreaterThanOrEqual(700);
  });

  it('signs with both secrets for 24 h after a rotation, then with the new one only', async () => {
    const account = await bed.account();
    const receiver = await bed.receiver();
    const endpoint = await bed.endpoint(account.testKey, { url: receiver.url });
    const rotated = await request(
      bed.server,
      'POST',
      `/v1/webhook_endpoints/${endpoint.webhook_endpoint_id}/rotate_secret`,
      { key: account.testKey },
    );
    const newSecret = rotated.body.webhook_endpoint.secret;
    await bed.worker(account);
    await bed.order(account.testKey);
    await waitFor('the delivery', () => receiver.received.length === 1);
    const [during] = receiver.received;
    if (!during) throw new Error('no delivery');
    expect(during.headers['webhook-signature']?.split(' ')).toHaveLength(2);
    expect(verified(endpoint.secret, during).type).toBe('order.created');
    expect(verified(newSecret, during).type).toBe('order.created');

    // The 24 hours pass.
    const { db } = await testDatabase();
    await sql`update webhook_endpoints set previous_secret_expires_at = now() - interval '1 second'
      where id = ${endpoint.webhook_endpoint_id}`.execute(db);
    await bed.order(account.testKey);
    await waitFor('the second delivery', () => receiver.received.length === 2);
    const after = receiver.received[1];
    if (!after) throw new Error('no delivery');
    expect(after.headers['webhook-signature']?.split(' ')).toHaveLength(1);
    expect(verified(newSecret, after).type).toBe('order.created');
    expect(() => verified(endpoint.secret, after)).toThrow('No matching signature found');
  });
});

describe('POST /v1/events/{id}/redeliver', () => {
  it('sends the event again with the same webhook-id, to all subscribed or one endpoint', async () => {
    const account = await bed.account();
    const receiver = await bed.receiver();
    const endpoint = await bed.endpoint(account.testKey, { url: receiver.url });
    const other = await bed.receiver();
    const unsubscribed = await bed.endpoint(account.testKey, {
      url: other.url,
      enabled_events: ['refund.failed'],
    });
    await bed.worker(account);
    await bed.order(account.testKey);
    await waitFor('the delivery', () => receiver.received.length === 1);
    const eventId = receiver.received[0]?.headers['webhook-id'];

    const again = await request(bed.server, 'POST', `/v1/events/${eventId}/redeliver`, {
      key: account.testKey,
    });
    expect(again.status, again.text).toBe(200);
    expect(again.body).toEqual({
      webhook_deliveries: [
        expect.objectContaining({
          webhook_endpoint_id: endpoint.webhook_endpoint_id,
          event_id: eventId,
          status: 'pending',
          attempt_count: 0,
          attempts: [],
        }),
      ],
      has_more: false,
      next_cursor: null,
    });
    await waitFor('the redelivery', () => receiver.received.length === 2);
    expect(receiver.received[1]?.headers['webhook-id']).toBe(eventId);

    // To one endpoint, subscribed or not.
    const one = await request(bed.server, 'POST', `/v1/events/${eventId}/redeliver`, {
      key: account.testKey,
      body: { redelivery: { webhook_endpoint_id: unsubscribed.webhook_endpoint_id } },
    });
    expect(one.body.webhook_deliveries).toHaveLength(1);
    await waitFor('the targeted redelivery', () => other.received.length === 1);
    expect(verified(unsubscribed.secret, other.received[0] as never).event_id).toBe(eventId);
    const log = await bed.deliveries(
      account.testKey,
      endpoint.webhook_endpoint_id,
      `&event_id=${eventId}`,
    );
    expect(log).toHaveLength(2);
  });

  it('answers 404 for an unknown or foreign event or endpoint, 409 for a disabled endpoint', async () => {
    const account = await bed.account();
    const stranger = await bed.account();
    const receiver = await bed.receiver();
    const endpoint = await bed.endpoint(account.testKey, { url: receiver.url });
    await bed.worker(account);
    await bed.order(account.testKey);
    await waitFor('the delivery', () => receiver.received.length === 1);
    const eventId = receiver.received[0]?.headers['webhook-id'];
    const path = `/v1/events/${eventId}/redeliver`;
    for (const key of [stranger.testKey, account.liveKey]) {
      expectMissing(await request(bed.server, 'POST', path, { key }), 'event');
    }
    expectMissing(
      await request(bed.server, 'POST', '/v1/events/evt_01m84sgeyjf21ada62ac1e65xf/redeliver', {
        key: account.testKey,
      }),
      'event',
    );
    const foreign = await bed.endpoint(stranger.testKey, { url: receiver.url });
    expectMissing(
      await request(bed.server, 'POST', path, {
        key: account.testKey,
        body: { redelivery: { webhook_endpoint_id: foreign.webhook_endpoint_id } },
      }),
      'webhook_endpoint',
      ['redelivery', 'webhook_endpoint_id'],
    );
    await request(bed.server, 'PATCH', `/v1/webhook_endpoints/${endpoint.webhook_endpoint_id}`, {
      key: account.testKey,
      body: { webhook_endpoint: { disabled: true } },
    });
    const disabled = await request(bed.server, 'POST', path, {
      key: account.testKey,
      body: { redelivery: { webhook_endpoint_id: endpoint.webhook_endpoint_id } },
    });
    expectError(disabled, 409, 'conflict', 'webhook_endpoint_disabled', [
      ['redelivery', 'webhook_endpoint_id'],
    ]);
    expectError(
      await request(bed.server, 'POST', path, {
        key: account.testKey,
        body: { redelivery: { webhook_endpoint_id: 'nope' } },
      }),
      422,
      'validation_error',
      'parameter_invalid',
      [['redelivery', 'webhook_endpoint_id']],
    );
    // Nothing subscribed and enabled any more: nothing to send.
    const none = await request(bed.server, 'POST', path, { key: account.testKey });
    expect(none.body.webhook_deliveries).toEqual([]);
    expect(receiver.received).toHaveLength(1);
  });
});
