import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  create,
  expectError,
  expectMissing,
  ManualClock,
  RFC3339_UTC,
  walk,
} from './catalog-fixtures.js';
import {
  createOrder as createOrderIn,
  createTestAccount,
  request,
  startTestServer,
  type TestOrderInput,
  type TestServer,
  testDatabase,
} from './harness.js';

/** The order lifecycle (PRODUCT.md §2), the timeline, listing, and concurrent changes. */

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

type Status = 'OPEN' | 'PAID' | 'PARTIALLY_REFUNDED' | 'REFUNDED' | 'CANCELED' | 'CLOSED';

const amounts = (order: any): Record<string, number> =>
  Object.fromEntries(
    Object.entries(order.net_amounts).map(([k, v]: [string, any]) => [k, v.amount]),
  );

const adhoc = (amount: number, quantity = 1) => ({
  name: `Item ${amount}`,
  quantity,
  unit_price_money: { amount },
});

const createOrder = (
  key: string,
  order: TestOrderInput = { line_items: [adhoc(1000)] },
  on: Pick<TestServer, 'url'> = server,
) => createOrderIn(on, key, order);

function patchOrder(key: string, id: string, order: Record<string, unknown>) {
  return request(server, 'PATCH', `/v1/orders/${id}`, { key, body: { order } });
}

function act(key: string, id: string, action: string, body?: unknown) {
  return request(server, 'POST', `/v1/orders/${id}/${action}`, { key, body });
}

async function getOrder(key: string, id: string) {
  const res = await request(server, 'GET', `/v1/orders/${id}`, { key });
  expect(res.status, res.text).toBe(200);
  return res.body.order;
}

async function timeline(key: string, id: string): Promise<any[]> {
  const res = await request(server, 'GET', `/v1/orders/${id}/timeline?limit=100`, { key });
  expect(res.status, res.text).toBe(200);
  return res.body.timeline;
}

/**
 * Payments and refunds have no API yet, so the paid statuses are seeded in the
 * database (with amounts that fit them); everything after that goes through HTTP.
 */
async function seedStatus(key: string, order: any, status: Status): Promise<any> {
  if (status === 'OPEN') return order;
  if (status === 'CANCELED') {
    const res = await act(key, order.order_id, 'cancel');
    expect(res.status, res.text).toBe(200);
    return res.body.order;
  }
  const total = order.net_amounts.total_money.amount;
  const refunded = { PAID: 0, PARTIALLY_REFUNDED: 1, REFUNDED: total, CLOSED: 0 }[status];
  const { db } = await testDatabase();
  await db
    .updateTable('orders')
    .set({
      status: status === 'CLOSED' ? 'PAID' : status,
      paid: total,
      refunded,
      balance: 0,
    })
    .where('id', '=', order.order_id)
    .execute();
  if (status === 'CLOSED') {
    const res = await act(key, order.order_id, 'close');
    expect(res.status, res.text).toBe(200);
    return res.body.order;
  }
  const seeded = await getOrder(key, order.order_id);
  expect(seeded.status).toBe(status);
  return seeded;
}

function expectStateInvalid(res: any, status: Status, allowed: readonly string[]) {
  expectError(res, 409, 'conflict', 'order_state_invalid', [['status']]);
  expect(res.body.error.status).toBe(status);
  expect([...res.body.error.available_actions].sort()).toEqual([...allowed].sort());
}

const PAID_ACTIONS = ['refund', 'close', 'update_metadata'];
const TERMINAL_ACTIONS = ['update_metadata'];
const ACTIONS: Record<Exclude<Status, 'OPEN'>, string[]> = {
  PAID: PAID_ACTIONS,
  PARTIALLY_REFUNDED: PAID_ACTIONS,
  REFUNDED: TERMINAL_ACTIONS,
  CANCELED: TERMINAL_ACTIONS,
  CLOSED: TERMINAL_ACTIONS,
};

