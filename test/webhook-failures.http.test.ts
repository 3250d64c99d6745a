import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../src/ports/clock.js';
import { request, testDatabase } from './harness.js';
import { WebhookTestBed } from './webhook-fixtures.js';
import { verified, waitFor } from './webhook-receiver.js';

const bed = new WebhookTestBed();
beforeAll(() => bed.start());
afterEach(() => bed.cleanUp());
afterAll(() => bed.server.close());

const DAY = 24 * 60 * 60 * 1000;

async function eventsOf(accountId: string, type: string) {
  const { db } = await testDatabase();
  return db
    .selectFrom('events')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('type', '=', type)
    .execute();
}

describe('answers that end deliveries', () => {
  it('410 Gone disables the endpoint, ends its pending deliveries and says so in an event', async () => {
    const account = await bed.account();
    const gone = await bed.receiver(() => ({ status: 410 }));
    const endpoint = await bed.endpoint(account.testKey, { url: gone.url });
    const watcher = await bed.receiver();
    const watching = await bed.endpoint(account.testKey, {
      url: watcher.url,
      enabled_events: ['webhook_endpoint.disabled'],
    });
    await bed.order(account.testKey, 'one');
    await bed.order(account.testKey, 'two');
    await bed.worker(account, { concurrency: 1 });
    await waitFor('the disabled event', () => watcher.received.length === 1);

    const event = verified(watching.secret, watcher.received[0] as never);
    expect(event).toMatchObject({
      type: 'webhook_endpoint.disabled',
      data: {
        object: {
          webhook_endpoint_id: endpoint.webhook_endpoint_id,
          status: 'disabled',
          disabled_reason: 'gone',
        },
      },
    });
    expect(event.data.object).not.toHaveProperty('secret');
    expect(gone.received).toHaveLength(1);
    const log = await bed.deliveries(account.testKey, endpoint.webhook_endpoint_id);
    expect(log.map((d) => [d.status, d.attempt_count]).sort()).toEqual([
      ['failed', 0],
      ['failed', 1],
    ]);
    expect(log.find((d) => d.attempt_count === 0)?.last_error).toContain('410');
    expect(await bed.showEndpoint(account.testKey, endpoint.webhook_endpoint_id)).toMatchObject({
      status: 'disabled',
      disabled_reason: 'gone',
    });
    await bed.order(account.testKey, 'three');
    await sleep(200);
    expect(gone.received).toHaveLength(1);
  });

  it('disables an endpoint that has failed for 3 days, with a webhook_endpoint.disabled event', async () => {
    let offset = 0;
    const clock: Clock = { now: () => new Date(Date.now() + offset) };
    const account = await bed.account();
    const failing = await bed.receiver(() => ({ status: 500 }));
    const endpoint = await bed.endpoint(account.testKey, { url: failing.url });
    await bed.order(account.testKey);
    await bed.worker(account, { clock, scheduleMs: [0, ...Array(9).fill(1000)] });
    await waitFor('the first failure', () => failing.received.length === 1);
    await waitFor('the failure streak', async () => {
      const shown = await bed.showEndpoint(account.testKey, endpoint.webhook_endpoint_id);
      return shown.failing_since !== null;
    });
    expect(await eventsOf(account.accountId, 'webhook_endpoint.disabled')).toEqual([]);

    offset = 3 * DAY + 60_000; // three days of failures later, the next attempt fails too
    await waitFor('the disabled endpoint', async () => {
      const shown = await bed.showEndpoint(account.testKey, endpoint.webhook_endpoint_id);
      return shown.status === 'disabled';
    });
    const shown = await bed.showEndpoint(account.testKey, endpoint.webhook_endpoint_id);
    expect(shown.disabled_reason).toBe('failing');
    const [event, ...more] = await eventsOf(account.accountId, 'webhook_endpoint.disabled');
    expect(more).toEqual([]);
    expect(event).toMatchObject({
      object_type: 'webhook_endpoint',
      object_id: endpoint.webhook_endpoint_id,
      actor_type: 'system',
    });
    expect((event?.data as any)?.object.disabled_reason).toBe('failing');
    const [log] = await bed.deliveries(account.testKey, endpoint.webhook_endpoint_id);
    expect(log).toMatchObject({ status: 'failed', attempt_count: 2 });
  });

  it('a disabled or deleted endpoint receives nothing', async () => {
    const account = await bed.account();
    const receiver = await bed.receiver();
    const disabled = await bed.endpoint(account.testKey, { url: receiver.url });
    const deleted = await bed.endpoint(account.testKey, { url: receiver.url });
    await bed.order(account.testKey);
    await request(bed.server, 'PATCH', `/v1/webhook_endpoints/${disabled.webhook_endpoint_id}`, {
      key: account.testKey,
      body: { webhook_endpoint: { disabled: true } },
    });
    await request(bed.server, 'DELETE', `/v1/webhook_endpoints/${deleted.webhook_endpoint_id}`, {
      key: account.testKey,
    });
    await bed.worker(account);
    await bed.order(account.testKey);
    await sleep(300);
    expect(receiver.received).toEqual([]);
  });
});

