import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectPaymentIntentById } from '../src/adapters/db/repos/payment-intents-repo.js';
import { createSandboxProcessor } from '../src/adapters/processors/sandbox.js';
import { settle } from '../src/app/payments/settle-payment.js';
import type { PaymentProcessor } from '../src/ports/payment-processor.js';
import { create } from './catalog-fixtures.js';
import { createTestAccount, request, startTestServer, type TestServer } from './harness.js';

// A declined payment that was to settle the order gives back the stock it took, in the
// order change that records the decline. When that change fails, the give-back must be
// undone with it (it once stayed committed: the transaction committed on a returned
// failure), so the stock is not given back twice when the answer is recorded again.

const sandbox = createSandboxProcessor();
let unreachable = false;
const flaky: PaymentProcessor = {
  ...sandbox,
  charge: async (r) => {
    if (unreachable) throw new Error('timeout');
    return sandbox.charge(r);
  },
};

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ processor: flaky });
});
afterAll(() => server.close());

describe('settle, when the order change fails after the give-back', () => {
  it('undoes the give-back, records nothing, and records it all once the change can be made', async () => {
    const { testKey: key, accountId } = await createTestAccount(server);
    const tenant = { accountId, mode: 'test' as const };
    const product = await create(server, key, 'products', 'product', {
      name: 'Mat',
      inventory: { tracked: true, quantity: 3 },
    });
    const created = await request(server, 'POST', '/v1/orders', {
      key,
      body: {
        order: {
          line_items: [
            {
              product_id: product.product_id,
              name: 'Mat',
              quantity: 2,
              unit_price_money: { amount: 1000 },
            },
          ],
        },
      },
    });
    expect(created.status, created.text).toBe(200);
    const orderId: string = created.body.order.order_id;
    // The processor does not answer: the intent stays processing, holding 2 of the 3.
    unreachable = true;
    try {
      const pay = await request(server, 'POST', `/v1/orders/${orderId}/pay`, {
        key,
        body: { payment: { payment_source_token: 'tok_visa' } },
      });
      expect(pay.status, pay.text).toBe(502);
    } finally {
      unreachable = false;
    }
    const stock = async () =>
      (await request(server, 'GET', `/v1/products/${product.product_id}`, { key })).body.product
        .inventory.quantity;
    expect(await stock()).toBe(1);
    const intentId: string = (
      await request(server, 'GET', `/v1/payment_intents?order=${orderId}`, { key })
    ).body.payment_intents[0].payment_intent_id;
    const intent = await selectPaymentIntentById(server.deps.db, tenant, intentId);
    if (!intent) throw new Error('no intent');

    // The order can no longer be re-priced within the limits (its line, changed under it,
    // now costs more than the largest amount): the change that records the decline fails.
    const { db } = server.deps;
    const line = db.updateTable('order_line_items').where('order_id', '=', orderId);
    await line.set({ unit_amount: 60_000_000_000 }).execute();
    const declined = {
      status: 'failed' as const,
      processorPaymentId: null,
      declineCode: 'card_declined',
      message: 'Your card was declined.',
    };
    const actor = { type: 'system' as const, id: null };
    const ctx = { deps: server.deps, tenant, actor };
    const failed = await settle(ctx, { intent, outcome: declined });
    expect(failed.ok).toBe(false);
    if (!failed.ok) expect(failed.error.code).toBe('parameter_invalid');
    expect(await stock()).toBe(1); // not given back: undone with the change
    const still = await selectPaymentIntentById(db, tenant, intentId);
    expect(still?.status).toBe('processing');

    // Once the order can be changed again, the decline is recorded and the stock given back once.
    await line.set({ unit_amount: 1000 }).execute();
    const recorded = await settle(ctx, { intent, outcome: declined });
    expect(recorded.ok).toBe(true);
    if (recorded.ok) expect(recorded.value.paymentIntent.status).toBe('failed');
    expect(await stock()).toBe(3);
  });
});
