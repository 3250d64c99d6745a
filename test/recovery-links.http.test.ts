import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError, expectMissing } from './catalog-fixtures.js';
import { Buyer } from './checkout-page-client.js';
import {
  createOrder,
  createPaidOrder,
  createTestAccount,
  liveKeyOf,
  oneLine,
  payOrder,
  type TestServer,
} from './harness.js';
import {
  MINUTE,
  OffsetClock,
  pathOf,
  payOnLinkPage,
  recoveryCalls,
  runJobsUntilNow,
  startRecoveryServer,
} from './recovery-link-fixtures.js';

// Recovery links through the API and their hosted page: made only for an order with a
// balance, the page collects exactly the balance as it is when the buyer pays, and the
// link completes with the order (by any path), expires, or is deactivated.

const clock = new OffsetClock();
let server: TestServer;
beforeAll(async () => {
  server = await startRecoveryServer(clock);
});
afterAll(() => server.close());

async function partlyPaid(key: string, total = 5000, paid = 1500) {
  const order = await createOrder(server, key, { line_items: oneLine(total) });
  await payOrder(server, key, order.order_id, { amount: paid });
  return order;
}

describe('creating a recovery link', () => {
  it('is made for an order with a balance: its amount is the balance, its url the page', async () => {
    clock.offsetMs = 0;
    const { testKey: key } = await createTestAccount(server);
    const api = recoveryCalls(server, key);
    const order = await partlyPaid(key);
    const link = await api.created(order.order_id, { metadata: { campaign: 'winback' } });
    expect(link).toMatchObject({
      object: 'recovery_link',
      order_id: order.order_id,
      status: 'active',
      amount: { amount: 3500, currency: 'USD' },
      source: 'api',
      source_id: null,
      expires_at: null,
      available_actions: ['update', 'complete', 'expire', 'deactivate'],
      metadata: { campaign: 'winback' },
      test_mode: true,
    });
    expect(link.recovery_link_id).toMatch(/^rl_[0-7][0-9a-hjkmnp-tv-z]{25}$/);
    expect(link.url).toMatch(/^https:\/\/pay\.example\/recover\/[A-Za-z0-9_-]{32}$/);
    expect(await api.get(link.recovery_link_id)).toEqual(link);
    expect(await api.eventTypes(link.recovery_link_id)).toEqual(['recovery_link.created']);
    const listed = await api.call('GET', `/v1/orders/${order.order_id}/recovery_links`);
    expect(listed.body.recovery_links.map((l: any) => l.recovery_link_id)).toEqual([
      link.recovery_link_id,
    ]);
  });

  it('refuses an order with no balance (409), another tenant’s or mode’s order (404), bad fields (4xx)', async () => {
    clock.offsetMs = 0;
    const { testKey: key } = await createTestAccount(server);
    const { testKey: otherKey } = await createTestAccount(server);
    const api = recoveryCalls(server, key);
    const paid = await createPaidOrder(server, key);
    expectError(await api.create(paid.order.order_id), 409, 'conflict', 'order_state_invalid');
    const free = await createOrder(server, key, { line_items: oneLine(0) });
    expectError(await api.create(free.order_id), 409, 'conflict', 'order_state_invalid');
    const open = await createOrder(server, key);
    expectMissing(await recoveryCalls(server, otherKey).create(open.order_id), 'order', [
      'order_id',
    ]);
    expectMissing(await recoveryCalls(server, liveKeyOf(key)).create(open.order_id), 'order', [
      'order_id',
    ]);
    const soon = new Date(clock.now().getTime() + 10 * MINUTE).toISOString();
    expectError(
      await api.create(open.order_id, { expires_at: soon }),
      422,
      'validation_error',
      'parameter_invalid',
      [['recovery_link', 'expires_at']],
    );
    for (const far of [
      '9999-12-31T23:59:59Z',
      new Date(clock.now().getTime() + 91 * 24 * 60 * MINUTE).toISOString(),
    ]) {
      expectError(
        await api.create(open.order_id, { expires_at: far }),
        422,
        'validation_error',
        'parameter_invalid',
      );
    }
    const tooMany = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v']));
    expect((await api.create(open.order_id, { metadata: tooMany })).status).toBe(422);
    expect((await api.create(open.order_id, { expires_at: 'tomorrow' })).status).toBe(422);
    const unknown = await api.create(open.order_id, { amount: 5 });
    expect(unknown.status).toBe(400);
    const badId = await api.call('POST', '/v1/orders/ord_nope/recovery_links', {
      recovery_link: {},
    });
    expect(badId.status).toBe(422);
    const none = await api.call('GET', `/v1/orders/${open.order_id}/recovery_links`);
    expect(none.body.recovery_links).toEqual([]); // nothing above made one
    const foreign = await recoveryCalls(server, otherKey).call(
      'GET',
      `/v1/orders/${open.order_id}/recovery_links`,
    );
    expectMissing(foreign, 'order');
  });

  it('answers a retried create with the same link (one Idempotency-Key, one link)', async () => {
    clock.offsetMs = 0;
    const { testKey: key } = await createTestAccount(server);
    const api = recoveryCalls(server, key);
    const order = await partlyPaid(key);
    const headers = { 'idempotency-key': 'rl-create-1' };
    const [a, b] = [
      await api.create(order.order_id, {}, headers),
      await api.create(order.order_id, {}, headers),
    ];
    expect(a.status).toBe(200);
    expect(b.headers.get('idempotent-replayed')).toBe('true');
    expect(b.text).toBe(a.text);
    const all = await api.call('GET', `/v1/recovery_links?order_id=${order.order_id}`);
    expect(all.body.recovery_links).toHaveLength(1);
  });
});