describe('how attempts are made', () => {
  it('never follows a redirect: a 3xx is a failed attempt', async () => {
    const account = await bed.account();
    const target = await bed.receiver();
    const redirecting = await bed.receiver((n) => ({
      status: n === 0 ? 302 : 307,
      headers: { location: target.url },
    }));
    const endpoint = await bed.endpoint(account.testKey, { url: redirecting.url });
    await bed.order(account.testKey);
    await bed.worker(account, { scheduleMs: [0, 20] });
    await waitFor('failed', async () => {
      const [log] = await bed.deliveries(account.testKey, endpoint.webhook_endpoint_id);
      return log?.status === 'failed';
    });
    const [log] = await bed.deliveries(account.testKey, endpoint.webhook_endpoint_id);
    expect(log.attempts.map((a: any) => [a.response_status, a.error])).toEqual([
      [302, 'redirects are not followed'],
      [307, 'redirects are not followed'],
    ]);
    expect(redirecting.received).toHaveLength(2);
    expect(target.received).toHaveLength(0);
  });

  it('honours Retry-After on 429 and 503 (seconds or a date), and ignores it on other answers', async () => {
    const account = await bed.account();
    const answers = [
      () => ({ status: 503, headers: { 'retry-after': '1' } }),
      // An HTTP date has whole seconds: 2.5 s from now is at least 1.5 s away.
      () => ({
        status: 429,
        headers: { 'retry-after': new Date(Date.now() + 2500).toUTCString() },
      }),
      () => ({ status: 500, headers: { 'retry-after': '30' } }),
    ];
    const receiver = await bed.receiver((n) => answers[n]?.() ?? { status: 200 });
    await bed.endpoint(account.testKey, { url: receiver.url });
    await bed.order(account.testKey);
    await bed.worker(account, { scheduleMs: [0, 20, 20, 20, 20] });
    await waitFor('four attempts', () => receiver.received.length === 4, 20_000);
    const at = receiver.received.map((r) => r.at);
    const gaps = at.slice(1).map((t, i) => t - (at[i] ?? 0));
    expect(gaps[0]).toBeGreaterThanOrEqual(950); // 1 s, not the schedule's 20 ms
    expect(gaps[1]).toBeGreaterThanOrEqual(1450); // until the date
    expect(gaps[2]).toBeLessThan(1000); // a 500's Retry-After is not a reason to wait 30 s
  });

  it('gives up on an attempt after the timeout and retries', async () => {
    const account = await bed.account();
    const receiver = await bed.receiver((n) => ({ status: 200, delayMs: n === 0 ? 3000 : 0 }));
    const endpoint = await bed.endpoint(account.testKey, { url: receiver.url });
    await bed.order(account.testKey);
    await bed.worker(account, { timeoutMs: 300 });
    await waitFor('delivered', async () => {
      const [log] = await bed.deliveries(account.testKey, endpoint.webhook_endpoint_id);
      return log?.status === 'delivered';
    });
    const [log] = await bed.deliveries(account.testKey, endpoint.webhook_endpoint_id);
    const [first, second] = log.attempts;
    expect(first).toMatchObject({ response_status: null, error: 'timed out after 300 ms' });
    expect(first.duration_ms).toBeGreaterThanOrEqual(290);
    expect(first.duration_ms).toBeLessThan(2000);
    expect(second).toMatchObject({ response_status: 200, error: null });
  });

  it('records a refused connection as a failed attempt', async () => {
    const account = await bed.account();
    const closed = await bed.receiver();
    const url = closed.url;
    await closed.close();
    const endpoint = await bed.endpoint(account.testKey, { url });
    await bed.order(account.testKey);
    await bed.worker(account, { scheduleMs: [0] });
    await waitFor('failed', async () => {
      const [log] = await bed.deliveries(account.testKey, endpoint.webhook_endpoint_id);
      return log?.status === 'failed';
    });
    const [log] = await bed.deliveries(account.testKey, endpoint.webhook_endpoint_id);
    expect(log).toMatchObject({ last_error: 'connection refused', last_response_status: null });
  });
});
