import type { ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Kysely } from 'kysely';
import { expect } from 'vitest';
import type { Database } from '../src/adapters/db/schema.js';
import { type Call, Cluster, send } from './cluster-client.js';
import { exitOf } from './flint-process.js';
import { connectionPorts } from './process-sockets.js';
import { type Receiver, waitFor } from './webhook-receiver.js';

// The steps of multi-process.db.test.ts: one order's flow over the cluster, and the two
// kills — a server with payments and refunds in flight on it, a worker mid-delivery.

/** How long the doomed server's processor takes to answer: its requests are in flight that long. */
export const DOOMED_LATENCY_MS = 5000;
/** How long the receiver holds each delivery while a worker is to be killed mid-delivery. */
export const SLOW_RECEIVER_MS = 1000;
export const PAYMENT = { payment: { payment_source_token: 'tok_visa' } };

export async function createOrder(cluster: Cluster, name: string, amount: number): Promise<string> {
  const order = await cluster.post(
    '/v1/orders',
    { order: { line_items: [{ name, quantity: 1, unit_price_money: { amount } }] } },
    `order-${name.replaceAll(' ', '-')}`,
  );
  expect(order.status, JSON.stringify(order.body)).toBe(200);
  return order.body.order.order_id;
}

/** One order: created, paid (the same payment sent twice at once), refunded in two steps. */
export async function flow(cluster: Cluster, i: number): Promise<string> {
  const id = await createOrder(cluster, `Flow ${i}`, 1000 + i);
  const paid = await Promise.all([
    cluster.post(`/v1/orders/${id}/pay`, PAYMENT, `pay-${i}`),
    cluster.post(`/v1/orders/${id}/pay`, PAYMENT, `pay-${i}`),
  ]);
  for (const answer of paid) expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  const [first, again] = paid.map((answer) => answer.body.payment_intent.payment_intent_id);
  expect(again).toBe(first);
  // Two refunds of 60% each, at once on two servers: never both.
  const part = Math.ceil((1000 + i) * 0.6);
  const refunds = await Promise.all(
    ['a', 'b'].map((side) =>
      cluster.post(
        '/v1/refunds',
        { refund: { order_id: id, amount: part } },
        `refund-${i}-${side}`,
      ),
    ),
  );
  for (const answer of refunds) expect(answer.status).toBeLessThan(500);
  expect(refunds.filter((r) => r.status === 200)).toHaveLength(1);
  const rest = await cluster.post('/v1/refunds', { refund: { order_id: id } }, `rest-${i}`);
  expect(rest.status, JSON.stringify(rest.body)).toBe(200);
  return id;
}

/**
 * Pays three orders and refunds 60% of three paid ones on `doomed` — whose processor takes
 * DOOMED_LATENCY_MS — and SIGKILLs it once all six reached the processor, none answered.
 * Then a rival 60% refund of each is refused (the dead server's refund still counts) and
 * the six are retried with their keys on the survivors: each finishes exactly once.
 */
