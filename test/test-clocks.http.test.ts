import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILT_IN_JOB_KINDS } from '../src/app/jobs/built-in-job-kinds.js';
import type { JobKind } from '../src/app/jobs/job-kinds.js';
import { runDueJobs } from '../src/app/jobs/run-due-jobs.js';
import { findJob, scheduleJob } from '../src/app/jobs/schedule-jobs.js';
import { clockOf, customerClock } from '../src/app/test-clocks/clock-time.js';
import type { Tenant } from '../src/domain/tenant.js';
import {
  createTestAccount,
  request,
  startTestServer,
  type TestAccount,
  type TestServer,
} from './harness.js';

// Test clocks through the API: a clock's customers live in its time, and advancing it runs
// their scheduled work up to the new time, in order, each job seeing its own time. The job
// kinds here are the tests' own, handed to the server the way a worker gets its kinds.

interface Ran {
  readonly key: string;
  readonly now: string;
  readonly runAt: string;
  readonly clockId: string | null;
}

const ran: Ran[] = [];
/** Held open while a test wants an advance to be under way. */
let gate: Promise<void> | null = null;

/** Records what it saw: its key, its `now()`, its `run_at`, its clock. */
const RECORD: JobKind<{ readonly n: number }> = {
  kind: 'test.clock.record',
  async run(ctx, job) {
    if (gate) await gate;
    ran.push({
      key: job.key,
      now: ctx.deps.clock.now().toISOString(),
      runAt: job.runAt.toISOString(),
      clockId: ctx.deps.clock.id ?? null,
    });
  },
};

/** A monthly renewal: records itself, then schedules the next month by the job's own clock. */
const RENEW: JobKind<{ readonly n: number }> = {
  kind: 'test.clock.renew',
  async run(ctx, job) {
    const now = ctx.deps.clock.now();
    ran.push({
      key: job.key,
      now: now.toISOString(),
      runAt: job.runAt.toISOString(),
      clockId: ctx.deps.clock.id ?? null,
    });
    const next = new Date(now);
    next.setUTCMonth(next.getUTCMonth() + 1);
    await ctx.complete((tx) =>
      import('../src/app/jobs/schedule-jobs.js').then(({ scheduleJobIn }) =>
        scheduleJobIn(tx, ctx.tenant, {
          kind: RENEW,
          key: `${job.key.split(':')[0]}:${job.payload.n + 1}`,
          payload: { n: job.payload.n + 1 },
          runAt: next,
          clockId: ctx.deps.clock.id ?? null,
        }),
      ),
    );
  },
};

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ jobKinds: [...BUILT_IN_JOB_KINDS, RECORD, RENEW] as never });
});
afterAll(() => server.close());

const START = '2030-01-01T00:00:00.000Z';
const day = (n: number) => new Date(Date.parse(START) + n * 86_400_000);

async function call(key: string, method: string, path: string, body?: unknown) {
  return request(server, method, path, { key, body });
}

async function newClock(account: TestAccount, frozenTime = START) {
  const res = await call(account.testKey, 'POST', '/v1/test_helpers/test_clocks', {
    test_clock: { frozen_time: frozenTime, name: 'Monthly plan' },
  });
  expect(res.status, res.text).toBe(200);
  return res.body.test_clock;
}

async function advance(account: TestAccount, clockId: string, to: Date | string) {
  return call(account.testKey, 'POST', `/v1/test_helpers/test_clocks/${clockId}/advance`, {
    test_clock: { frozen_time: typeof to === 'string' ? to : to.toISOString() },
  });
}

function tenantOf(account: TestAccount): Tenant {
  return { accountId: account.accountId, mode: 'test' };
}

async function schedule(account: TestAccount, clockId: string | null, key: string, runAt: Date) {
  return scheduleJob(
    { deps: server.deps, tenant: tenantOf(account) },
    { kind: RECORD, key, payload: { n: 0 }, runAt, clockId },
  );
}

const ranOf = (prefix: string) => ran.filter((r) => r.key.startsWith(prefix));

