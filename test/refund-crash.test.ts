import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, expect, it } from 'vitest';
import {
  exitOf,
  flintEnvironment,
  inFlintDatabase,
  migrateFlint,
  startFlint,
  stopFlint,
} from './flint-process.js';
import { waitFor } from './webhook-receiver.js';

const ADMIN = `adm_${randomBytes(12).toString('hex')}`;
const disposals: (() => Promise<void>)[] = [];
let child: ChildProcess | undefined;

afterAll(async () => {
  child?.kill('SIGKILL');
  for (const dispose of disposals) await dispose();
});

interface Answer {
  readonly status: number;
  readonly replayed: boolean;
  readonly text: string;
  readonly body: any;
}

async function api(
  base: string,
  key: string,
  method: 'GET' | 'POST',
  path: string,
  options: { body?: unknown; idempotencyKey?: string } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { authorization: `Bearer ${key}` };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
  const res = await fetch(`${base}${path}`, {
    signal: AbortSignal.timeout(30_000),
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await res.text();
  return {
    status: res.status,
    replayed: res.headers.get('idempotent-replayed') === 'true',
    text,
    body: JSON.parse(text),
  };
}

async function refundsOf(base: string, key: string): Promise<any[]> {
  const res = await api(base, key, 'GET', '/v1/refunds?limit=100');
  expect(res.status).toBe(200);
  return res.body.refunds;
}

it('finishes every refund exactly once when each is retried at once after a SIGKILL mid-refund', async () => {
  const { env, base, database, dispose } = await flintEnvironment('refund_crash', ADMIN, {
    // Only the retries may finish the refunds, not the settlement worker.
    FLINT_SETTLEMENT_INTERVAL_MS: '3600000',
    // On PostgreSQL a killed instance counts as dead after five missed beats (1 s here).
    // The embedded database needs no wait: its one process forgets earlier runs at start
    // (a lease of five minutes here, which only that can cut short).
    FLINT_HEARTBEAT_INTERVAL_MS: process.env.DATABASE_URL ? '200' : '60000',
  });
  disposals.push(dispose);
  await migrateFlint(env);

  // Paid orders, on an instant sandbox.
  child = await startFlint(env, base);
  const created = await api(base, ADMIN, 'POST', '/v1/accounts', {
    body: { account: { name: 'Refund crash' } },
  });
  const key: string = created.body.keys.test_secret_key;
  const orderIds: string[] = [];
  for (let i = 0; i < 6; i++) {
    const order = await api(base, key, 'POST', '/v1/orders', {
      body: {
        order: { line_items: [{ name: 'Lamp', quantity: 1, unit_price_money: { amount: 5000 } }] },
      },
    });
    const orderId: string = order.body.order.order_id;
    const paid = await api(base, key, 'POST', `/v1/orders/${orderId}/pay`, {
      body: { payment: { payment_source_token: 'tok_visa' } },
      idempotencyKey: `pay-${i}`,
    });
    expect(paid.status).toBe(200);
    orderIds.push(orderId);
  }
  const setup = child;
  setup.kill('SIGTERM');
  await exitOf(setup);
  expect(setup.exitCode).toBe(0);

  // Refunds that the processor takes ten minutes to answer: the server dies meanwhile.
  child = await startFlint({ ...env, FLINT_SANDBOX_LATENCY_MS: '600000' }, base);
  const refund = (orderId: string, i: number) =>
    api(base, key, 'POST', '/v1/refunds', {
      body: { refund: { order_id: orderId, amount: 2000 } },
      idempotencyKey: `refund-${i}`,
    });
  const cutShort = orderIds.map((orderId, i) => refund(orderId, i).catch(() => null));
  await waitFor(
    'every refund at the processor',
    async () => (await refundsOf(base, key)).filter((r) => r.status === 'pending').length === 6,
    30_000,
  );
  const killed = child;
  killed.kill('SIGKILL');
  await exitOf(killed);
  expect(killed.signalCode).toBe('SIGKILL');
  expect(await Promise.all(cutShort)).toEqual(Array(6).fill(null)); // none was answered

  // Restarted, each refund retried at once with its key: each finishes, none waits.
  child = await startFlint(env, base);
  const retries = await Promise.all(orderIds.map(refund));
  expect(retries.map((r) => r.status)).toEqual(Array(6).fill(200));
  for (const [i, retry] of retries.entries()) {
    expect(retry.replayed).toBe(false);
    expect(retry.body.refund).toMatchObject({
      order_id: orderIds[i],
      status: 'succeeded',
      amount: 2000,
    });
  }

  // Every refund exists exactly once, and no order gave back more than asked.
  const refunds = await refundsOf(base, key);
  expect(refunds.map((r) => r.refund_id).sort()).toEqual(
    retries.map((r) => r.body.refund.refund_id).sort(),
  );
  for (const orderId of orderIds) {
    const order = await api(base, key, 'GET', `/v1/orders/${orderId}`);
    expect(order.body.order.net_amounts.refunded_money.amount).toBe(2000);
  }
  // A later retry replays the answer.
  const again = await refund(orderIds[0] as string, 0);
  expect(again.replayed).toBe(true);
  expect(again.text).toBe(retries[0]?.text);

  // A clean stop deletes its instance: nothing it held waits for a lease to run out.
  expect(await stopFlint(child)).toBe(0);
  const alive = await inFlintDatabase(database, (db) =>
    db
      .selectFrom('flint_instances')
      .selectAll()
      .where('alive_until', '>', sql<Date>`now()`)
      .execute(),
  );
  expect(alive).toEqual([]);
}, 600_000);
