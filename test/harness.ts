import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { type DatabaseHandle, migrateToLatest, openDatabase } from '../src/adapters/db/database.js';
import { createHttpTransport } from '../src/adapters/webhooks/http-transport.js';
import { systemResolver } from '../src/adapters/webhooks/system-resolver.js';
import type { Deps } from '../src/app/shared/deps.js';
import { type Instance, startInstance } from '../src/app/shared/instances.js';
import { createSecretBox } from '../src/app/shared/secret-box.js';
import { type AppOptions, buildApp } from '../src/http/app.js';
import { type Clock, systemClock } from '../src/ports/clock.js';
import type { HostResolver } from '../src/ports/host-resolver.js';
import { startInstanceHeartbeat } from '../src/workers/instance-heartbeat.js';
import type { Worker } from '../src/workers/periodic.js';
import { startWebhookDeliveryWorker } from '../src/workers/webhook-delivery.js';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';

let shared: Promise<DatabaseHandle> | undefined;
let sharedInstance: Promise<Instance> | undefined;

/**
 * The database of this test worker: PostgreSQL when DATABASE_URL is set,
 * otherwise an in-memory PGlite. Opened and migrated once per process.
 */
export function testDatabase(): Promise<DatabaseHandle> {
  shared ??= (async () => {
    const handle = await openDatabase({ url: process.env.DATABASE_URL, dataDir: 'memory://' });
    await migrateToLatest(handle.db);
    return handle;
  })();
  return shared;
}

/** This test worker as a running instance, kept alive for as long as the worker runs. */
export function testInstance(): Promise<Instance> {
  sharedInstance ??= (async () => {
    const { db } = await testDatabase();
    // A long lease: a loaded machine must not make a test's own requests look abandoned.
    const instance = await startInstance(db, 10_000);
    startInstanceHeartbeat(db, instance, { intervalMs: 10_000 });
    return instance;
  })();
  return sharedInstance;
}

export interface TestServer {
  readonly url: string;
  readonly app: FastifyInstance;
  readonly deps: Deps;
  close(): Promise<void>;
}

/** The real HTTP server on a random loopback port, over the worker's database. */
export async function startTestServer(options: Partial<AppOptions> = {}): Promise<TestServer> {
  const handle = await testDatabase();
  const deps: Deps = { db: handle.db, clock: systemClock, ...options.deps };
  const { id } = await testInstance();
  const idempotency = { ownerInstanceId: id, ...options.idempotency };
  const app = await buildApp({ adminToken: ADMIN_TOKEN, ...options, idempotency, deps });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, app, deps, close: () => app.close() };
}

export interface TestResponse<T = any> {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  readonly body: T;
}

export interface RequestOptions {
  readonly key?: string | null;
  readonly body?: unknown;
  /** Sent as-is instead of JSON-encoding `body`. */
  readonly raw?: string;
  readonly headers?: Record<string, string>;
}

export async function request<T = any>(
  server: Pick<TestServer, 'url'>,
  method: string,
  path: string,
  options: RequestOptions = {},
): Promise<TestResponse<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.key) headers.authorization = `Bearer ${options.key}`;
  const payload =
    options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  if (
    payload !== undefined &&
    !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')
  ) {
    headers['content-type'] = 'application/json';
  }
  const response = await fetch(server.url + path, { method, headers, body: payload });
  const text = await response.text();
  let body: any;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  return { status: response.status, headers: response.headers, text, body };
}

/** How many rows of a tenant-owned table an account has (to show a refusal made nothing). */
export async function countRows(
  server: Pick<TestServer, 'deps'>,
  table: 'customers' | 'orders' | 'checkout_sessions',
  accountId: string,
): Promise<number> {
  const rows = await server.deps.db
    .selectFrom(table)
    .select('id')
    .where('account_id', '=', accountId)
    .execute();
  return rows.length;
}

export interface TestAccount {
  readonly accountId: string;
  readonly testKey: string;
  readonly liveKey: string;
}

const liveKeys = new Map<string, string>();

/**
 * The live key of the account a `createTestAccount` test key belongs to: only a live key
 * changes the account and its console users.
 */
export function liveKeyOf(testKey: string): string {
  const liveKey = liveKeys.get(testKey);
  if (!liveKey) throw new Error('not the test key of an account made by createTestAccount');
  return liveKey;
}

/** A fresh merchant account: each test seeds its own, so tests never see each other's data. */
export async function createTestAccount(
  server: Pick<TestServer, 'url'>,
  name = 'Test merchant',
): Promise<TestAccount> {
  const res = await request(server, 'POST', '/v1/accounts', {
    key: ADMIN_TOKEN,
    body: { account: { name } },
  });
  if (res.status !== 200) throw new Error(`account creation failed: ${res.status} ${res.text}`);
  liveKeys.set(res.body.keys.test_secret_key, res.body.keys.live_secret_key);
  return {
    accountId: res.body.account.account_id,
    testKey: res.body.keys.test_secret_key,
    liveKey: res.body.keys.live_secret_key,
  };
}