describe('test clocks', () => {
  it('are made, read, listed, renamed and refused to a live key', async () => {
    const account = await createTestAccount(server);
    const clock = await newClock(account, '2030-01-01T00:00:00.750Z');
    expect(clock).toMatchObject({
      object: 'test_clock',
      name: 'Monthly plan',
      frozen_time: START, // whole seconds
      status: 'ready',
      advancing_to: null,
      test_mode: true,
    });
    expect(clock.test_clock_id).toMatch(/^clock_/);
    const path = `/v1/test_helpers/test_clocks/${clock.test_clock_id}`;
    expect((await call(account.testKey, 'GET', path)).body.test_clock).toEqual(clock);
    const listed = await call(account.testKey, 'GET', '/v1/test_helpers/test_clocks');
    expect(listed.body.test_clocks.map((c: any) => c.test_clock_id)).toEqual([clock.test_clock_id]);
    const renamed = await call(account.testKey, 'PATCH', path, { test_clock: { name: 'Annual' } });
    expect(renamed.body.test_clock.name).toBe('Annual');

    for (const [method, url, body] of [
      ['POST', '/v1/test_helpers/test_clocks', { test_clock: { frozen_time: START } }],
      ['GET', path, undefined],
      ['GET', '/v1/test_helpers/test_clocks', undefined],
      ['POST', `${path}/advance`, { test_clock: { frozen_time: day(1).toISOString() } }],
      ['DELETE', path, undefined],
    ] as const) {
      const res = await call(account.liveKey, method, url, body);
      expect(res.status, `${method} ${url}`).toBe(403);
      expect(res.body.error.code).toBe('test_mode_only');
    }
    const other = await createTestAccount(server);
    expect((await call(other.testKey, 'GET', path)).status).toBe(404);
    const bad = await call(account.testKey, 'POST', '/v1/test_helpers/test_clocks', {
      test_clock: { frozen_time: 'tomorrow' },
    });
    expect(bad.status).toBe(422);
    expect(bad.body.error.errors[0].loc).toEqual(['test_clock', 'frozen_time']);
  });

  it("makes customers in the clock's time; another account's or mode's clock is a 404", async () => {
    const account = await createTestAccount(server);
    const clock = await newClock(account);
    const res = await call(account.testKey, 'POST', '/v1/customers', {
      customer: { email: 'a@example.com', test_clock: clock.test_clock_id },
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body.customer).toMatchObject({
      test_clock: clock.test_clock_id,
      created_at: START,
      balance: 0,
      currency: null,
    });
    const customerId = res.body.customer.customer_id;
    const clockTime = await customerClock(server.deps, tenantOf(account), customerId);
    expect(clockTime).toMatchObject({ id: clock.test_clock_id });
    expect(clockTime.now().toISOString()).toBe(START);
    const plain = await call(account.testKey, 'POST', '/v1/customers', { customer: {} });
    expect(plain.body.customer.test_clock).toBeNull();
    // No clock: real time, marked resolved (a payment of it does not look the clock up again).
    const real = await customerClock(
      server.deps,
      tenantOf(account),
      plain.body.customer.customer_id,
    );
    expect(real).toMatchObject({ resolved: true });
    expect(real.id).toBeUndefined();
    expect(Math.abs(real.now().getTime() - Date.now())).toBeLessThan(60_000);

    const other = await createTestAccount(server);
    for (const key of [other.testKey, account.liveKey]) {
      const refused = await call(key, 'POST', '/v1/customers', {
        customer: { test_clock: clock.test_clock_id },
      });
      expect(refused.status).toBe(404);
      expect(refused.body.error.errors[0].loc).toEqual(['customer', 'test_clock']);
    }
  });

  it('runs the jobs due up to the new time in order, each with now() = its run_at, then is ready', async () => {
    const account = await createTestAccount(server);
    const clock = await newClock(account);
    const id = clock.test_clock_id;
    const prefix = `${id}:`;
    for (const n of [3, 1, 2, 10]) await schedule(account, id, `${prefix}${n}`, day(n));
    const res = await advance(account, id, day(3));
    expect(res.status, res.text).toBe(200);
    expect(res.body.test_clock).toMatchObject({
      frozen_time: day(3).toISOString(),
      status: 'ready',
      advancing_to: null,
    });
    expect(ranOf(prefix)).toEqual(
      [1, 2, 3].map((n) => ({
        key: `${prefix}${n}`,
        now: day(n).toISOString(),
        runAt: day(n).toISOString(),
        clockId: id,
      })),
    );
    const later = await findJob(
      { deps: server.deps, tenant: tenantOf(account) },
      { kind: RECORD.kind, key: `${prefix}10` },
    );
    expect(later?.status).toBe('scheduled');
    const events = await call(account.testKey, 'GET', `/v1/events?object_id=${id}`);
    expect(events.body.events.map((e: any) => e.type).reverse()).toEqual([
      'test_helpers.test_clock.created',
      'test_helpers.test_clock.advancing',
      'test_helpers.test_clock.ready',
    ]);
    expect(events.body.events[0].data.object.frozen_time).toBe(day(3).toISOString());

    // The clock's time is where its customers now live.
    expect((await clockOf(server.deps, tenantOf(account), id)).now()).toEqual(day(3));
    // Backwards, to the same time, or more than five years at once: refused, nothing moves.
    for (const to of [day(3), day(2), day(3 + 5 * 366 + 1)]) {
      const refused = await advance(account, id, to);
      expect(refused.status).toBe(422);
      expect(refused.body.error.code).toBe('parameter_invalid');
      expect(refused.body.error.errors[0].loc).toEqual(['test_clock', 'frozen_time']);
    }
    expect(ranOf(prefix)).toHaveLength(3);
  });

  it('advances many clocks side by side, each running only its own jobs', async () => {
    const account = await createTestAccount(server);
    const [a, b] = [await newClock(account), await newClock(account)];
    for (const clock of [a, b]) {
      for (const n of [1, 2, 5])
        await schedule(account, clock.test_clock_id, `${clock.test_clock_id}:${n}`, day(n));
    }
    const [ra, rb] = await Promise.all([
      advance(account, a.test_clock_id, day(2)),
      advance(account, b.test_clock_id, day(6)),
    ]);
    expect([ra.status, rb.status]).toEqual([200, 200]);
    expect(ranOf(`${a.test_clock_id}:`).map((r) => r.key)).toEqual(
      [1, 2].map((n) => `${a.test_clock_id}:${n}`),
    );
    expect(ranOf(`${b.test_clock_id}:`).map((r) => r.key)).toEqual(
      [1, 2, 5].map((n) => `${b.test_clock_id}:${n}`),
    );
    expect(ranOf(`${a.test_clock_id}:`).every((r) => r.clockId === a.test_clock_id)).toBe(true);
  });

  it("real-time runners never run a clock's jobs, however far past they are", async () => {
    const account = await createTestAccount(server);
    const clock = await newClock(account, '2000-01-01T00:00:00Z');
    const key = `${clock.test_clock_id}:past`;
    await schedule(account, clock.test_clock_id, key, new Date('2000-01-02T00:00:00Z'));
    const realKey = `real:${clock.test_clock_id}`;
    await schedule(account, null, realKey, new Date('2000-01-02T00:00:00Z'));
    const counts = await runDueJobs(server.deps, {
      kinds: [RECORD],
      owner: null,
      scope: { accountIds: [account.accountId] },
    });
    expect(counts.succeeded).toBe(1);
    expect(ran.some((r) => r.key === key)).toBe(false);
    expect(ran.find((r) => r.key === realKey)?.clockId).toBeNull();
    // …and a clock's advance never runs real-time ones.
    await advance(account, clock.test_clock_id, '2000-01-03T00:00:00Z');
    expect(ran.filter((r) => r.key === key)).toHaveLength(1);
  });

  it('refuses a second advance (and a delete) while one runs: 409, never two running jobs', async () => {
    const account = await createTestAccount(server);
    const clock = await newClock(account);
    const id = clock.test_clock_id;
    await schedule(account, id, `${id}:1`, day(1));
    let open = () => {};
    gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    try {
      const first = advance(account, id, day(2));
      await waitForStatus(account, id, 'advancing');
      const shown = await call(account.testKey, 'GET', `/v1/test_helpers/test_clocks/${id}`);
      expect(shown.body.test_clock.advancing_to).toBe(day(2).toISOString());
      const second = await advance(account, id, day(3));
      expect(second.status).toBe(409);
      expect(second.body.error.code).toBe('test_clock_state_invalid');
      const deleted = await call(account.testKey, 'DELETE', `/v1/test_helpers/test_clocks/${id}`);
      expect(deleted.status).toBe(409);
      open();
      expect((await first).body.test_clock.status).toBe('ready');
    } finally {
      gate = null;
      open();
    }
    expect(ranOf(`${id}:`)).toHaveLength(1);
  });

  it('runs what the jobs schedule within the window: twelve monthly renewals in one advance', async () => {
    const account = await createTestAccount(server);
    const clock = await newClock(account);
    const id = clock.test_clock_id;
    await scheduleJob(
      { deps: server.deps, tenant: tenantOf(account) },
      {
        kind: RENEW,
        key: `${id}:1`,
        payload: { n: 1 },
        runAt: new Date('2030-01-15T00:00:00Z'),
        clockId: id,
      },
    );
    const started = performance.now();
    const res = await advance(account, id, '2031-01-10T00:00:00Z');
    const ms = performance.now() - started;
    expect(res.status, res.text).toBe(200);
    const renewals = ranOf(`${id}:`);
    expect(renewals).toHaveLength(12);
    expect(renewals.map((r) => r.now)).toEqual(renewals.map((r) => r.runAt));
    expect(renewals[0]?.now).toBe('2030-01-15T00:00:00.000Z');
    expect(renewals[11]?.now).toBe('2030-12-15T00:00:00.000Z');
    // eslint-disable-next-line no-console
    console.info(`twelve monthly renewals advanced in ${ms.toFixed(0)} ms`);
  });

  it('deletes a clock with its customers and its scheduled work', async () => {
    const account = await createTestAccount(server);
    const clock = await newClock(account);
    const id = clock.test_clock_id;
    const customer = (
      await call(account.testKey, 'POST', '/v1/customers', { customer: { test_clock: id } })
    ).body.customer;
    await schedule(account, id, `${id}:1`, day(1));
    const res = await call(account.testKey, 'DELETE', `/v1/test_helpers/test_clocks/${id}`);
    expect(res.status).toBe(200);
    expect(res.body.test_clock).toEqual({ test_clock_id: id, object: 'test_clock', deleted: true });
    expect((await call(account.testKey, 'GET', `/v1/test_helpers/test_clocks/${id}`)).status).toBe(
      404,
    );
    expect(
      (await call(account.testKey, 'GET', `/v1/customers/${customer.customer_id}`)).status,
    ).toBe(404);
    const job = await findJob(
      { deps: server.deps, tenant: tenantOf(account) },
      { kind: RECORD.kind, key: `${id}:1` },
    );
    expect(job?.status).toBe('canceled');
    expect((await advance(account, id, day(2))).status).toBe(404);
  });

  it("a clock's customer's orders are made, changed, refunded and canceled in the clock's time", async () => {
    const account = await createTestAccount(server);
    const clock = await newClock(account);
    const customer = (
      await call(account.testKey, 'POST', '/v1/customers', {
        customer: { email: 'clock@example.com', test_clock: clock.test_clock_id },
      })
    ).body.customer;
    const order = async () => {
      const res = await call(account.testKey, 'POST', '/v1/orders', {
        order: {
          customer_id: customer.customer_id,
          currency: 'USD',
          line_items: [{ name: 'Mug', quantity: 1, unit_price_money: { amount: 1000 } }],
        },
      });
      expect(res.status, res.text).toBe(200);
      return res.body.order;
    };
    const first = await order();
    expect(first.created_at).toBe(START);
    const paid = await call(account.testKey, 'POST', `/v1/orders/${first.order_id}/pay`, {
      payment: { payment_source_token: 'tok_visa' },
    });
    expect(paid.status, paid.text).toBe(200);
    const refund = await call(account.testKey, 'POST', '/v1/refunds', {
      refund: { order_id: first.order_id, amount: 300 },
    });
    expect(refund.status, refund.text).toBe(200);
    expect(refund.body.refund).toMatchObject({
      status: 'succeeded',
      created_at: START,
      updated_at: START,
    });
    const refundEvents = (
      await call(
        account.testKey,
        'GET',
        `/v1/events?object_id=${refund.body.refund.refund_id}&limit=10`,
      )
    ).body.events;
    expect(refundEvents.length).toBeGreaterThan(0);
    expect(new Set(refundEvents.map((e: any) => e.created_at))).toEqual(new Set([START]));
    const second = await order();
    const updated = await call(account.testKey, 'PATCH', `/v1/orders/${second.order_id}`, {
      order: { metadata: { note: 'gift' } },
    });
    expect(updated.status, updated.text).toBe(200);
    expect(updated.body.order.updated_at).toBe(START);
    const canceled = await call(account.testKey, 'POST', `/v1/orders/${second.order_id}/cancel`);
    expect(canceled.status, canceled.text).toBe(200);
    const events = (
      await call(account.testKey, 'GET', `/v1/events?object_id=${second.order_id}&limit=10`)
    ).body.events;
    expect(events.map((e: any) => [e.type, e.created_at])).toEqual([
      ['order.canceled', START],
      ['order.updated', START],
      ['order.created', START],
    ]);
    // A customer on no clock: today's time.
    const plain = await call(account.testKey, 'POST', '/v1/orders', {
      order: {
        currency: 'USD',
        line_items: [{ name: 'Mug', quantity: 1, unit_price_money: { amount: 1000 } }],
      },
    });
    expect(Math.abs(Date.parse(plain.body.order.created_at) - Date.now())).toBeLessThan(60_000);
  });
});

async function waitForStatus(account: TestAccount, id: string, status: string) {
  for (let i = 0; i < 200; i += 1) {
    const res = await call(account.testKey, 'GET', `/v1/test_helpers/test_clocks/${id}`);
    if (res.body.test_clock.status === status) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`clock ${id} never became ${status}`);
}
