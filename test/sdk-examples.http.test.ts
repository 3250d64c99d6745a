import { execFile } from 'node:child_process';
import { type AddressInfo, connect, createServer, type Server, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Flint, type Order, type PayResult, type Refund } from 'flint-sdk';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestAccount, request, startTestServer, type TestServer } from './harness.js';

// The SDK against the real server: the seed page's own snippets (sdk/examples, as the
// page writes them but for the edits listed in sdk/examples/README.md) typecheck and give
// the page's numbers; and a refund whose answer is lost on the wire is retried into the
// same refund.

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const examples = new URL('../sdk/examples/', import.meta.url);

/**
 * A fresh account, which the examples' `flint` (sdk/examples/flint.ts) then uses: its key
 * and the server's address in the environment, every example module to be run anew.
 */
async function useNewAccount(): Promise<Flint> {
  const { testKey } = await createTestAccount(server);
  vi.stubEnv('FLINT_API_KEY', testKey);
  vi.stubEnv('FLINT_BASE_URL', server.url);
  vi.resetModules();
  return new Flint(testKey, { baseUrl: server.url });
}
afterEach(() => {
  vi.unstubAllEnvs();
});

/** Runs an example (a module whose top level is the snippet) and gives its exports. */
function run<T>(name: string): Promise<T> {
  return import(new URL(`${name}.ts`, examples).href);
}

describe("the seed page's snippets (004), in sdk/examples", () => {
  it('typecheck in a strict project of their own', async () => {
    const tsc = fileURLToPath(new URL('../node_modules/typescript/bin/tsc', import.meta.url));
    const project = fileURLToPath(new URL('tsconfig.json', examples));
    const checked = await promisify(execFile)(process.execPath, [tsc, '-p', project]).then(
      () => ({ code: 0, output: '' }),
      (e: { code: number; stdout: string }) => ({ code: e.code, output: e.stdout }),
    );
    expect(checked).toEqual({ code: 0, output: '' });
  });

  it('"the API does it": 13824, 11059, PAID, then PARTIALLY_REFUNDED, refunded 2900, balance 0', async () => {
    const flint = await useNewAccount();
    const { order, result } = await run<{ order: Order; result: PayResult }>('the-api-does-it');
    expect(order.netAmounts.totalMoney.amount).toBe(13824);
    expect(result.order.status).toBe('PAID');
    expect(result.order.netAmounts.paidMoney.amount).toBe(11059);
    const after = await flint.orders.get(order.id);
    expect(after.status).toBe('PARTIALLY_REFUNDED');
    expect(after.netAmounts.totalMoney.amount).toBe(11059);
    expect(after.netAmounts.refundedMoney.amount).toBe(2900);
    expect(after.netAmounts.balanceMoney.amount).toBe(0);
    const preview = await flint.refunds.preview({
      orderId: order.id,
      amountMoney: { amount: 100, currency: 'USD' },
    });
    expect(preview).toMatchObject({ object: 'refund_preview', amount: 100 });
    expect(preview.remainingRefundable).toBe(11059 - 2900 - 100);
  });

  it('the five steps: 13824, 11059, PAID, a 2900 refund, PARTIALLY_REFUNDED with balance 0', async () => {
    const flint = await useNewAccount();
    const final = await run<{ order: Order }>('5-final-state');
    const { customer } = await run<{ customer: { id: string } }>('account');
    const { order } = await run<{ order: Order }>('1-create-order');
    expect(order.customerId).toBe(customer.id);
    expect(order.status).toBe('OPEN');
    expect(amounts(order)).toMatchObject({
      subtotalMoney: 12800,
      taxMoney: 1024,
      totalMoney: 13824,
      balanceMoney: 13824,
    });
    const { updated } = await run<{ updated: Order }>('2-apply-coupon');
    expect(amounts(updated)).toMatchObject({
      subtotalMoney: 12800,
      discountMoney: 2560,
      taxMoney: 819,
      totalMoney: 11059,
      balanceMoney: 11059,
    });
    const { result } = await run<{ result: PayResult }>('3-pay-order');
    expect(result.order.status).toBe('PAID');
    expect(result.paymentIntent?.buyerEmail).toBe('alex@example.com');
    expect(amounts(result.order)).toMatchObject({ paidMoney: 11059, balanceMoney: 0 });
    const { refund } = await run<{ refund: Refund }>('4-refund');
    expect(refund).toMatchObject({ amount: 2900, currency: 'USD', orderId: order.id });
    expect(final.order.status).toBe('PARTIALLY_REFUNDED');
    expect(amounts(final.order)).toMatchObject({
      totalMoney: 11059,
      paidMoney: 11059,
      refundedMoney: 2900,
      balanceMoney: 0,
    });
    // Step 4's idempotencyKey reached the server: the same call again is the same refund.
    const again = await flint.refunds.create({
      paymentIntentId: refund.paymentIntentId,
      amountMoney: { amount: 2900, currency: 'USD' },
      reason: 'requested_by_customer',
      idempotencyKey: 'refund-support-addon-01',
    });
    expect(again.id).toBe(refund.id);
    const refunds = await flint.refunds.list({ order: order.id }).toArray();
    expect(refunds.map((r) => r.id)).toEqual([refund.id]);
  });

  it('quickstart: pay({ orderId: order.id, paymentSourceTokens }) makes the order PAID', async () => {
    await useNewAccount();
    await run('account');
    const { order, result } = await run<{ order: Order; result: PayResult }>('quickstart');
    expect(amounts(order)).toMatchObject({ taxMoney: 792, totalMoney: 10692 });
    expect(result.order.id).toBe(order.id);
    expect(result.order.status).toBe('PAID');
    expect(amounts(result.order)).toMatchObject({ paidMoney: 10692, balanceMoney: 0 });
  });
});

/** An order's net amounts, as plain numbers. */
function amounts(order: Order): Record<string, number> {
  return Object.fromEntries(
    Object.entries(order.netAmounts).map(([name, money]) => [name, money.amount]),
  );
}

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
  const { paymentIntent } = await flint.orders.pay(order.id, {
    paymentSourceTokens: ['tok_visa'],
  });
  if (!paymentIntent) throw new Error('a 9900 order is paid by a payment intent');
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
