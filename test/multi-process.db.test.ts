import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/adapters/db/database.js';
import { Buyer, createSession, GOOD_CARD } from './checkout-page-client.js';
import {
  adminQuery,
  exitOf,
  FLINT,
  freePort,
  freshDatabase,
  startServe,
  whenReady,
} from './flint-processes.js';
import { type Receiver, startReceiver, waitFor } from './webhook-receiver.js';

// Three `flint serve` and two `flint worker` processes on one PostgreSQL database behave
// as one: the order → pay → refund → webhook flow spread over them round-robin, a form
// rendered by one process posted to another, one server and one worker SIGKILLed mid-way.
// PGlite is one process's database (it owns its data directory): PostgreSQL only.

const POSTGRES = Boolean(process.env.DATABASE_URL);
if (!POSTGRES) {
  console.log('multi-process.db.test.ts: skipped, it needs PostgreSQL (set DATABASE_URL)');
}

const ADMIN = `adm_${randomBytes(12).toString('hex')}`;
const PUBLIC_URL = 'https://pay.example.test';
const FLOWS = 12;
const children: ChildProcess[] = [];
let receiver: Receiver | undefined;
let database: string | undefined;

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await Promise.all(children.map(exitOf));
  await receiver?.close();
  if (database) await adminQuery(`drop database if exists "${database}" with (force)`);
});