describe('available_actions and transitions', () => {
  it('an OPEN order can be updated, given coupons, paid and canceled, not refunded or closed', async () => {
    const { testKey: key } = await createTestAccount(server);
    const order = await createOrder(key);
    expect(order.status).toBe('OPEN');
    expect(order.available_actions).toEqual(
      expect.arrayContaining(['apply_coupon', 'pay', 'cancel', 'update', 'update_metadata']),
    );
    expect(order.available_actions).not.toContain('refund');
    expect(order.available_actions).not.toContain('close');
    const closed = await act(key, order.order_id, 'close');
    expectStateInvalid(closed, 'OPEN', order.available_actions);
    expect(await getOrder(key, order.order_id)).toEqual(order);
  });

  it('cancel: OPEN → CANCELED, once; recorded as order.canceled', async () => {
    const { testKey: key } = await createTestAccount(server);
    const order = await createOrder(key);
    const res = await act(key, order.order_id, 'cancel', {});
    expect(res.status, res.text).toBe(200);
    const canceled = res.body.order;
    expect(canceled).toMatchObject({ status: 'CANCELED', version: 2 });
    expect(canceled.available_actions).toEqual(['update_metadata']);
    expect(amounts(canceled)).toEqual(amounts(order));
    expect(canceled.line_items).toEqual(order.line_items);
    expectStateInvalid(await act(key, order.order_id, 'cancel'), 'CANCELED', TERMINAL_ACTIONS);
    expectStateInvalid(await act(key, order.order_id, 'close'), 'CANCELED', TERMINAL_ACTIONS);
    expect(await getOrder(key, order.order_id)).toEqual(canceled);
    expect((await timeline(key, order.order_id)).map((e) => e.type)).toEqual([
      'order.canceled',
      'order.created',
    ]);
  });

  it.each([
    ['PAID', 'CLOSED'],
    ['PARTIALLY_REFUNDED', 'CLOSED'],
  ] as const)('close: %s → %s, recorded as order.closed', async (from, to) => {
    const { testKey: key } = await createTestAccount(server);
    const order = await seedStatus(key, await createOrder(key), from);
    expect([...order.available_actions].sort()).toEqual([...PAID_ACTIONS].sort());
    expectStateInvalid(await act(key, order.order_id, 'cancel'), from, PAID_ACTIONS);
    const res = await act(key, order.order_id, 'close');
    expect(res.status, res.text).toBe(200);
    expect(res.body.order.status).toBe(to);
    expect(res.body.order.available_actions).toEqual(['update_metadata']);
    expect(res.body.order.version).toBe(order.version + 1);
    expect(amounts(res.body.order)).toEqual(amounts(order));
    const [latest] = await timeline(key, order.order_id);
    expect(latest.type).toBe('order.closed');
    expectStateInvalid(await act(key, order.order_id, 'close'), 'CLOSED', TERMINAL_ACTIONS);
  });

  it.each(['REFUNDED', 'CANCELED', 'CLOSED'] as const)(
    '%s is terminal: neither cancel nor close',
    async (status) => {
      const { testKey: key } = await createTestAccount(server);
      const order = await seedStatus(key, await createOrder(key), status);
      expect(order.available_actions).toEqual(['update_metadata']);
      expectStateInvalid(await act(key, order.order_id, 'cancel'), status, TERMINAL_ACTIONS);
      expectStateInvalid(await act(key, order.order_id, 'close'), status, TERMINAL_ACTIONS);
      expect(await getOrder(key, order.order_id)).toEqual(order);
    },
  );

  it.each(['PAID', 'PARTIALLY_REFUNDED', 'REFUNDED', 'CANCELED', 'CLOSED'] as const)(
    '%s: metadata changes, lines, shipping, tip, customer and coupons do not (409)',
    async (status) => {
      const { testKey: key } = await createTestAccount(server);
      const customer = await create(server, key, 'customers', 'customer', {
        email: 'buyer@example.com',
      });
      const c = await create(server, key, 'coupons', 'coupon', {
        code: `LC_${status}`,
        percent_off: '10',
        stackable: true,
      });
      const other = await create(server, key, 'coupons', 'coupon', {
        code: `LD_${status}`,
        percent_off: '10',
        stackable: true,
      });
      const order = await seedStatus(
        key,
        await createOrder(key, {
          line_items: [adhoc(1000)],
          coupon_codes: [c.code],
          metadata: { a: '1', b: '2' },
        }),
        status,
      );
      const allowed = ACTIONS[status];
      for (const change of [
        { line_items: [adhoc(5)] },
        { shipping_money: { amount: 1 } },
        { tip_money: { amount: 1 } },
        { customer_id: customer.customer_id },
        { customer_id: null },
        { tip_money: { amount: 1 }, metadata: { sneaky: 'yes' } },
      ]) {
        expectStateInvalid(await patchOrder(key, order.order_id, change), status, allowed);
      }
      expectStateInvalid(
        await request(server, 'POST', `/v1/orders/${order.order_id}/coupons`, {
          key,
          body: { coupon_code: other.code },
        }),
        status,
        allowed,
      );
      expectStateInvalid(
        await request(server, 'DELETE', `/v1/orders/${order.order_id}/coupons/${c.code}`, { key }),
        status,
        allowed,
      );
      expect(await getOrder(key, order.order_id)).toEqual(order);
      const entries = await timeline(key, order.order_id);
      expect(entries).toHaveLength(order.version);

      const res = await patchOrder(key, order.order_id, { metadata: { b: '', c: '3' } });
      expect(res.status, res.text).toBe(200);
      expect(res.body.order).toMatchObject({
        status,
        version: order.version + 1,
        metadata: { a: '1', c: '3' },
      });
      expect(Object.keys(res.body.order.metadata).sort()).toEqual(['a', 'c']);
      expect(res.body.order.net_amounts).toEqual(order.net_amounts);
      expect(res.body.order.line_items).toEqual(order.line_items);
      expect(await timeline(key, order.order_id)).toHaveLength(order.version + 1);
    },
  );

  it('OPEN: metadata merges too, and "" removes a key', async () => {
    const { testKey: key } = await createTestAccount(server);
    const order = await createOrder(key, { line_items: [adhoc(1)], metadata: { a: '1' } });
    const res = await patchOrder(key, order.order_id, { metadata: { a: '', b: '2' } });
    expect(res.status, res.text).toBe(200);
    expect(res.body.order.metadata).toEqual({ b: '2' });
    expect(res.body.order.version).toBe(2);
  });
});

