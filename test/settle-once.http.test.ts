import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectPaymentIntentById } from '../src/adapters/db/repos/payment-intents-repo.js';
import { createSandboxProcessor } from '../src/adapters/processors/sandbox.js';
import { settle } from '../src/app/payments/settle-payment.js';
import type { PaymentProcessor } from '../src/ports/payment-processor.js';
import { createTestAccount, request, startTestServer, type TestServer } from './harness.js';

// A processor's answer is recorded once, with the order's change, its events and the
// checkout sessions it completes in one statement: a second answer for the same intent
// (a retry, a webhook, the settlement worker) undoes its own work and reports the first.

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

describe('settle', () => {
  it('records one answer once, even when two arrive together', async () => {
    const { testKey: key, accountId } = await createTestAccount(server);
    const tenant = { accountId, mode: 'test' as const };
    const created = await request(server, 'POST', '/v1/orders', {
      key,
      body: {
        order: { line_items: [{ name: 'A', quantity: 1, unit_price_money: { amount: 2500 } }] },
      },
    });
    const orderId: string = created.body.order.order_id;
    const session = await request(server, 'POST', '/v1/checkout/sessions', {
      key,
      body: { checkout_session: { order_id: orderId, success_url: 'https://shop.example/done' } },
    });
    expect(session.status, session.text).toBe(200);
    const sessionId: string = session.body.checkout_session.checkout_session_id;
    unreachable = true;
    try {
      const pay = await request(server, 'POST', `/v1/orders/${orderId}/pay`, {
        key,
        body: { payment: { payment_source_token: 'tok_visa' } },
      });
      expect(pay.status).toBe(502);
    } finally {
      unreachable = false;
    }
    const intentId: string = (
      await request(server, 'GET', `/v1/payment_intents?order=${orderId}`, { key })
    ).body.payment_intents[0].payment_intent_id;
    const intent = await selectPaymentIntentById(server.deps.db, tenant, intentId);
    if (!intent) throw new Error('no intent');
    const outcome = await sandbox.charge({
      idempotencyKey: intent.id,
      amount: intent.amount,
      currency: intent.currency,
      paymentSourceToken: 'tok_visa',
      metadata: {},
    });
    const actor = { type: 'system' as const, id: null };
    const results = await Promise.all([
      settle({ deps: server.deps, tenant, actor }, { intent, outcome }),
      settle({ deps: server.deps, tenant, actor }, { intent, outcome }),
    ]);
    for (const result of results) {
      expect(result.ok).toBe(true);
      if (result.ok) {
        expect(result.value.paymentIntent.status).toBe('succeeded');
        expect(result.value.order.order).toMatchObject({ status: 'PAID', paid: 2500, version: 2 });
      }
    }
    const events = await server.deps.db
      .selectFrom('events')
      .select(['type', 'object_id'])
      .where('account_id', '=', accountId)
      .where('type', 'in', ['payment_intent.succeeded', 'order.paid', 'checkout.session.completed'])
      .orderBy('id')
      .execute();
    expect(events).toEqual([
      { type: 'payment_intent.succeeded', object_id: intentId },
      { type: 'order.paid', object_id: orderId },
      { type: 'checkout.session.completed', object_id: sessionId },
    ]);
    const got = await request(server, 'GET', `/v1/checkout/sessions/${sessionId}`, { key });
    expect(got.body.checkout_session.status).toBe('complete');
  });
});