export interface TestWebhookWorkerOptions {
  /** The accounts this worker serves: other tests' deliveries are theirs. */
  readonly accountIds: readonly string[];
  readonly encryptionKey: Buffer;
  readonly clock?: Clock;
  readonly scheduleMs?: readonly number[];
  readonly timeoutMs?: number;
  readonly disableAfterMs?: number;
  readonly random?: () => number;
  readonly resolver?: HostResolver;
  readonly concurrency?: number;
}

/** A fast schedule: ten attempts 50 ms apart. */
export const FAST_RETRY_SCHEDULE_MS: readonly number[] = [0, ...Array(9).fill(50)];

/** The real webhook worker on the test database, with a fast schedule and no jitter. */
export async function startTestWebhookWorker(options: TestWebhookWorkerOptions): Promise<Worker> {
  const handle = await testDatabase();
  const transport = createHttpTransport({ resolver: options.resolver ?? systemResolver });
  const worker = startWebhookDeliveryWorker(
    { db: handle.db, clock: options.clock ?? systemClock },
    createSecretBox(options.encryptionKey),
    transport,
    {
      policy: {
        scheduleMs: options.scheduleMs ?? FAST_RETRY_SCHEDULE_MS,
        timeoutMs: options.timeoutMs ?? 5000,
        disableAfterMs: options.disableAfterMs ?? 3 * 24 * 60 * 60 * 1000,
        random: options.random ?? (() => 0.5),
      },
      pollIntervalMs: 20,
      concurrency: options.concurrency ?? 8,
      scope: { accountIds: options.accountIds },
    },
  );
  return {
    async stop() {
      await worker.stop();
      await transport.close();
    },
  };
}

/** A line of `POST /v1/orders`, as the wire takes it: ad hoc, or of a catalog price or product. */
export interface TestLineItem {
  readonly quantity: number;
  readonly name?: string;
  readonly unit_price_money?: { readonly amount: number; readonly currency?: string };
  readonly price_id?: string;
  readonly product_id?: string;
  readonly [field: string]: unknown;
}

/** The fields of `POST /v1/orders` the tests set; the server checks the rest. */
export interface TestOrderInput {
  readonly line_items?: readonly TestLineItem[];
  readonly metadata?: Record<string, string>;
  readonly [field: string]: unknown;
}

/** An order as the API returns it: the fields tests read by name, the rest as sent. */
export interface TestOrder {
  readonly order_id: string;
  readonly status: string;
  readonly version: number;
  readonly [field: string]: any;
}

/** What `POST /v1/orders/{id}/pay` answers. */
export interface TestPayment {
  readonly order: TestOrder;
  readonly payment_intent: any;
}

/** One line of `amount` USD: the order most tests need. */
export const oneLine = (amount: number): TestLineItem[] => [
  { name: 'Thing', quantity: 1, unit_price_money: { amount, currency: 'USD' } },
];

async function expectOk(res: TestResponse, what: string) {
  if (res.status !== 200) throw new Error(`${what} failed: ${res.status} ${res.text}`);
  return res.body;
}

/** `POST /v1/orders` (one line of 1000 USD unless told); anything but a 200 fails the test. */
export async function createOrder(
  server: Pick<TestServer, 'url'>,
  key: string,
  order: TestOrderInput = { line_items: oneLine(1000) },
): Promise<TestOrder> {
  const res = await request(server, 'POST', '/v1/orders', { key, body: { order } });
  return (await expectOk(res, 'order creation')).order;
}

/** `POST /v1/orders/{id}/pay` with `token` (the whole balance unless `amount`). */
export async function payOrder(
  server: Pick<TestServer, 'url'>,
  key: string,
  orderId: string,
  payment: { readonly token?: string; readonly amount?: number } = {},
): Promise<TestPayment> {
  const { token = 'tok_visa', amount } = payment;
  const res = await request(server, 'POST', `/v1/orders/${orderId}/pay`, {
    key,
    body: { payment: { payment_source_token: token, ...(amount ? { amount } : {}) } },
  });
  return expectOk(res, `payment of ${orderId}`);
}

/**
 * An order created and paid with `token`, in one payment or one per amount of `payments`;
 * returns the last payment's answer (the order as paid, its payment intent).
 */
export async function createPaidOrder(
  server: Pick<TestServer, 'url'>,
  key: string,
  options: {
    readonly order?: TestOrderInput;
    readonly token?: string;
    readonly payments?: readonly number[];
  } = {},
): Promise<TestPayment> {
  const created = await createOrder(server, key, options.order);
  const parts = options.payments ?? [undefined];
  let last: TestPayment | undefined;
  for (const amount of parts) {
    last = await payOrder(server, key, created.order_id, { token: options.token, amount });
  }
  if (!last) throw new Error('createPaidOrder: payments must not be empty');
  return last;
}
