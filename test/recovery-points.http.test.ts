import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectIdempotencyKey } from '../src/adapters/db/repos/idempotency-repo.js';
import { retireInstance, startInstance } from '../src/app/shared/instances.js';
import { createTestAccount, request, startTestServer, type TestServer } from './harness.js';
import {
  keyedPost,
  openOrder,
  recordingSandbox,
  withoutSeparateCompletion,
} from './recovery-fixtures.js';

// Recovery points: a keyed payment or refund stores its answer in the transaction that
// records its outcome, and a retry after a crash resumes from the last step that
// committed (the payment or refund its request key names) — never charging twice.

const sandbox = recordingSandbox();
let server: TestServer;
let dying: TestServer;
beforeAll(async () => {
  server = await startTestServer({ processor: sandbox.processor });
  const live = server.deps.db;
  dying = await startTestServer({
    processor: sandbox.processor,
    deps: { db: withoutSeparateCompletion(live), clock: server.deps.clock },
  });
});
afterAll(async () => {
  await dying.close();
  await server.close();
});

const PAY = { payment: { payment_source_token: 'tok_visa' } };
const tenantOf = (accountId: string) => ({ accountId, mode: 'test' }) as const;

async function keyRow(accountId: string, key: string) {
  return selectIdempotencyKey(server.deps.db, tenantOf(accountId), key);
}

