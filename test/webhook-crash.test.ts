import { type ChildProcess, execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, expect, it } from 'vitest';
import { openDatabase } from '../src/adapters/db/database.js';
import {
  adminQuery,
  exitOf,
  FLINT,
  freePort,
  freshDatabase,
  startServe,
} from './flint-processes.js';
import { type Receiver, startReceiver, waitFor } from './webhook-receiver.js';

// The real `flint serve` (bin/flint.js → dist, built by `npm test`'s pretest step).
const ADMIN = `adm_${randomBytes(12).toString('hex')}`;
const dirs: string[] = [];
const databases: string[] = [];
let receiver: Receiver | undefined;
let child: ChildProcess | undefined;

afterAll(async () => {
  child?.kill('SIGKILL');
  await receiver?.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  for (const name of databases) await adminQuery(`drop database if exists "${name}" with (force)`);
});

/** Its own database: the server's worker must not meet other test files' deliveries. */
async function dedicatedDatabase(): Promise<{ DATABASE_URL: string; FLINT_DATA_DIR: string }> {
  if (!process.env.DATABASE_URL) {
    const dir = mkdtempSync(join(tmpdir(), 'flint-crash-'));
    dirs.push(dir);
    return { DATABASE_URL: '', FLINT_DATA_DIR: dir };
  }
  const { url, name } = await freshDatabase('webhook_crash');
  databases.push(name);
  return { DATABASE_URL: url, FLINT_DATA_DIR: '' };
}

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
  const database = await dedicatedDatabase();
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env = {
    ...process.env,
    ...database,
    PORT: String(port),
    HOST: '127.0.0.1',
    FLINT_LOG_LEVEL: 'silent',
    FLINT_ADMIN_TOKEN: ADMIN,
    FLINT_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    FLINT_RATE_LIMIT: '100000',
    FLINT_WEBHOOK_RETRY_SCHEDULE: '0,0.1,0.1,0.1,0.1,0.1,0.1,0.1,0.1,0.1',
    FLINT_WEBHOOK_TIMEOUT_MS: '1000',
    FLINT_WEBHOOK_POLL_INTERVAL_MS: '50',
    // Fewer attempts at once than orders come in: a backlog is left when the server dies.
    FLINT_WEBHOOK_CONCURRENCY: '4',
  };
  await promisify(execFile)(process.execPath, [FLINT, 'migrate'], { env });
  child = await startServe(env, base);

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

  child = await startServe(env, base);
  const second = await burst(base, key, total - first.sent, () => false);
  const acknowledged = [...first.acknowledged, ...second.acknowledged];
  expect(acknowledged.length).toBeGreaterThanOrEqual(total - 12);

  // Orders committed under a request the kill cut short have events too.
  const orders = await countOrders(base, key);
  expect(orders).toBeGreaterThanOrEqual(acknowledged.length);
  const received = () => new Set(receiver?.received.map((r) => r.headers['webhook-id']));
  await waitFor('every order delivered', () => received().size >= orders, 90_000);
  const stopped = child;
  stopped.kill('SIGTERM');
  await exitOf(stopped);
  expect(stopped.exitCode).toBe(0);

  const handle = await openDatabase({
    url: database.DATABASE_URL || undefined,
    dataDir: database.FLINT_DATA_DIR,
  });
  try {
    const events = await handle.db
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
  } finally {
    await handle.close();
  }
}, 240_000);
