import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/adapters/db/database.js';
import { Buyer, createSession, GOOD_CARD } from './checkout-page-client.js';
import { Cluster } from './cluster-client.js';
import {
  exitOf,
  freePort,
  freshDatabase,
  migrateFlint,
  startFlint,
  startWorker,
} from './flint-process.js';
import {
  DOOMED_LATENCY_MS,
  flow,
  killServerMidRequests,
  killWorkerMidDelivery,
  SLOW_RECEIVER_MS,
} from './multi-process-steps.js';
import { startReceiver, waitFor } from './webhook-receiver.js';

// Three `flint serve` and two `flint worker` processes on one PostgreSQL database behave
// as one: the order → pay → refund → webhook flow spread over them round-robin, a form
// rendered by one process posted to another, one server SIGKILLed with payments and refunds
// in flight on it (retried with their keys on the others), one worker SIGKILLed
// mid-delivery. PGlite is one process's database (it owns its data directory): PostgreSQL only.

const POSTGRES = Boolean(process.env.DATABASE_URL);
if (!POSTGRES) {
  console.log('multi-process.db.test.ts: skipped, it needs PostgreSQL (set DATABASE_URL)');
}

const ADMIN = `adm_${randomBytes(12).toString('hex')}`;
const PUBLIC_URL = 'https://pay.example.test';
const FLOWS = 12;
const children: ChildProcess[] = [];
const cleanups: (() => Promise<void>)[] = [];

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await Promise.all(children.map(exitOf));
  for (const cleanup of cleanups.reverse()) await cleanup();
});

