import { type AddressInfo, connect, createServer, type Server, type Socket } from 'node:net';
import { Flint } from 'flint-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareAccount, walkthrough } from '../sdk/examples/walkthrough.js';
import { createTestAccount, request, startTestServer, type TestServer } from './harness.js';

// The SDK against the real server: the seed page's walkthrough prints the seed's numbers,
// and a refund whose answer is lost on the wire is retried into the same refund.

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

describe('the SDK walkthrough (seed 004)', () => {
  it('prints 13824, 11059, PAID, PARTIALLY_REFUNDED, 2900 and balance 0', async () => {
    const { testKey } = await createTestAccount(server);
    const flint = new Flint({ apiKey: testKey, baseUrl: server.url });
    await prepareAccount(flint);
    const lines: string[] = [];
    await walkthrough(flint, (line) => lines.push(line));
    expect(lines).toEqual([
      'order.netAmounts.totalMoney → 13824',
      'after LAUNCH20 → 11059',
      'status → PAID',
      'refund 2900 → status PARTIALLY_REFUNDED',
      'refunded 2900, balance 0',
    ]);
  });
});

/**
 * A TCP proxy to the server that, once armed, cuts the client's connection when the
 * answer to the next request starts to come back: the server has done the work and
 * committed, and the client never hears of it.
 */
async function cuttingProxy(target: string) {
  const targetPort = Number(new URL(target).port);
  let armed = false;
  let cuts = 0;
  const sockets = new Set<Socket>();
  const proxy: Server = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    sockets.add(client).add(upstream);
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('data', (chunk) => upstream.write(chunk));
    upstream.on('data', (chunk) => {
      if (armed && chunk.toString('latin1').startsWith('HTTP/1.1 ')) {
        armed = false;
        cuts += 1;
        close();
        return;
      }
      client.write(chunk);
    });
    client.on('close', close).on('error', close);
    upstream.on('close', close).on('error', close);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const { port } = proxy.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    arm: () => {
      armed = true;
    },
    cuts: () => cuts,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        proxy.close(() => resolve());
      }),
  };
}

/** A $99 order, paid with the sandbox's tok_visa. */
async function paidOrder(flint: Flint) {
  const order = await flint.orders.create({
    lineItems: [{ name: 'Pro Plan', quantity: 1, unitPriceMoney: { amount: 9900 } }],
  });
  const { paymentIntent } = await flint.orders.pay(order.orderId, {
    paymentSourceToken: 'tok_visa',
  });
  return { order, paymentIntent };
}

describe('SDK retries', () => {
  it('a refund committed by the server but whose answer is cut is retried into the same refund', async () => {
    const { testKey } = await createTestAccount(server);
    const proxy = await cuttingProxy(server.url);
    try {
      const flint = new Flint({ apiKey: testKey, baseUrl: proxy.url, retryDelayMs: 10 });
      const { order, paymentIntent } = await paidOrder(flint);
      proxy.arm();
      const refund = await flint.refunds.create({
        paymentIntentId: paymentIntent.paymentIntentId,
        amount: 2900,
        reason: 'requested_by_customer',
      });
      // The first answer was cut after the server committed; the SDK's retry, with the
      // same idempotency key, got that refund back instead of making a second one.
      expect(proxy.cuts()).toBe(1);
      expect(refund).toMatchObject({ amount: 2900, status: 'succeeded' });
      const refunds = await request(server, 'GET', `/v1/refunds?order=${order.orderId}`, {
        key: testKey,
      });
      expect(refunds.body.refunds.map((r: { refund_id: string }) => r.refund_id)).toEqual([
        refund.refundId,
      ]);
      const after = await flint.orders.get(order.orderId);
      expect(after.netAmounts.refundedMoney.amount).toBe(2900);
      expect(after.status).toBe('PARTIALLY_REFUNDED');
    } finally {
      await proxy.close();
    }
  });

  it('without retries the cut answer is a FlintConnectionError, and the refund still happened once', async () => {
    const { testKey } = await createTestAccount(server);
    const proxy = await cuttingProxy(server.url);
    try {
      const flint = new Flint({ apiKey: testKey, baseUrl: proxy.url, maxRetries: 0 });
      const { order, paymentIntent } = await paidOrder(flint);
      proxy.arm();
      const params = { paymentIntentId: paymentIntent.paymentIntentId, amount: 2900 };
      await expect(
        flint.refunds.create(params, { idempotencyKey: 'refund-once-1' }),
      ).rejects.toMatchObject({ name: 'FlintConnectionError', status: 0 });
      // The caller's own retry with the same key gets the same refund.
      const again = await flint.refunds.create(params, { idempotencyKey: 'refund-once-1' });
      const refunds = await flint.refunds.list({ order: order.orderId }).toArray();
      expect(refunds.map((r) => r.refundId)).toEqual([again.refundId]);
    } finally {
      await proxy.close();
    }
  });
});