describe('timeline', () => {
  async function history() {
    const account = await createTestAccount(server);
    const a = account.testKey;
    const keys = await request(server, 'GET', '/v1/api_keys', { key: a });
    expect(keys.status, keys.text).toBe(200);
    const keyA = keys.body.api_keys.find((k: any) => k.test_mode).api_key_id;
    const second = await request(server, 'POST', '/v1/api_keys', {
      key: a,
      body: { api_key: { name: 'second' } },
    });
    expect(second.status, second.text).toBe(200);
    const b = second.body.api_key.secret as string;
    const keyB = second.body.api_key.api_key_id as string;
    await create(server, a, 'coupons', 'coupon', { code: 'TEN', percent_off: '10' });

    const steps: { type: string; actor: string; order: any }[] = [];
    const order = await createOrder(a, { line_items: [adhoc(1000), adhoc(500, 2)] });
    steps.push({ type: 'order.created', actor: keyA, order });
    const record = (actor: string, type: string, res: any) => {
      expect(res.status, res.text).toBe(200);
      steps.push({ type, actor, order: res.body.order });
    };
    const id = order.order_id;
    record(keyB, 'order.updated', await patchOrder(b, id, { tip_money: { amount: 150 } }));
    record(keyA, 'order.updated', await act(a, id, 'coupons', { coupon_code: 'ten' }));
    record(keyB, 'order.updated', await patchOrder(b, id, { line_items: [adhoc(3000)] }));
    record(
      keyA,
      'order.updated',
      await request(server, 'DELETE', `/v1/orders/${id}/coupons/TEN`, { key: a }),
    );
    record(keyB, 'order.updated', await patchOrder(b, id, { metadata: { k: 'v' } }));
    record(keyA, 'order.canceled', await act(a, id, 'cancel'));
    record(keyB, 'order.updated', await patchOrder(b, id, { metadata: { k: 'w' } }));
    return { account, a, b, id, steps };
  }

  it('lists every change newest first: type, the key that made it, amounts before and after', async () => {
    const { a, id, steps } = await history();
    const entries = await timeline(a, id);
    expect(entries).toHaveLength(steps.length);
    const expected = [...steps].reverse();
    entries.forEach((entry, i) => {
      const step = expected[i] as (typeof steps)[number];
      const previous = expected[i + 1];
      expect(entry).toEqual({
        event_id: expect.stringMatching(/^evt_[0-9a-z]{26}$/),
        object: 'timeline_entry',
        type: step.type,
        actor: { type: 'api_key', id: step.actor },
        amounts_before: previous ? previous.order.net_amounts : null,
        amounts_after: step.order.net_amounts,
        created_at: expect.stringMatching(RFC3339_UTC),
      });
    });
    const ids = entries.map((e) => e.event_id);
    expect(ids).toEqual([...ids].sort().reverse());
    const times = entries.map((e) => Date.parse(e.created_at));
    expect(times).toEqual([...times].sort((x, y) => y - x));
    // The amounts really moved: tip, coupon, new lines, coupon removed.
    expect(entries.map((e) => e.amounts_after.total_money.amount)).toEqual([
      3150, 3150, 3150, 3150, 2850, 1950, 2150, 2000,
    ]);
  });

  it('paginates with limit and starting_after (and back with ending_before)', async () => {
    const { a, id } = await history();
    const all = (await timeline(a, id)).map((e) => e.event_id);
    const ids: string[] = [];
    const sizes: number[] = [];
    let cursor: string | null = null;
    do {
      const page: any = await request(
        server,
        'GET',
        `/v1/orders/${id}/timeline?limit=3${cursor ? `&starting_after=${cursor}` : ''}`,
        { key: a },
      );
      expect(page.status, page.text).toBe(200);
      const pageIds = page.body.timeline.map((e: any) => e.event_id);
      ids.push(...pageIds);
      sizes.push(pageIds.length);
      expect(page.body.next_cursor).toBe(page.body.has_more ? pageIds[pageIds.length - 1] : null);
      cursor = page.body.next_cursor;
    } while (cursor && sizes.length < 10);
    expect(ids).toEqual(all);
    expect(sizes).toEqual([3, 3, 2]);
    const back = await request(
      server,
      'GET',
      `/v1/orders/${id}/timeline?limit=2&ending_before=${all[4]}`,
      { key: a },
    );
    expect(back.status, back.text).toBe(200);
    expect(back.body.timeline.map((e: any) => e.event_id)).toEqual(all.slice(2, 4));
    expect(back.body.has_more).toBe(true);
  });

  it("another tenant's order, or the live mode's view of a test order, is a 404", async () => {
    const { account, id } = await history();
    const stranger = await createTestAccount(server);
    for (const key of [stranger.testKey, stranger.liveKey, account.liveKey]) {
      expectMissing(await request(server, 'GET', `/v1/orders/${id}/timeline`, { key }), 'order');
    }
  });

  it('failed changes leave no entry and no new version', async () => {
    const { testKey: key } = await createTestAccount(server);
    const order = await createOrder(key);
    expectStateInvalid(await act(key, order.order_id, 'close'), 'OPEN', order.available_actions);
    expectMissing(await act(key, order.order_id, 'coupons', { coupon_code: 'NOPE' }), 'coupon', [
      'coupon_code',
    ]);
    const tooLarge = await patchOrder(key, order.order_id, {
      line_items: [adhoc(99_999_999_999, 2)],
    });
    expectError(tooLarge, 422, 'validation_error', 'parameter_invalid', [['order', 'line_items']]);
    const negative = await patchOrder(key, order.order_id, { tip_money: { amount: -1 } });
    expectError(negative, 422, 'validation_error', 'parameter_invalid', [
      ['order', 'tip_money', 'amount'],
    ]);
    expect(await timeline(key, order.order_id)).toHaveLength(1);
    expect(await getOrder(key, order.order_id)).toEqual(order);
  });
});

