import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStripeClient, createStripeProcessor } from '../src/adapters/processors/stripe.js';
import type { PaymentProcessor } from '../src/ports/payment-processor.js';
import { createTestAccount, request, startTestServer, type TestServer } from './harness.js';

// Against real Stripe, in test mode only: runs when STRIPE_SECRET_KEY holds an sk_test_
// key (these machines have no internet, so it is normally skipped, and says so).

const secretKey = process.env.STRIPE_SECRET_KEY ?? '';
const usable = /^(sk|rk)_test_/.test(secretKey);
if (!usable) {
  console.warn(
    secretKey
      ? '[stripe-live] SKIPPED: STRIPE_SECRET_KEY is not a test-mode key (sk_test_…/rk_test_…); these tests never run against live Stripe.'
      : '[stripe-live] SKIPPED: STRIPE_SECRET_KEY is not set; set a Stripe test-mode key to charge pm_card_visa and refund it in Stripe.',
  );
}

describe.skipIf(!usable)('Stripe test mode (STRIPE_SECRET_KEY)', () => {
  // Built in beforeAll: the body of a skipped describe still runs, and the SDK refuses an
  // empty key.
  let stripe: PaymentProcessor;
  beforeAll(() => {
    stripe = createStripeProcessor(createStripeClient(secretKey, { maxNetworkRetries: 2 }));
  });
  const metadata = { flint_account_id: 'acct_live_test', flint_mode: 'test' };

  it('charges pm_card_visa, idempotently, then refunds part of it', async () => {
    const key = `flint-test-${randomUUID()}`;
    const charge = { idempotencyKey: key, amount: 1234, currency: 'USD', metadata };
    const first = await stripe.charge({ ...charge, paymentSourceToken: 'pm_card_visa' });
    expect(first).toMatchObject({
      status: 'succeeded',
      processorPaymentId: expect.stringMatching(/^pi_/),
      processorChargeId: expect.stringMatching(/^ch_/),
      amountReceived: 1234,
    });
    const again = await stripe.charge({ ...charge, paymentSourceToken: 'pm_card_visa' });
    expect(again).toEqual(first);
    if (first.status !== 'succeeded') return;

    const refund = await stripe.refund({
      idempotencyKey: `${key}:refund`,
      processorPaymentId: first.processorPaymentId,
      paymentSource: null,
      amount: 500,
      currency: 'USD',
      metadata,
    });
    expect(['succeeded', 'pending']).toContain(refund.status);
    if (refund.status !== 'succeeded' && refund.status !== 'pending') return;
    const status = await stripe.refundStatus({
      processorRefundId: refund.processorRefundId,
      paymentSource: null,
    });
    expect(status).toMatchObject({ processorRefundId: refund.processorRefundId });
    expect(['succeeded', 'pending']).toContain(status.status);
    expect(
      await stripe.cancelRefund({
        processorRefundId: refund.processorRefundId,
        paymentSource: null,
      }),
    ).toEqual({ status: 'not_cancelable' });
  });

  it('declines pm_card_chargeDeclinedInsufficientFunds with its decline code', async () => {
    const outcome = await stripe.charge({
      idempotencyKey: `flint-test-${randomUUID()}`,
      amount: 1000,
      currency: 'USD',
      paymentSourceToken: 'pm_card_chargeDeclinedInsufficientFunds',
      metadata,
    });
    expect(outcome).toMatchObject({ status: 'failed', declineCode: 'insufficient_funds' });
  });

  describe('through Flint', () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer({ encryptionKey: randomBytes(32) });
    });
    afterAll(() => server.close());

    it('an account set to Stripe pays an order and refunds it', async () => {
      const { testKey: key } = await createTestAccount(server);
      const set = await request(server, 'PUT', '/v1/processor', {
        key,
        body: { processor: { type: 'stripe', secret_key: secretKey } },
      });
      expect(set.status, set.text).toBe(200);
      const order = await request(server, 'POST', '/v1/orders', {
        key,
        body: {
          order: {
            line_items: [{ name: 'Thing', quantity: 1, unit_price_money: { amount: 2000 } }],
          },
        },
      });
      const paid = await request(server, 'POST', `/v1/orders/${order.body.order.order_id}/pay`, {
        key,
        body: { payment: { payment_source_token: 'pm_card_visa' } },
      });
      expect(paid.status, paid.text).toBe(200);
      expect(paid.body.payment_intent).toMatchObject({ status: 'succeeded', processor: 'stripe' });
      const refund = await request(server, 'POST', '/v1/refunds', {
        key,
        body: { refund: { order_id: order.body.order.order_id, amount: 700 } },
      });
      expect(refund.status, refund.text).toBe(200);
      expect(['succeeded', 'pending']).toContain(refund.body.refund.status);
    });
  });
});
