import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/adapters/db/database.js';
import type { Database } from '../src/adapters/db/schema.js';
import {
  exitOf,
  flintEnvironment,
  migrateFlint,
  startFlint,
  startWorker,
} from './flint-process.js';
import { waitFor } from './webhook-receiver.js';

// Exactly once, across processes (issue 18): real-time subscriptions (no test clock) all
// due at the same instant, renewed by three `flint worker` processes on one PostgreSQL, one
// of them SIGKILLed while a charge of its is at the processor (its sandbox answers slowly).
// Its claimed renewals and that charge are taken over once its instance is gone; every
// subscription ends with one period billed — one invoice, one order, one succeeded payment
// — and the charge cut short is sent again with its idempotency key, never a second charge.
// The database enforces it: the period's claim is unique per (subscription, index), jobs are
// claimed with FOR UPDATE SKIP LOCKED, and a charge's payment is keyed by its job.
// PGlite is one process's database: PostgreSQL only.

const POSTGRES = Boolean(process.env.DATABASE_URL);
if (!POSTGRES) {
  console.log('subscription-renewal-processes.db.test.ts: skipped, it needs PostgreSQL');
}

const ADMIN = `adm_${randomBytes(12).toString('hex')}`;
const ACCOUNTS = 3;
const SUBSCRIPTIONS = 60;
const PER_CUSTOMER = 3;
/** The doomed worker's processor answers this late: it is killed while a charge waits. */
const DOOMED_LATENCY_MS = 3000;
const children: ChildProcess[] = [];
const cleanups: (() => Promise<void>)[] = [];

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await Promise.all(children.map(exitOf));
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function call(base: string, key: string, path: string, body: unknown) {
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as any;
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** `n` tasks, `concurrency` at a time. */
async function inParallel(n: number, concurrency: number, task: (i: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) await task(next++);
    }),
  );
}

/**
 * Every daily subscription as if its first period were [T − 1 day, T), T the database's
 * now, and its renewal due at T: all due at one instant, as if made a day ago. (Intervals
 * are a day at least; a test clock would not be real time.)
 */
async function makeRenewalsDue(db: Kysely<Database>, accountIds: readonly string[]) {
  const { rows } = await sql<{ id: string }>`
    with t as (select now() as at),
    subs as (
      update subscriptions set
        billing_cycle_anchor = t.at - interval '1 day',
        current_period_start = t.at - interval '1 day',
        current_period_end = t.at
      from t
      where account_id in (${sql.join(accountIds)}) and period_index = 0
      returning subscriptions.id
    )
    update due_jobs set run_at = t.at from t
    where kind = 'subscription.renewal' and status = 'scheduled'
      and payload->>'subscription_id' in (select id from subs)
    returning due_jobs.id`.execute(db);
  return rows.length;
}