describe('tenancy', () => {
  it("another account's order is a 404 for every order endpoint, and stays as it was", async () => {
    const owner = await createTestAccount(server);
    const stranger = await createTestAccount(server);
    const order = await createOrder(owner.testKey);
    const id = order.order_id;
    for (const key of [stranger.testKey, owner.liveKey]) {
      expectMissing(await request(server, 'GET', `/v1/orders/${id}`, { key }), 'order');
      expectMissing(await patchOrder(key, id, { metadata: { x: 'y' } }), 'order');
      expectMissing(await act(key, id, 'cancel'), 'order');
      expectMissing(await act(key, id, 'close'), 'order');
      expectMissing(await act(key, id, 'coupons', { coupon_code: 'ANY' }), 'order');
      expectMissing(
        await request(server, 'DELETE', `/v1/orders/${id}/coupons/ANY`, { key }),
        'order',
      );
    }
    expect(await getOrder(owner.testKey, id)).toEqual(order);
    expect(await timeline(owner.testKey, id)).toHaveLength(1);
  });
});

describe('GET /v1/orders', () => {
  it('filters by status, newest first', async () => {
    const { testKey: key } = await createTestAccount(server);
    const first = await createOrder(key);
    const second = await createOrder(key);
    const third = await createOrder(key);
    expect((await act(key, second.order_id, 'cancel')).status).toBe(200);
    const open = await request(server, 'GET', '/v1/orders?status=OPEN', { key });
    expect(open.status, open.text).toBe(200);
    expect(open.body.orders.map((o: any) => o.order_id)).toEqual([third.order_id, first.order_id]);
    expect(open.body).toMatchObject({ has_more: false, next_cursor: null });
    const canceled = await request(server, 'GET', '/v1/orders?status=CANCELED', { key });
    expect(canceled.body.orders.map((o: any) => [o.order_id, o.status])).toEqual([
      [second.order_id, 'CANCELED'],
    ]);
    const paid = await request(server, 'GET', '/v1/orders?status=PAID', { key });
    expect(paid.body.orders).toEqual([]);
    const listed = open.body.orders[0];
    expect(listed).toEqual(await getOrder(key, third.order_id));
  });

  it('filters by customer', async () => {
    const { testKey: key } = await createTestAccount(server);
    const customer = await create(server, key, 'customers', 'customer', { email: 'a@example.com' });
    const other = await create(server, key, 'customers', 'customer', { email: 'b@example.com' });
    const a1 = await createOrder(key, {
      customer_id: customer.customer_id,
      line_items: [adhoc(1)],
    });
    await createOrder(key, { customer_id: other.customer_id, line_items: [adhoc(1)] });
    await createOrder(key);
    const a2 = await createOrder(key, { line_items: [adhoc(2)] });
    const attached = await patchOrder(key, a2.order_id, { customer_id: customer.customer_id });
    expect(attached.status, attached.text).toBe(200);
    const res = await request(server, 'GET', `/v1/orders?customer=${customer.customer_id}`, {
      key,
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body.orders.map((o: any) => o.order_id)).toEqual([a2.order_id, a1.order_id]);
    expect(res.body.orders.every((o: any) => o.customer_id === customer.customer_id)).toBe(true);
    const detached = await patchOrder(key, a1.order_id, { customer_id: null });
    expect(detached.body.order.customer_id).toBeNull();
    const after = await request(server, 'GET', `/v1/orders?customer=${customer.customer_id}`, {
      key,
    });
    expect(after.body.orders.map((o: any) => o.order_id)).toEqual([a2.order_id]);
  });

  it('filters by created_gte (inclusive) and created_lt (exclusive)', async () => {
    const { db } = await testDatabase();
    const clock = new ManualClock(new Date('2034-05-01T00:00:00Z'));
    const timed = await startTestServer({ deps: { db, clock } });
    try {
      const { testKey: key } = await createTestAccount(timed);
      const at = [
        '2034-05-01T00:00:00.000Z',
        '2034-05-02T00:00:00.000Z',
        '2034-05-03T00:00:00.000Z',
      ];
      const ids: string[] = [];
      for (const t of at) {
        clock.set(new Date(t));
        const order = await createOrder(key, { line_items: [adhoc(1)] }, timed);
        expect(order.created_at).toBe(t);
        ids.push(order.order_id);
      }
      const list = async (query: string) => {
        const res = await request(timed, 'GET', `/v1/orders?${query}`, { key });
        expect(res.status, res.text).toBe(200);
        return res.body.orders.map((o: any) => o.order_id);
      };
      expect(await list(`created_gte=${at[1]}`)).toEqual([ids[2], ids[1]]);
      expect(await list(`created_lt=${at[1]}`)).toEqual([ids[0]]);
      expect(await list(`created_gte=${at[0]}&created_lt=${at[2]}`)).toEqual([ids[1], ids[0]]);
      expect(await list('created_gte=2034-05-02T00:00:00.001Z')).toEqual([ids[2]]);
      expect(await list('created_lt=2034-05-01T00:00:00Z')).toEqual([]);
      const bad = await request(timed, 'GET', '/v1/orders?created_gte=yesterday', { key });
      expectError(bad, 422, 'validation_error', 'parameter_invalid', [['created_gte']]);
    } finally {
      await timed.close();
    }
  });

  it('paginates newest first with limit and starting_after', async () => {
    const { testKey: key } = await createTestAccount(server);
    const created: string[] = [];
    for (let i = 0; i < 5; i++) created.push((await createOrder(key)).order_id);
    const { ids, sizes } = await walk(server, key, 'orders', 'order_id', 'limit=2');
    expect(ids).toEqual([...created].reverse());
    expect(sizes).toEqual([2, 2, 1]);
  });

  it('the live key sees none of the test orders', async () => {
    const account = await createTestAccount(server);
    const order = await createOrder(account.testKey);
    const live = await request(server, 'GET', '/v1/orders', { key: account.liveKey });
    expect(live.status, live.text).toBe(200);
    expect(live.body.orders).toEqual([]);
    expectMissing(
      await request(server, 'GET', `/v1/orders/${order.order_id}`, { key: account.liveKey }),
      'order',
    );
    const liveOrder = await createOrder(account.liveKey);
    expect(liveOrder.test_mode).toBe(false);
    const test = await request(server, 'GET', '/v1/orders', { key: account.testKey });
    expect(test.body.orders.map((o: any) => o.order_id)).toEqual([order.order_id]);
  });
});

describe('concurrency', () => {
  it('parallel cancel and PATCH: either updated then canceled, or canceled unchanged', async () => {
    const { testKey: key } = await createTestAccount(server);
    for (let round = 0; round < 8; round++) {
      const order = await createOrder(key, { line_items: [adhoc(1000)] });
      const id = order.order_id;
      const patch = () =>
        patchOrder(key, id, { line_items: [adhoc(2500, 2)], metadata: { round: String(round) } });
      const cancel = () => act(key, id, 'cancel');
      const [patched, canceled] =
        round % 2 === 0
          ? await Promise.all([patch(), cancel()])
          : await Promise.all([cancel(), patch()]).then(([c, p]) => [p, c] as const);
      expect(canceled.status, canceled.text).toBe(200);
      const final = await getOrder(key, id);
      const entries = await timeline(key, id);
      expect(final.status).toBe('CANCELED');
      expect(final).toEqual(canceled.body.order);
      if (patched.status === 200) {
        expect(patched.body.order.version).toBe(2);
        expect(final.version).toBe(3);
        expect(final.line_items.map((l: any) => l.quantity)).toEqual([2]);
        expect(amounts(final).total_money).toBe(5000);
        expect(final.metadata).toEqual({ round: String(round) });
        expect(entries.map((e) => e.type)).toEqual([
          'order.canceled',
          'order.updated',
          'order.created',
        ]);
      } else {
        expectStateInvalid(patched, 'CANCELED', TERMINAL_ACTIONS);
        expect(final.version).toBe(2);
        expect(final.line_items).toEqual(order.line_items);
        expect(final.metadata).toEqual({});
        expect(entries.map((e) => e.type)).toEqual(['order.canceled', 'order.created']);
      }
      expect(entries).toHaveLength(final.version);
    }
  });

  it('ten parallel tip PATCHes and a cancel: every version accounted for, none lost', async () => {
    const { testKey: key } = await createTestAccount(server);
    const order = await createOrder(key, { line_items: [adhoc(1000)] });
    const id = order.order_id;
    const results = await Promise.all([
      ...Array.from({ length: 10 }, (_, i) =>
        patchOrder(key, id, { tip_money: { amount: i + 1 }, metadata: { [`k${i}`]: 'v' } }),
      ),
      act(key, id, 'cancel'),
    ]);
    const cancel = results[10] as (typeof results)[number];
    expect(cancel.status, cancel.text).toBe(200);
    const patches = results.slice(0, 10);
    const applied = patches.filter((r) => r.status === 200);
    for (const r of patches.filter((x) => x.status !== 200)) {
      expectStateInvalid(r, 'CANCELED', TERMINAL_ACTIONS);
    }
    const final = await getOrder(key, id);
    expect(final.version).toBe(1 + applied.length + 1);
    expect(cancel.body.order.version).toBe(final.version);
    const versions = applied.map((r) => r.body.order.version).sort((x, y) => x - y);
    expect(versions).toEqual(Array.from({ length: applied.length }, (_, i) => i + 2));
    expect(Object.keys(final.metadata)).toHaveLength(applied.length);
    expect(await timeline(key, id)).toHaveLength(final.version);
  });
});