export async function killServerMidRequests(
  cluster: Cluster,
  db: Kysely<Database>,
  key: string,
  doomed: { base: string; child: ChildProcess },
): Promise<string[]> {
  const survivors = new Cluster(
    cluster.bases.filter((base) => base !== doomed.base),
    key,
  );
  const toPay = await Promise.all([0, 1, 2].map((j) => createOrder(survivors, `Pay ${j}`, 2000)));
  const toRefund = await Promise.all(
    [0, 1, 2].map(async (j) => {
      const id = await createOrder(survivors, `Refund ${j}`, 2000);
      expect((await survivors.post(`/v1/orders/${id}/pay`, PAYMENT, `paid-${j}`)).status).toBe(200);
      return id;
    }),
  );
  const refund = (id: string, amount: number) => ({ refund: { order_id: id, amount } });
  const batch: Call[] = [
    ...toPay.map((id, j) => ({
      method: 'POST' as const,
      path: `/v1/orders/${id}/pay`,
      body: PAYMENT,
      idempotencyKey: `crash-pay-${j}`,
    })),
    ...toRefund.map((id, j) => ({
      method: 'POST' as const,
      path: '/v1/refunds',
      body: refund(id, 1200),
      idempotencyKey: `crash-refund-${j}`,
    })),
  ];
  const keys = batch.map((call) => call.idempotencyKey as string);
  const cutShort = batch.map((call) =>
    send(doomed.base, key, call).then(
      () => 'answered',
      () => null,
    ),
  );
  await waitFor(
    'the whole batch at the processor',
    async () => {
      const intents = await db
        .selectFrom('payment_intents')
        .select('id')
        .where('request_key', 'in', keys)
        .execute();
      const refunds = await db
        .selectFrom('refunds')
        .select('id')
        .where('request_key', 'in', keys)
        .execute();
      return intents.length + refunds.length === batch.length;
    },
    DOOMED_LATENCY_MS * 6,
  );
  doomed.child.kill('SIGKILL');
  await exitOf(doomed.child);
  expect(doomed.child.signalCode).toBe('SIGKILL');
  expect(await Promise.all(cutShort)).toEqual(batch.map(() => null)); // killed mid-request
  cluster.remove(doomed.base);

  const rivals = await Promise.all(
    toRefund.map((id, j) => cluster.post('/v1/refunds', refund(id, 1200), `rival-${j}`)),
  );
  for (const rival of rivals)
    expect([400, 409, 422], JSON.stringify(rival.body)).toContain(rival.status);
  const retried = await Promise.all(batch.map((call) => cluster.call(call)));
  for (const answer of retried) expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  for (const [j, id] of toPay.entries()) {
    const rows = await db
      .selectFrom('payment_intents')
      .selectAll()
      .where('order_id', '=', id)
      .execute();
    expect(rows.map((r) => [r.request_key, r.status])).toEqual([[`crash-pay-${j}`, 'succeeded']]);
    expect(retried[j]?.body.payment_intent.payment_intent_id).toBe(rows[0]?.id);
  }
  for (const [j, id] of toRefund.entries()) {
    const rows = await db.selectFrom('refunds').selectAll().where('order_id', '=', id).execute();
    expect(rows.map((r) => [r.request_key, r.amount, r.status])).toEqual([
      [`crash-refund-${j}`, 1200, 'succeeded'],
    ]);
    expect(retried[3 + j]?.body.refund.refund_id).toBe(rows[0]?.id);
  }
  // The rest of every order given back, so every order ends refunded in full.
  const orders = [...toPay, ...toRefund];
  for (const [j, id] of orders.entries()) {
    const rest = await cluster.post('/v1/refunds', { refund: { order_id: id } }, `crash-rest-${j}`);
    expect(rest.status, JSON.stringify(rest.body)).toBe(200);
  }
  return orders;
}

/**
 * SIGKILLs `worker` while a delivery it sent is held open by the receiver, which must be
 * answering slowly (SLOW_RECEIVER_MS) from the call on: one of the worker's connections to
 * the receiver carries a request not answered yet. Orders are made meanwhile so that there
 * is something to deliver.
 */
export async function killWorkerMidDelivery(
  cluster: Cluster,
  receiver: Receiver,
  worker: ChildProcess,
): Promise<void> {
  const port = Number(new URL(receiver.url).port);
  const since = Date.now(); // the receiver is slow from here on
  let made = 0;
  await waitFor(
    'the worker mid-delivery',
    async () => {
      const held = new Set(
        receiver.received
          .filter((r) => r.at >= since && r.at > Date.now() - SLOW_RECEIVER_MS + 100)
          .map((r) => r.remotePort),
      );
      if (connectionPorts(worker.pid as number, port).some((p) => held.has(p))) return true;
      await createOrder(cluster, `Nudge ${made++}`, 500);
      await sleep(200);
      return false;
    },
    120_000,
  );
  worker.kill('SIGKILL');
  await exitOf(worker);
  expect(worker.signalCode).toBe('SIGKILL');
}