describe.skipIf(!POSTGRES)('subscription renewals across processes', () => {
  it('three workers, one SIGKILLed mid-charge: one invoice, order and charge per period', async () => {
    const { env, base, database, dispose } = await flintEnvironment('sub_renewals', ADMIN, {
      FLINT_SERVE_WORKERS: 'false',
      FLINT_LOG_LEVEL: 'warn',
      // A killed worker's instance is gone after a few missed beats: its jobs are free then.
      FLINT_HEARTBEAT_INTERVAL_MS: '500',
    });
    cleanups.push(dispose);
    await migrateFlint(env);
    children.push(await startFlint(env, base));
    const handle = await openDatabase({ url: database.DATABASE_URL, dataDir: '' });
    cleanups.push(() => handle.close());
    const { db } = handle;

    const accounts: { id: string; key: string; plan: string }[] = [];
    for (let a = 0; a < ACCOUNTS; a += 1) {
      const created = await call(base, ADMIN, '/v1/accounts', { account: { name: `R${a}` } });
      const key = created.keys.test_secret_key as string;
      const { plan } = await call(base, key, '/v1/plans', {
        plan: {
          name: 'Daily',
          currency: 'USD',
          interval: 'day',
          line_items: [{ name: 'Seat', unit_amount: 1500 }],
        },
      });
      accounts.push({ id: created.account.account_id, key, plan: plan.plan_id });
    }
    const customers: string[] = [];
    await inParallel(SUBSCRIPTIONS / PER_CUSTOMER, 6, async (c) => {
      const { key } = accounts[c % ACCOUNTS] as (typeof accounts)[number];
      const { customer } = await call(base, key, '/v1/customers', {
        customer: { email: `buyer${c}@example.com` },
      });
      await call(base, key, `/v1/customers/${customer.customer_id}/payment_methods`, {
        payment_method: { payment_source_token: 'tok_visa' },
      });
      customers[c] = customer.customer_id;
    });
    const subscriptions: string[] = [];
    await inParallel(SUBSCRIPTIONS, 6, async (s) => {
      const c = Math.floor(s / PER_CUSTOMER);
      const { key, plan } = accounts[c % ACCOUNTS] as (typeof accounts)[number];
      const { subscription } = await call(base, key, '/v1/subscriptions', {
        subscription: { customer_id: customers[c], items: [{ plan_id: plan }] },
      });
      expect(subscription.status).toBe('active');
      subscriptions.push(subscription.subscription_id);
    });
    const accountIds = accounts.map((a) => a.id);

    // The doomed worker first, alone: its instance is the only new one.
    const before = await db.selectFrom('flint_instances').select('id').execute();
    const doomed = await startWorker({ ...env, FLINT_SANDBOX_LATENCY_MS: `${DOOMED_LATENCY_MS}` });
    children.push(doomed);
    const known = new Set(before.map((row) => row.id));
    const doomedId = (await db.selectFrom('flint_instances').select('id').execute()).find(
      (row) => !known.has(row.id),
    )?.id;
    expect(doomedId).toBeDefined();
    const survivors = await Promise.all([startWorker(env), startWorker(env)]);
    children.push(...survivors);

    expect(await makeRenewalsDue(db, accountIds)).toBe(SUBSCRIPTIONS);

    // A charge of the doomed worker at the processor: its payment reserved (`processing`),
    // its job held by the doomed instance. Then SIGKILL.
    let cutShort: { invoice_id: string; intent_id: string } | undefined;
    await waitFor(
      'a charge of the doomed worker at the processor',
      async () => {
        const { rows } = await sql<{ invoice_id: string; intent_id: string }>`
          select j.payload->>'invoice_id' as invoice_id, p.id as intent_id
          from due_jobs j
          join invoices i on i.id = j.payload->>'invoice_id'
          join payment_intents p on p.order_id = i.order_id
          where j.kind = 'subscription.charge' and j.status = 'running'
            and j.locked_by = ${doomedId} and p.status = 'processing'`.execute(db);
        cutShort = rows[0];
        return cutShort !== undefined;
      },
      60_000,
    );
    doomed.kill('SIGKILL');
    await exitOf(doomed);
    expect(doomed.signalCode).toBe('SIGKILL');

    // The survivors finish everything, the doomed worker's jobs included.
    await waitFor(
      'every renewal charged',
      async () => {
        const { rows } = await sql<{ paid: string; open_jobs: string }>`
          select
            (select count(*) from invoices where account_id in (${sql.join(accountIds)})
               and billing_reason = 'subscription_cycle' and status = 'paid') as paid,
            (select count(*) from due_jobs where account_id in (${sql.join(accountIds)})
               and kind in ('subscription.renewal', 'subscription.charge')
               and status in ('scheduled', 'running') and run_at <= now()) as open_jobs`.execute(
          db,
        );
        return Number(rows[0]?.paid) === SUBSCRIPTIONS && Number(rows[0]?.open_jobs) === 0;
      },
      120_000,
    );

    // One period billed per subscription: one claim, one invoice, one order, one charge.
    const periods = await db
      .selectFrom('subscription_periods')
      .select(['subscription_id', 'period_index', 'order_id', 'invoice_id'])
      .where('subscription_id', 'in', subscriptions)
      .where('period_index', '=', 1)
      .execute();
    expect(periods).toHaveLength(SUBSCRIPTIONS);
    const invoices = await db
      .selectFrom('invoices')
      .select(['id', 'subscription_id', 'order_id', 'status', 'period_start'])
      .where('subscription_id', 'in', subscriptions)
      .where('billing_reason', '=', 'subscription_cycle')
      .execute();
    expect(invoices).toHaveLength(SUBSCRIPTIONS);
    expect(new Set(invoices.map((i) => i.subscription_id)).size).toBe(SUBSCRIPTIONS);
    expect(new Set(invoices.map((i) => i.order_id)).size).toBe(SUBSCRIPTIONS);
    expect(invoices.every((i) => i.status === 'paid')).toBe(true);
    const orders = await db
      .selectFrom('orders')
      .select(['id', 'status'])
      .where('account_id', 'in', accountIds)
      .where(sql<string>`metadata->>'subscription_period'`, '=', '1')
      .execute();
    expect(orders).toHaveLength(SUBSCRIPTIONS);
    expect(orders.every((o) => o.status === 'PAID')).toBe(true);

    // The charges counted: per invoice exactly one payment, succeeded, its own at the processor.
    const intents = await db
      .selectFrom('payment_intents')
      .select(['id', 'order_id', 'status', 'request_key', 'processor_payment_id'])
      .where(
        'order_id',
        'in',
        invoices.map((i) => i.order_id),
      )
      .execute();
    expect(intents).toHaveLength(SUBSCRIPTIONS);
    expect(intents.every((p) => p.status === 'succeeded')).toBe(true);
    expect(new Set(intents.map((p) => p.order_id)).size).toBe(SUBSCRIPTIONS);
    expect(new Set(intents.map((p) => p.processor_payment_id)).size).toBe(SUBSCRIPTIONS);
    // The one cut short at the processor was resumed, not made anew.
    const resumed = intents.filter((p) => p.id === cutShort?.intent_id);
    expect(resumed).toHaveLength(1);
    expect(resumed[0]?.request_key).toMatch(/^job:subscription:sub_\w+:charge:inv_\w+:1$/);

    // Every subscription moved on to period 1, once; every job ended succeeded.
    const subs = await db
      .selectFrom('subscriptions')
      .select(['period_index', 'status'])
      .where('id', 'in', subscriptions)
      .execute();
    expect(subs.every((s) => s.period_index === 1 && s.status === 'active')).toBe(true);
    const jobs = await db
      .selectFrom('due_jobs')
      .select(['kind', 'status', 'job_key'])
      .where('account_id', 'in', accountIds)
      .where('kind', 'in', ['subscription.renewal', 'subscription.charge'])
      .where('status', '!=', 'scheduled')
      .execute();
    expect(jobs.filter((j) => j.kind === 'subscription.renewal')).toHaveLength(SUBSCRIPTIONS);
    expect(jobs.filter((j) => j.kind === 'subscription.charge')).toHaveLength(SUBSCRIPTIONS);
    expect(jobs.every((j) => j.status === 'succeeded')).toBe(true);
  }, 600_000);
});