describe('recovery points', () => {
  it('a keyed payment and refund store their answers with their outcomes; a replay is byte for byte the same', async () => {
    const { accountId, testKey: key } = await createTestAccount(server);
    const orderId = await openOrder(server, key);
    const paid = await keyedPost(server, key, `/v1/orders/${orderId}/pay`, PAY, `pay-${orderId}`);
    expect(paid.status).toBe(200);
    expect(paid.body.payment_intent.status).toBe('succeeded');
    const refundBody = { refund: { order_id: orderId, amount: 1200 } };
    const refunded = await keyedPost(server, key, '/v1/refunds', refundBody, `re-${orderId}`);
    expect(refunded.status).toBe(200);
    for (const [first, idempotencyKey, path, body] of [
      [paid, `pay-${orderId}`, `/v1/orders/${orderId}/pay`, PAY],
      [refunded, `re-${orderId}`, '/v1/refunds', refundBody],
    ] as const) {
      const row = await keyRow(accountId, idempotencyKey);
      expect(row).toMatchObject({ state: 'completed', response_status: 200 });
      expect(row?.response_body).toBe(first.text);
      const replay = await keyedPost(server, key, path, body, idempotencyKey);
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      expect(replay.status).toBe(200);
      expect(replay.text).toBe(first.text);
    }
    const charged = sandbox.charges.filter(
      (c) => c.idempotencyKey === paid.body.payment_intent.payment_intent_id,
    );
    expect(charged).toHaveLength(1);
  });

  it('the process dies right after the outcome commits: the key is completed anyway, and the retry replays', async () => {
    const { accountId, testKey: key } = await createTestAccount(server);
    const orderId = await openOrder(server, key);
    // On `dying`, nothing after the command's own transactions can write the key.
    const paid = await keyedPost(dying, key, `/v1/orders/${orderId}/pay`, PAY, `pay-${orderId}`);
    expect(paid.status).toBe(200);
    const payRow = await keyRow(accountId, `pay-${orderId}`);
    expect(payRow).toMatchObject({ state: 'completed', response_status: 200 });
    expect(payRow?.response_body).toBe(paid.text);

    const refundBody = { refund: { order_id: orderId, amount: 500 } };
    const refunded = await keyedPost(dying, key, '/v1/refunds', refundBody, `re-${orderId}`);
    expect(refunded.status).toBe(200);
    expect((await keyRow(accountId, `re-${orderId}`))?.response_body).toBe(refunded.text);

    // A declined card is an outcome too: its 402 is stored with it.
    const other = await openOrder(server, key);
    const declined = await keyedPost(
      dying,
      key,
      `/v1/orders/${other}/pay`,
      { payment: { payment_source_token: 'tok_chargeDeclined' } },
      `declined-${other}`,
    );
    expect(declined.status).toBe(402);
    expect(declined.body.error).toMatchObject({ type: 'processor_error', code: 'card_declined' });
    expect(await keyRow(accountId, `declined-${other}`)).toMatchObject({
      state: 'completed',
      response_status: 402,
      response_body: declined.text,
    });

    // The retries (on a healthy instance) replay; nothing is charged or refunded again.
    const charges = sandbox.charges.length;
    const refunds = sandbox.refunds.length;
    const payAgain = await keyedPost(
      server,
      key,
      `/v1/orders/${orderId}/pay`,
      PAY,
      `pay-${orderId}`,
    );
    expect(payAgain.headers.get('idempotent-replayed')).toBe('true');
    expect(payAgain.text).toBe(paid.text);
    const refundAgain = await keyedPost(server, key, '/v1/refunds', refundBody, `re-${orderId}`);
    expect(refundAgain.text).toBe(refunded.text);
    expect([sandbox.charges.length, sandbox.refunds.length]).toEqual([charges, refunds]);

    // A request whose command records no outcome (a refusal) needs the separate
    // completion, which `dying` cannot write: its key is left in flight, as after a crash.
    const refused = await keyedPost(
      dying,
      key,
      `/v1/orders/${orderId}/pay`,
      PAY,
      `late-${orderId}`,
    );
    expect(refused.status).not.toBe(200);
    expect((await keyRow(accountId, `late-${orderId}`))?.state).toBe('in_flight');
  });

  it('a payment whose process died after its reservation is resumed by the retry, charged once', async () => {
    const { accountId, testKey: key } = await createTestAccount(server);
    const orderId = await openOrder(server, key, 4200);
    const doomed = await startInstance(server.deps.db, 60_000);
    const stuck = await startTestServer({
      processor: sandbox.processor,
      idempotency: { ownerInstanceId: doomed.id },
    });
    const hold = sandbox.holdNext('charge');
    try {
      const first = keyedPost(stuck, key, `/v1/orders/${orderId}/pay`, PAY, `pay-${orderId}`);
      await hold.arrived; // the intent is reserved (committed) and the charge is on its way
      await retireInstance(server.deps.db, doomed); // …when its process dies

      const retry = await keyedPost(
        server,
        key,
        `/v1/orders/${orderId}/pay`,
        PAY,
        `pay-${orderId}`,
      );
      expect(retry.status).toBe(200);
      expect(retry.headers.get('idempotent-replayed')).toBeNull();
      expect(retry.body.payment_intent.status).toBe('succeeded');
      expect(retry.body.order).toMatchObject({
        status: 'PAID',
        net_amounts: { paid_money: { amount: 4200 } },
      });
      const intentId = retry.body.payment_intent.payment_intent_id;
      const intents = await request(server, 'GET', `/v1/payment_intents?order=${orderId}`, { key });
      expect(
        intents.body.payment_intents.map((p: { payment_intent_id: string }) => p.payment_intent_id),
      ).toEqual([intentId]);
      expect((await keyRow(accountId, `pay-${orderId}`))?.response_body).toBe(retry.text);

      // The dead request's charge, once it goes on, is the same charge (same processor key),
      // and what it brings back changes nothing.
      hold.release();
      expect((await first).body.payment_intent.payment_intent_id).toBe(intentId);
      const calls = sandbox.charges.filter((c) => c.idempotencyKey === intentId);
      expect(calls).toHaveLength(2);
      const order = await request(server, 'GET', `/v1/orders/${orderId}`, { key });
      expect(order.body.order).toMatchObject({
        status: 'PAID',
        net_amounts: { paid_money: { amount: 4200 } },
        version: retry.body.order.version,
      });
      const replay = await keyedPost(
        server,
        key,
        `/v1/orders/${orderId}/pay`,
        PAY,
        `pay-${orderId}`,
      );
      expect(replay.text).toBe(retry.text);
    } finally {
      hold.release();
      await stuck.close();
    }
  });

  it('a refund whose process died after its reservation is resumed by the retry, refunded once', async () => {
    const { testKey: key } = await createTestAccount(server);
    const orderId = await openOrder(server, key, 5000);
    expect(
      (await keyedPost(server, key, `/v1/orders/${orderId}/pay`, PAY, `p-${orderId}`)).status,
    ).toBe(200);
    const doomed = await startInstance(server.deps.db, 60_000);
    const stuck = await startTestServer({
      processor: sandbox.processor,
      idempotency: { ownerInstanceId: doomed.id },
    });
    const hold = sandbox.holdNext('refund');
    try {
      const body = { refund: { order_id: orderId, amount: 2000 } };
      const first = keyedPost(stuck, key, '/v1/refunds', body, `re-${orderId}`);
      await hold.arrived;
      await retireInstance(server.deps.db, doomed);

      const retry = await keyedPost(server, key, '/v1/refunds', body, `re-${orderId}`);
      expect(retry.status).toBe(200);
      expect(retry.body.refund).toMatchObject({ status: 'succeeded', amount: 2000 });
      const refundId = retry.body.refund.refund_id;
      hold.release();
      expect((await first).body.refund.refund_id).toBe(refundId);
      const list = await request(server, 'GET', `/v1/refunds?order=${orderId}`, { key });
      expect(list.body.refunds.map((r: { refund_id: string }) => r.refund_id)).toEqual([refundId]);
      const keys = new Set(
        sandbox.refunds
          .filter((r) => r.idempotencyKey.startsWith(refundId))
          .map((r) => r.idempotencyKey),
      );
      expect(keys.size).toBe(1);
      const order = await request(server, 'GET', `/v1/orders/${orderId}`, { key });
      expect(order.body.order).toMatchObject({
        net_amounts: { refunded_money: { amount: 2000 } },
        status: 'PARTIALLY_REFUNDED',
      });
    } finally {
      hold.release();
      await stuck.close();
    }
  });

  it('concurrent duplicates of a keyed payment and refund charge and refund once, all with one answer', async () => {
    const { testKey: key } = await createTestAccount(server);
    const orderId = await openOrder(server, key, 6000);
    const pays = await Promise.all(
      Array.from({ length: 6 }, () =>
        keyedPost(server, key, `/v1/orders/${orderId}/pay`, PAY, `pay-${orderId}`),
      ),
    );
    expect(pays.map((r) => r.status)).toEqual(Array(6).fill(200));
    expect(new Set(pays.map((r) => r.text)).size).toBe(1);
    const intentId = pays[0]?.body.payment_intent.payment_intent_id;
    expect(sandbox.charges.filter((c) => c.idempotencyKey === intentId)).toHaveLength(1);

    const body = { refund: { order_id: orderId, amount: 1000 } };
    const refunds = await Promise.all(
      Array.from({ length: 6 }, () => keyedPost(server, key, '/v1/refunds', body, `re-${orderId}`)),
    );
    expect(refunds.map((r) => r.status)).toEqual(Array(6).fill(200));
    expect(new Set(refunds.map((r) => r.text)).size).toBe(1);
    const list = await request(server, 'GET', `/v1/refunds?order=${orderId}`, { key });
    expect(list.body.refunds).toHaveLength(1);
    const order = await request(server, 'GET', `/v1/orders/${orderId}`, { key });
    expect(order.body.order).toMatchObject({
      net_amounts: { paid_money: { amount: 6000 }, refunded_money: { amount: 1000 } },
    });
  });
});