describe('the recovery page', () => {
  it('shows exactly the balance after a partial payment, and paying it completes order and link', async () => {
    clock.offsetMs = 0;
    const { testKey: key } = await createTestAccount(server);
    const api = recoveryCalls(server, key);
    const order = await partlyPaid(key, 5000, 1500);
    const link = await api.created(order.order_id);
    const buyer = new Buyer(server);
    const page = await buyer.get(pathOf(link));
    expect(page.status).toBe(200);
    expect(page.text).toContain('<dd class="total" id="balance">$35.00</dd>');
    expect(page.text).toContain('Pay $35.00');
    // The balance is read when the buyer pays, not when the link was made.
    await payOrder(server, key, order.order_id, { amount: 1000 });
    expect((await api.get(link.recovery_link_id)).amount.amount).toBe(2500);
    const paid = await payOnLinkPage(buyer, pathOf(link));
    expect(paid.status).toBe(303);
    const receipt = await buyer.get(pathOf(link));
    expect(receipt.text).toContain('id="receipt"');
    expect(receipt.text).toContain('Paid $50.00 in all');
    const after = await api.order(order.order_id);
    expect(after.status).toBe('PAID');
    expect(after.payments.map((p: any) => p.amount_money.amount)).toEqual([1500, 1000, 2500]);
    const done = await api.get(link.recovery_link_id);
    expect(done).toMatchObject({
      status: 'completed',
      amount: { amount: 0 },
      available_actions: [],
    });
    expect(await api.eventTypes(link.recovery_link_id)).toEqual([
      'recovery_link.created',
      'recovery_link.completed',
    ]);
  });

  it('a link completes however its order is paid (here the API), once', async () => {
    clock.offsetMs = 0;
    const { testKey: key } = await createTestAccount(server);
    const api = recoveryCalls(server, key);
    const order = await partlyPaid(key);
    const [one, two] = [await api.created(order.order_id), await api.created(order.order_id)];
    await payOrder(server, key, order.order_id);
    for (const link of [one, two]) {
      expect((await api.get(link.recovery_link_id)).status).toBe('completed');
      expect(await api.eventTypes(link.recovery_link_id)).toEqual([
        'recovery_link.created',
        'recovery_link.completed',
      ]);
    }
    const late = await payOnLinkPage(new Buyer(server), pathOf(one)).catch((e: Error) => e);
    expect(late).toBeInstanceOf(Error); // the page has no form any more: nothing to post
  });

  it('a deactivated link’s page takes nothing; deactivating twice is a 409 naming no action', async () => {
    clock.offsetMs = 0;
    const { testKey: key } = await createTestAccount(server);
    const api = recoveryCalls(server, key);
    const order = await partlyPaid(key);
    const link = await api.created(order.order_id);
    const buyer = new Buyer(server);
    const open = await buyer.get(pathOf(link));
    const id = link.recovery_link_id;
    const off = await api.call('POST', `/v1/recovery_links/${id}/deactivate`, {});
    expect(off.body.recovery_link).toMatchObject({ status: 'deactivated', available_actions: [] });
    const page = await buyer.get(pathOf(link));
    expect(page.status).toBe(410);
    expect(page.text).toContain('This link is no longer active');
    const csrf = /name="csrf_token" value="([^"]*)"/.exec(open.text)?.[1] ?? '';
    const attempt = /name="attempt" value="([^"]*)"/.exec(open.text)?.[1] ?? '';
    const posted = await buyer.post(`${pathOf(link)}/pay`, {
      csrf_token: csrf,
      attempt,
      email: 'b@example.com',
      card_number: '4242424242424242',
      card_expiry: '12/30',
      card_cvc: '123',
    });
    expect(posted.status).toBe(409);
    expect((await api.order(order.order_id)).payments).toHaveLength(1);
    const again = await api.call('POST', `/v1/recovery_links/${id}/deactivate`, {});
    expectError(again, 409, 'conflict', 'recovery_link_state_invalid');
    expect(again.body.error.details ?? again.body.error).toBeTruthy();
    const meta = await api.call('PATCH', `/v1/recovery_links/${id}`, {
      recovery_link: { metadata: { note: 'kept' } },
    });
    expect(meta.body.recovery_link.metadata).toEqual({ note: 'kept' });
    expect(await api.eventTypes(id)).toEqual([
      'recovery_link.created',
      'recovery_link.deactivated',
      'recovery_link.updated',
    ]);
    expect((await buyer.get('/recover/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')).status).toBe(404);
  });

  it('expires at expires_at: the page at once, the link when its due job runs', async () => {
    clock.offsetMs = 0;
    const { testKey: key, accountId } = await createTestAccount(server);
    const api = recoveryCalls(server, key);
    const order = await partlyPaid(key);
    const at = new Date(clock.now().getTime() + 60 * MINUTE).toISOString();
    const link = await api.created(order.order_id, { expires_at: at });
    expect(link.expires_at).toBe(at);
    const buyer = new Buyer(server);
    expect((await buyer.get(pathOf(link))).status).toBe(200);
    clock.offsetMs = 61 * MINUTE;
    const page = await buyer.get(pathOf(link));
    expect(page.status).toBe(410);
    expect(page.text).toContain('This link has expired');
    expect((await api.get(link.recovery_link_id)).status).toBe('active');
    const counts = await runJobsUntilNow(server.deps, clock, accountId);
    expect(counts.succeeded).toBe(1);
    expect(await api.get(link.recovery_link_id)).toMatchObject({ status: 'expired' });
    expect(await runJobsUntilNow(server.deps, clock, accountId)).toMatchObject({ succeeded: 0 });
    expect(await api.eventTypes(link.recovery_link_id)).toEqual([
      'recovery_link.created',
      'recovery_link.expired',
    ]);
  });
});

describe('a canceled order', () => {
  it('deactivates its active links with it; its page takes nothing', async () => {
    clock.offsetMs = 0;
    const { testKey: key } = await createTestAccount(server);
    const api = recoveryCalls(server, key);
    const order = await createOrder(server, key);
    const link = await api.created(order.order_id);
    const canceled = await api.call('POST', `/v1/orders/${order.order_id}/cancel`, {});
    expect(canceled.body.order.status).toBe('CANCELED');
    expect(await api.get(link.recovery_link_id)).toMatchObject({ status: 'deactivated' });
    expect(await api.eventTypes(link.recovery_link_id)).toEqual([
      'recovery_link.created',
      'recovery_link.deactivated',
    ]);
    expect((await new Buyer(server).get(pathOf(link))).status).toBe(410);
  });
});
