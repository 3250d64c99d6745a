import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterAll, expect, it } from 'vitest';
import {
  exitOf,
  flintEnvironment,
  inFlintDatabase,
  migrateFlint,
  startFlint,
  stopFlint,
} from './flint-process.js';
import { type Receiver, startReceiver, waitFor } from './webhook-receiver.js';

const ADMIN = `adm_${randomBytes(12).toString('hex')}`;
const disposals: (() => Promise<void>)[] = [];
let receiver: Receiver | undefined;
let child: ChildProcess | undefined;

afterAll(async () => {
  child?.kill('SIGKILL');
  await receiver?.close();
  for (const dispose of disposals) await dispose();
});

async function call(base: string, key: string, path: string, body: unknown): Promise<any> {
  const res = await fetch(`${base}${path}`, {
    signal: AbortSignal.timeout(10_000),
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

/** How many orders the account has: each has exactly one event, `order.created`. */
async function countOrders(base: string, key: string): Promise<number> {
  let count = 0;
  let after = '';
  for (;;) {
    const res = await fetch(`${base}/v1/orders?limit=100${after}`, {
      signal: AbortSignal.timeout(10_000),
      headers: { authorization: `Bearer ${key}` },
    });
    const page = (await res.json()) as { orders: unknown[]; next_cursor: string | null };
    count += page.orders.length;
    if (!page.next_cursor) return count;
    after = `&starting_after=${page.next_cursor}`;
  }
}

/** Creates orders, `concurrency` at a time, until `count` were sent or `stop()` says so. */
async function burst(
  base: string,
  key: string,
  count: number,
  stop: (acknowledged: number) => boolean,
): Promise<{ acknowledged: string[]; sent: number }> {
  const acknowledged: string[] = [];
  let sent = 0;
  const order = { line_items: [{ name: 'Burst', quantity: 1, unit_price_money: { amount: 500 } }] };
  await Promise.all(
    Array.from({ length: 12 }, async () => {
      while (sent < count && !stop(acknowledged.length)) {
        sent += 1;
        try {
          const { order: created } = await call(base, key, '/v1/orders', { order });
          acknowledged.push(created.order_id);
        } catch {
          // The server was killed under this request: no answer, so maybe committed, maybe not.
        }
      }
    }),
  );
  return { acknowledged, sent };
}

it('loses no event when the server is SIGKILLed in a burst: all are delivered after a restart', async () => {
  const { env, base, database, dispose } = await flintEnvironment('webhook_crash', ADMIN, {
    FLINT_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    FLINT_WEBHOOK_RETRY_SCHEDULE: '0,0.1,0.1,0.1,0.1,0.1,0.1,0.1,0.1,0.1',
    FLINT_WEBHOOK_TIMEOUT_MS: '1000',
    FLINT_WEBHOOK_POLL_INTERVAL_MS: '50',
    // Fewer attempts at once than orders come in: a backlog is left when the server dies.
    FLINT_WEBHOOK_CONCURRENCY: '4',
  });
  disposals.push(dispose);
  await migrateFlint(env);
  child = await startFlint(env, base);

  receiver = await startReceiver();
  const created = await call(base, ADMIN, '/v1/accounts', { account: { name: 'Crash' } });
  const key = created.keys.test_secret_key;
  const accountId = created.account.account_id;
  await call(base, key, '/v1/webhook_endpoints', {
    webhook_endpoint: { url: receiver.url, enabled_events: ['*'] },
  });

  const total = 500;
  const killed = child;
  const first = await burst(base, key, total, (acknowledged) => {
    if (acknowledged < total / 2) return false;
    killed.kill('SIGKILL');
    return true;
  });
  await exitOf(killed);
  expect(killed.signalCode).toBe('SIGKILL');
  const receivedBeforeRestart = new Set(receiver.received.map((r) => r.headers['webhook-id']));

  child = await startFlint(env, base);
  const second = await burst(base, key, total - first.sent, () => false);
  const acknowledged = [...first.acknowledged, ...second.acknowledged];
  expect(acknowledged.length).toBeGreaterThanOrEqual(total - 12);

  // Orders committed under a request the kill cut short have events too.
  const orders = await countOrders(base, key);
  expect(orders).toBeGreaterThanOrEqual(acknowledged.length);
  const received = () => new Set(receiver?.received.map((r) => r.headers['webhook-id']));
  await waitFor('every order delivered', () => received().size >= orders, 90_000);
  expect(await stopFlint(child)).toBe(0);

  await inFlintDatabase(database, async (db) => {
    const events = await db
      .selectFrom('events')
      .select(['id', 'object_id'])
      .where('account_id', '=', accountId)
      .execute();
    // Every order the API acknowledged has its event (the outbox commits with the change)…
    const ordersWithEvents = new Set(events.map((e) => e.object_id));
    expect(acknowledged.filter((id) => !ordersWithEvents.has(id))).toEqual([]);
    // …and every committed event reached the receiver at least once.
    const got = received();
    expect(events.filter((e) => !got.has(e.id)).map((e) => e.id)).toEqual([]);
    // The restart had work to do: events committed before the kill, not yet delivered.
    expect(receivedBeforeRestart.size).toBeGreaterThan(0);
    expect(receivedBeforeRestart.size).toBeLessThan(first.acknowledged.length);
  });
}, 240_000);