/** `flint worker`, once it says it runs (its log line on stdout). */
async function startWorker(env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const child = spawn(process.execPath, [FLINT, 'worker'], {
    env: { ...env, FLINT_LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    if (out.length < 10_000) out += chunk.toString();
  });
  return whenReady(child, 'flint worker', () => out.includes('flint worker running'));
}

interface Answer {
  readonly status: number;
  readonly body: any;
}

/**
 * The servers, called round-robin, as a client with retries would: `409
 * idempotency_key_in_use` (the same request still running elsewhere) is retried after a
 * pause with the same key.
 */
class Cluster {
  private turn = 0;
  private readonly inFlight = new Map<string, number>();
  constructor(
    readonly bases: string[],
    private readonly key: string,
  ) {}

  /** Takes a server out of the rotation once no request is under way on it. */
  async retire(base: string): Promise<void> {
    this.bases.splice(this.bases.indexOf(base), 1);
    await waitFor(`the last request on ${base}`, () => !this.inFlight.get(base), 60_000);
  }

  async call(method: string, path: string, body?: unknown, idempotencyKey?: string) {
    for (let tries = 0; tries < 10; tries++) {
      this.turn += 1;
      const base = this.bases[this.turn % this.bases.length] as string;
      this.inFlight.set(base, (this.inFlight.get(base) ?? 0) + 1);
      try {
        const res = await fetch(`${base}${path}`, {
          method,
          signal: AbortSignal.timeout(60_000),
          headers: {
            authorization: `Bearer ${this.key}`,
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
            ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        const answer: Answer = { status: res.status, body: await res.json() };
        if (answer.status !== 409 || answer.body.error?.code !== 'idempotency_key_in_use') {
          return answer;
        }
      } finally {
        this.inFlight.set(base, (this.inFlight.get(base) ?? 1) - 1);
      }
      await sleep(250 * (tries + 1));
    }
    throw new Error(`${method} ${path}: still in use after 10 tries`);
  }
}

/** One order: created, paid (the same payment sent twice at once), refunded in two steps. */
async function flow(cluster: Cluster, i: number): Promise<string> {
  const order = await cluster.call(
    'POST',
    '/v1/orders',
    {
      order: {
        line_items: [{ name: `Flow ${i}`, quantity: 1, unit_price_money: { amount: 1000 + i } }],
      },
    },
    `order-${i}`,
  );
  expect(order.status, JSON.stringify(order.body)).toBe(200);
  const id = order.body.order.order_id as string;
  const payment = { payment: { payment_source_token: 'tok_visa' } };
  const paid = await Promise.all([
    cluster.call('POST', `/v1/orders/${id}/pay`, payment, `pay-${i}`),
    cluster.call('POST', `/v1/orders/${id}/pay`, payment, `pay-${i}`),
  ]);
  for (const answer of paid) expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  const [first, again] = paid.map((answer) => answer.body.payment_intent.payment_intent_id);
  expect(again).toBe(first);
  // Two refunds of 60% each, at once on two servers: never both.
  const part = Math.ceil((1000 + i) * 0.6);
  const refunds = await Promise.all(
    ['a', 'b'].map((side) =>
      cluster.call(
        'POST',
        '/v1/refunds',
        { refund: { order_id: id, amount: part } },
        `refund-${i}-${side}`,
      ),
    ),
  );
  for (const answer of refunds) expect(answer.status).toBeLessThan(500);
  expect(refunds.filter((r) => r.status === 200)).toHaveLength(1);
  const rest = await cluster.call('POST', '/v1/refunds', { refund: { order_id: id } }, `rest-${i}`);
  expect(rest.status, JSON.stringify(rest.body)).toBe(200);
  return id;
}

describe.skipIf(!POSTGRES)('N processes on one PostgreSQL', () => {
  it('three servers and two workers behave as one, through a SIGKILL of each kind', async () => {
    const fresh = await freshDatabase('multi_process');
    database = fresh.name;
    const env = {
      ...process.env,
      DATABASE_URL: fresh.url,
      HOST: '127.0.0.1',
      FLINT_LOG_LEVEL: 'warn',
      FLINT_ADMIN_TOKEN: ADMIN,
      FLINT_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      FLINT_PUBLIC_URL: PUBLIC_URL,
      FLINT_SERVE_WORKERS: 'false',
      FLINT_RATE_LIMIT: '100000',
      FLINT_PAGE_RATE_LIMIT: '100000',
      FLINT_SETTLEMENT_INTERVAL_MS: '500',
      FLINT_WEBHOOK_RETRY_SCHEDULE: '0,0.2,0.2,0.2,0.2,0.2,0.2,0.2,0.2,0.2',
      FLINT_WEBHOOK_TIMEOUT_MS: '1000',
      FLINT_WEBHOOK_POLL_INTERVAL_MS: '50',
    };
    await promisify(execFile)(process.execPath, [FLINT, 'migrate'], { env });
    const ports = await Promise.all([freePort(), freePort(), freePort()]);
    const bases = ports.map((port) => `http://127.0.0.1:${port}`);
    // Settled together, so a start that fails leaves every other process registered.
    const starts = await Promise.allSettled([
      ...ports.map((port, n) => startServe({ ...env, PORT: String(port) }, bases[n] as string)),
      startWorker(env),
      startWorker(env),
    ]);
    for (const start of starts) if (start.status === 'fulfilled') children.push(start.value);
    const failed = starts.find((start) => start.status === 'rejected');
    if (failed) throw failed.reason;
    const [servers, workers] = [children.slice(0, 3), children.slice(3)];

    receiver = await startReceiver();
    const created = await fetch(`${bases[0]}/v1/accounts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ account: { name: 'Many processes' } }),
    }).then((res) => res.json() as Promise<any>);
    const key = created.keys.test_secret_key as string;
    const accountId = created.account.account_id as string;
    const cluster = new Cluster([...bases], key);
    const endpoint = await cluster.call('POST', '/v1/webhook_endpoints', {
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
    const shown = await cluster.call('GET', `/v1/checkout/sessions/${session.checkout_session_id}`);
    expect(shown.body.checkout_session.status).toBe('complete');

    // The flows, three at a time; server 0 and worker 0 are killed half-way, mid-flight.
    const orders: string[] = [];
    let started = 0;
    const [killedServer, killedWorker] = [servers[0] as ChildProcess, workers[0] as ChildProcess];
    await Promise.all(
      Array.from({ length: 3 }, async () => {
        while (started < FLOWS) {
          const i = started++;
          if (i === FLOWS / 2) {
            // Out of the rotation first: a request cut off by the kill would hold its
            // idempotency key for minutes (claims do not yet know their process died).
            killedWorker.kill('SIGKILL');
            await cluster.retire(bases[0] as string);
            killedServer.kill('SIGKILL');
          }
          orders.push(await flow(cluster, i));
        }
      }),
    );
    await Promise.all([exitOf(killedServer), exitOf(killedWorker)]);
    expect([killedServer.signalCode, killedWorker.signalCode]).toEqual(['SIGKILL', 'SIGKILL']);
    expect(cluster.bases).not.toContain(bases[0]);
    expect(orders).toHaveLength(FLOWS);

    const handle = await openDatabase({ url: fresh.url, dataDir: '' });
    try {
      const { db } = handle;
      // One charge per idempotency key, one succeeded payment per order.
      const intents = await db
        .selectFrom('payment_intents')
        .select(['order_id', 'request_key', 'status', 'amount_received'])
        .where('account_id', '=', accountId)
        .execute();
      const flowIntents = intents.filter((p) => orders.includes(p.order_id));
      expect(flowIntents.filter((p) => p.status === 'succeeded')).toHaveLength(FLOWS);
      expect(new Set(flowIntents.map((p) => p.request_key)).size).toBe(flowIntents.length);
      expect(new Set(flowIntents.map((p) => p.order_id)).size).toBe(FLOWS);
      // No order refunded beyond what was paid; each refunded in full exactly.
      for (const id of orders) {
        const got = await cluster.call('GET', `/v1/orders/${id}`);
        const net = got.body.order.net_amounts;
        expect(net.refunded_money.amount, id).toBe(net.paid_money.amount);
        expect(got.body.order.status, id).toBe('REFUNDED');
      }
      const refunded = await db
        .selectFrom('refunds')
        .select(['order_id', 'amount', 'status'])
        .where('account_id', '=', accountId)
        .execute();
      for (const intent of flowIntents) {
        const total = refunded
          .filter(
            (r) => r.order_id === intent.order_id && !['failed', 'canceled'].includes(r.status),
          )
          .reduce((sum, r) => sum + r.amount, 0);
        expect(total, intent.order_id).toBeLessThanOrEqual(intent.amount_received);
      }

      // Every event reached the receiver at least once (deliveries may repeat).
      const events = await db
        .selectFrom('events')
        .select(['id', 'type'])
        .where('account_id', '=', accountId)
        .execute();
      expect(events.length).toBeGreaterThan(FLOWS * 4);
      const received = () => new Set(receiver?.received.map((r) => r.headers['webhook-id']));
      await waitFor(
        'every event delivered',
        () => events.every((e) => received().has(e.id)),
        120_000,
      );
      // Events are written without a request: their checkout-session url is FLINT_PUBLIC_URL's.
      const completed = receiver.received
        .map((r) => JSON.parse(r.body))
        .find((e) => e.type === 'checkout.session.completed');
      expect(completed?.data.object.url).toBe(session.url);
    } finally {
      await handle.close();
    }
    // The survivors stop cleanly.
    for (const child of [servers[1], servers[2], workers[1]] as ChildProcess[]) {
      child.kill('SIGTERM');
      await exitOf(child);
      expect(child.exitCode).toBe(0);
    }
  }, 600_000);
});