describe.skipIf(!POSTGRES)('N processes on one PostgreSQL', () => {
  it('three servers and two workers behave as one, through a SIGKILL of each kind mid-request', async () => {
    const { dispose, ...database } = await freshDatabase('multi_process');
    cleanups.push(dispose);
    const env = {
      ...process.env,
      ...database,
      HOST: '127.0.0.1',
      FLINT_LOG_LEVEL: 'warn',
      FLINT_ADMIN_TOKEN: ADMIN,
      FLINT_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      FLINT_PUBLIC_URL: PUBLIC_URL,
      FLINT_SERVE_WORKERS: 'false',
      FLINT_RATE_LIMIT: '100000',
      FLINT_PAGE_RATE_LIMIT: '100000',
      FLINT_SETTLEMENT_INTERVAL_MS: '500',
      // A killed server's keys in flight are free for a retry after five missed beats (5 s);
      // shorter, a busy live server can miss them and have its keys taken over.
      FLINT_HEARTBEAT_INTERVAL_MS: '1000',
      FLINT_WEBHOOK_RETRY_SCHEDULE: '0,0.2,0.2,0.2,0.2,0.2,0.2,0.2,0.2,0.2',
      FLINT_WEBHOOK_TIMEOUT_MS: String(SLOW_RECEIVER_MS * 3),
      FLINT_WEBHOOK_POLL_INTERVAL_MS: '50',
    };
    await migrateFlint(env);
    const ports = await Promise.all([freePort(), freePort(), freePort()]);
    const bases = ports.map((port) => `http://127.0.0.1:${port}`);
    // Settled together, so a start that fails leaves every other process registered.
    const starts = await Promise.allSettled([
      ...ports.map((port, n) =>
        startFlint(
          // server 0 is the one killed: its payments and refunds are slow, to be cut short
          {
            ...env,
            PORT: String(port),
            FLINT_SANDBOX_LATENCY_MS: n ? '0' : `${DOOMED_LATENCY_MS}`,
          },
          bases[n] as string,
        ),
      ),
      startWorker(env),
      startWorker(env),
    ]);
    for (const start of starts) if (start.status === 'fulfilled') children.push(start.value);
    const failed = starts.find((start) => start.status === 'rejected');
    if (failed) throw failed.reason;
    const [servers, workers] = [children.slice(0, 3), children.slice(3)];
    const handle = await openDatabase({ url: database.DATABASE_URL, dataDir: '' });
    cleanups.push(() => handle.close());
    const { db } = handle;

    let slow = false;
    const receiver = await startReceiver(() => ({
      status: 200,
      delayMs: slow ? SLOW_RECEIVER_MS : 0,
    }));
    cleanups.push(() => receiver.close());
    const created = await fetch(`${bases[0]}/v1/accounts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ account: { name: 'Many processes' } }),
    }).then((res) => res.json() as Promise<any>);
    const key = created.keys.test_secret_key as string;
    const accountId = created.account.account_id as string;
    const cluster = new Cluster([...bases], key);
    const endpoint = await cluster.post('/v1/webhook_endpoints', {
      webhook_endpoint: { url: receiver.url, enabled_events: ['*'] },
    });
    expect(endpoint.status).toBe(200);

    // A checkout form rendered by server 1 and posted (cookie and CSRF token) to server 2.
    const session = await createSession({ url: bases[1] as string }, key);
    expect(session.url).toBe(`${PUBLIC_URL}/checkout/${session.checkout_session_id}`);
    const buyer = new Buyer({ url: bases[1] as string });
    const { csrf, attempt } = await buyer.open(session.checkout_session_id);
    const form = { csrf_token: csrf, attempt, ...GOOD_CARD };
    const path = `/checkout/${session.checkout_session_id}/pay`;
    const stranger = await new Buyer({ url: bases[2] as string }).post(path, form);
    expect(stranger.status).toBe(403); // the token alone, without its cookie, is refused
    const posted = await buyer.at({ url: bases[2] as string }).post(path, form);
    expect(posted.status, posted.text).toBe(303);
    const shown = await cluster.get(`/v1/checkout/sessions/${session.checkout_session_id}`);
    expect(shown.body.checkout_session.status).toBe('complete');

    // Half the flows on all three servers, three at a time; then server 0 is killed with
    // requests in flight; then the other half on the survivors while worker 0 is killed
    // in the middle of a delivery.
    const orders: string[] = [];
    const flows = async (from: number, to: number) => {
      let next = from;
      await Promise.all(
        Array.from({ length: 3 }, async () => {
          while (next < to) orders.push(await flow(cluster, next++));
        }),
      );
    };
    await flows(0, FLOWS / 2);
    const doomed = { base: bases[0] as string, child: servers[0] as ChildProcess };
    orders.push(...(await killServerMidRequests(cluster, db, key, doomed)));
    expect(cluster.bases).toEqual(bases.slice(1));
    slow = true;
    await Promise.all([
      flows(FLOWS / 2, FLOWS),
      killWorkerMidDelivery(cluster, receiver, workers[0] as ChildProcess).finally(() => {
        slow = false;
      }),
    ]);
    expect(orders).toHaveLength(FLOWS + 6);

    // One charge per idempotency key, one succeeded payment per order, one processor payment each.
    const intents = await db
      .selectFrom('payment_intents')
      .select(['order_id', 'request_key', 'status', 'amount_received', 'processor_payment_id'])
      .where('account_id', '=', accountId)
      .where('order_id', 'in', orders)
      .execute();
    const succeeded = intents.filter((p) => p.status === 'succeeded');
    expect(new Set(succeeded.map((p) => p.order_id)).size).toBe(orders.length);
    expect(succeeded).toHaveLength(orders.length);
    expect(new Set(succeeded.map((p) => p.processor_payment_id)).size).toBe(orders.length);
    const intentKeys = intents.map((p) => p.request_key);
    expect(new Set(intentKeys).size).toBe(intentKeys.length);
    // Each keyed refund exists once; no order refunded beyond what was paid, each in full.
    const refunds = await db
      .selectFrom('refunds')
      .select(['order_id', 'amount', 'status', 'request_key'])
      .where('account_id', '=', accountId)
      .where('order_id', 'in', orders)
      .execute();
    const refundKeys = refunds.map((r) => r.request_key);
    expect(new Set(refundKeys).size).toBe(refundKeys.length);
    for (const intent of succeeded) {
      const total = refunds
        .filter((r) => r.order_id === intent.order_id && !['failed', 'canceled'].includes(r.status))
        .reduce((sum, r) => sum + r.amount, 0);
      expect(total, intent.order_id).toBe(intent.amount_received);
    }
    for (const id of orders) {
      const got = await cluster.get(`/v1/orders/${id}`);
      const net = got.body.order.net_amounts;
      expect(net.refunded_money.amount, id).toBe(net.paid_money.amount);
      expect(got.body.order.status, id).toBe('REFUNDED');
    }

    // Every event reached the receiver at least once (deliveries may repeat), and the
    // deliveries the killed worker held were taken over and recorded as delivered.
    const events = await db
      .selectFrom('events')
      .select(['id', 'type'])
      .where('account_id', '=', accountId)
      .execute();
    expect(events.length).toBeGreaterThan(FLOWS * 4);
    const received = () => new Set(receiver.received.map((r) => r.headers['webhook-id']));
    await waitFor(
      'every event delivered',
      () => events.every((e) => received().has(e.id)),
      120_000,
    );
    const undelivered = () =>
      db
        .selectFrom('webhook_deliveries')
        .select('id')
        .where('account_id', '=', accountId)
        .where('status', '!=', 'delivered')
        .execute();
    await waitFor(
      'every delivery recorded',
      async () => (await undelivered()).length === 0,
      120_000,
    );
    // Events are written without a request: their checkout-session url is FLINT_PUBLIC_URL's.
    const completed = receiver.received
      .map((r) => JSON.parse(r.body))
      .find((e) => e.type === 'checkout.session.completed');
    expect(completed?.data.object.url).toBe(session.url);

    // The survivors stop cleanly.
    for (const child of [servers[1], servers[2], workers[1]] as ChildProcess[]) {
      child.kill('SIGTERM');
      expect(await exitOf(child)).toBe(0);
    }
  }, 600_000);
});
