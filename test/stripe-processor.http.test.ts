import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  chargeOutcomeOf,
  createStripeClient,
  createStripeProcessor,
  type StripeClientOptions,
} from '../src/adapters/processors/stripe.js';
import type { PaymentProcessor } from '../src/ports/payment-processor.js';
import {
  cardError,
  type FakeStripe,
  paymentIntentObject,
  refundObject,
  startFakeStripe,
} from './fake-stripe.js';

// The Stripe adapter against a local stand-in: the exact requests it makes, and what it
// makes of each answer.

let fake: FakeStripe;
let stripe: PaymentProcessor;
const SECRET = 'sk_test_51FlintAdapterTest0000';

function processorWith(options: StripeClientOptions = {}): PaymentProcessor {
  return createStripeProcessor(
    createStripeClient(SECRET, {
      host: '127.0.0.1',
      port: fake.port,
      protocol: 'http',
      maxNetworkRetries: 0,
      ...options,
    }),
  );
}

beforeAll(async () => {
  fake = await startFakeStripe();
  stripe = processorWith();
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.requests.length = 0;
});

const CHARGE = {
  idempotencyKey: 'pi_01kbjcmbt5mhsmaggfqc1a4rns',
  amount: 1500,
  currency: 'USD',
  paymentSourceToken: 'tok_visa',
  buyerEmail: 'jo@example.com',
  metadata: {
    flint_account_id: 'acct_1',
    flint_mode: 'test',
    flint_order_id: 'ord_1',
    flint_payment_intent_id: 'pi_01kbjcmbt5mhsmaggfqc1a4rns',
  },
};

const REFUND = {
  idempotencyKey: 're_01kbjcmbt5mhsmaggfqc1a4rns:pi_01kbjcmbt5mhsmaggfqc1a4rns',
  processorPaymentId: 'pi_fake1',
  paymentSource: 'tok_visa',
  amount: 700,
  currency: 'USD',
  metadata: { flint_account_id: 'acct_1', flint_mode: 'test', flint_refund_id: 're_1' },
};

let refunds = 0;
/** A refund request with a key of its own, so Stripe creates a new refund. */
function newRefund() {
  refunds += 1;
  return { ...REFUND, idempotencyKey: `${REFUND.idempotencyKey}-${refunds}` };
}

function onlyRequest() {
  expect(fake.requests).toHaveLength(1);
  return fake.requests[0] as FakeStripe['requests'][number];
}

describe('charge', () => {
  it('creates and confirms a PaymentIntent with our idempotency key, and maps a success', async () => {
    const outcome = await stripe.charge(CHARGE);
    const sent = onlyRequest();
    expect(sent.method).toBe('POST');
    expect(sent.path).toBe('/v1/payment_intents');
    expect(sent.headers['idempotency-key']).toBe(CHARGE.idempotencyKey);
    expect(sent.headers.authorization).toBe(`Bearer ${SECRET}`);
    expect(sent.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
    expect(sent.form).toEqual({
      amount: '1500',
      currency: 'usd',
      payment_method: 'tok_visa',
      confirm: 'true',
      'automatic_payment_methods[enabled]': 'true',
      'automatic_payment_methods[allow_redirects]': 'never',
      receipt_email: 'jo@example.com',
      'metadata[flint_account_id]': 'acct_1',
      'metadata[flint_mode]': 'test',
      'metadata[flint_order_id]': 'ord_1',
      'metadata[flint_payment_intent_id]': CHARGE.idempotencyKey,
      // The answer names the card it charged.
      'expand[0]': 'latest_charge',
      'expand[1]': 'payment_method',
    });
    expect(outcome).toEqual({
      status: 'succeeded',
      processorPaymentId: expect.stringMatching(/^pi_fake/),
      processorChargeId: expect.stringMatching(/^ch_fake/),
      amountReceived: 1500,
      card: { brand: 'visa', last4: '4242', expMonth: 8, expYear: 2031, funding: 'credit' },
    });
  });

  it('sends no receipt_email without a buyer email', async () => {
    await stripe.charge({ ...CHARGE, buyerEmail: undefined });
    expect(onlyRequest().form).not.toHaveProperty('receipt_email');
  });

  it('maps requires_action', async () => {
    fake.queue({
      status: 200,
      body: paymentIntentObject({ id: 'pi_3ds', amount: 1500, status: 'requires_action' }),
    });
    expect(await stripe.charge(CHARGE)).toEqual({
      status: 'requires_action',
      processorPaymentId: 'pi_3ds',
    });
  });

  it('maps a 402 card decline to failed with its decline_code and message', async () => {
    fake.queue(
      cardError({
        code: 'card_declined',
        decline_code: 'insufficient_funds',
        message: 'Your card has insufficient funds.',
        payment_intent: paymentIntentObject({
          id: 'pi_declined',
          status: 'requires_payment_method',
        }),
      }),
    );
    expect(await stripe.charge(CHARGE)).toEqual({
      status: 'failed',
      processorPaymentId: 'pi_declined',
      declineCode: 'insufficient_funds',
      message: 'Your card has insufficient funds.',
    });
  });

  it("falls back to the error's code when a decline has no decline_code", async () => {
    fake.queue(cardError({ code: 'expired_card', message: 'Your card has expired.' }));
    expect(await stripe.charge(CHARGE)).toMatchObject({
      status: 'failed',
      processorPaymentId: null,
      declineCode: 'expired_card',
    });
  });

  it('a request Stripe refuses (unknown token, bad key) is a final failure: nothing was charged', async () => {
    fake.queue({
      status: 400,
      body: {
        error: {
          type: 'invalid_request_error',
          code: 'resource_missing',
          message: "No such PaymentMethod: 'tok_nope'",
        },
      },
    });
    expect(await stripe.charge(CHARGE)).toMatchObject({
      status: 'failed',
      declineCode: 'resource_missing',
    });
    fake.queue({
      status: 401,
      body: { error: { type: 'invalid_request_error', message: 'Invalid API Key provided' } },
    });
    expect(await stripe.charge(CHARGE)).toMatchObject({
      status: 'failed',
      declineCode: 'processor_authentication_failed',
    });
  });

  it('throws on a 500, a rate limit and an idempotency conflict: no answer, ask again later', async () => {
    fake.queue({ status: 500, body: { error: { type: 'api_error', message: 'boom' } } });
    await expect(stripe.charge(CHARGE)).rejects.toThrow();
    fake.queue({
      status: 429,
      body: { error: { type: 'invalid_request_error', code: 'rate_limit' } },
    });
    await expect(stripe.charge(CHARGE)).rejects.toThrow();
    fake.queue({
      status: 409,
      body: { error: { type: 'invalid_request_error', code: 'idempotency_key_in_use' } },
    });
    await expect(stripe.charge(CHARGE)).rejects.toThrow();
  });

  it('throws when Stripe is unreachable', async () => {
    const closed = await startFakeStripe();
    await closed.close();
    const unreachable = createStripeProcessor(
      createStripeClient(SECRET, {
        host: '127.0.0.1',
        port: closed.port,
        protocol: 'http',
        maxNetworkRetries: 0,
      }),
    );
    await expect(unreachable.charge(CHARGE)).rejects.toThrow();
  });

  it('throws while the payment is still processing (the webhook or the worker settles it)', async () => {
    fake.queue({
      status: 200,
      body: paymentIntentObject({ id: 'pi_slow', amount: 1500, status: 'processing' }),
    });
    await expect(stripe.charge(CHARGE)).rejects.toThrow(/processing/);
  });

  it('the SDK retries a 500 with the same idempotency key', async () => {
    const retrying = processorWith({ maxNetworkRetries: 1 });
    fake.queue({ status: 500, body: { error: { type: 'api_error', message: 'boom' } } });
    expect((await retrying.charge(CHARGE)).status).toBe('succeeded');
    expect(fake.requests.map((r) => r.headers['idempotency-key'])).toEqual([
      CHARGE.idempotencyKey,
      CHARGE.idempotencyKey,
    ]);
  });
});

describe('refund', () => {
  it('creates a refund of the payment intent with our key, and maps a success with its reference', async () => {
    const outcome = await stripe.refund(REFUND);
    const sent = onlyRequest();
    expect(sent.method).toBe('POST');
    expect(sent.path).toBe('/v1/refunds');
    expect(sent.headers['idempotency-key']).toBe(REFUND.idempotencyKey);
    expect(sent.form).toEqual({
      payment_intent: 'pi_fake1',
      amount: '700',
      'metadata[flint_account_id]': 'acct_1',
      'metadata[flint_mode]': 'test',
      'metadata[flint_refund_id]': 're_1',
    });
    expect(outcome).toEqual({
      status: 'succeeded',
      processorRefundId: expect.stringMatching(/^re_fake/),
      referenceId: expect.stringMatching(/^ARN/),
    });
  });

  it('maps each Stripe refund status', async () => {
    const answers: [Record<string, unknown>, unknown][] = [
      [{ status: 'pending' }, { status: 'pending', processorRefundId: 're_x' }],
      [{ status: 'requires_action' }, { status: 'pending', processorRefundId: 're_x' }],
      [
        { status: 'succeeded', destination_details: { type: 'card', card: { type: 'refund' } } },
        { status: 'succeeded', processorRefundId: 're_x', referenceId: null },
      ],
      [
        { status: 'failed', failure_reason: 'lost_or_stolen_card' },
        { status: 'failed', processorRefundId: 're_x', failureReason: 'lost_or_stolen_card' },
      ],
      [
        { status: 'failed', failure_reason: 'something_new' },
        { status: 'failed', processorRefundId: 're_x', failureReason: 'unknown' },
      ],
      [{ status: 'canceled' }, { status: 'canceled', processorRefundId: 're_x' }],
    ];
    for (const [fields, expected] of answers) {
      fake.queue({ status: 200, body: refundObject({ id: 're_x', amount: 700, ...fields }) });
      expect(await stripe.refund(REFUND)).toEqual(expected);
    }
  });

  it('a refund Stripe refuses fails (sending it again would be refused again); a 500 throws', async () => {
    fake.queue({
      status: 400,
      body: {
        error: {
          type: 'invalid_request_error',
          code: 'charge_already_refunded',
          message: 'Charge has already been refunded.',
        },
      },
    });
    expect(await stripe.refund(REFUND)).toEqual({
      status: 'failed',
      processorRefundId: null,
      failureReason: 'unknown',
    });
    fake.queue({ status: 500, body: { error: { type: 'api_error', message: 'boom' } } });
    await expect(stripe.refund(REFUND)).rejects.toThrow();
  });

  it('refundStatus retrieves the refund', async () => {
    const created = await stripe.refund(newRefund());
    if (created.status !== 'succeeded') throw new Error('expected a succeeded refund');
    fake.requests.length = 0;
    fake.updateRefund(created.processorRefundId, { status: 'failed', failure_reason: 'declined' });
    const status = await stripe.refundStatus({
      processorRefundId: created.processorRefundId,
      paymentSource: null,
    });
    expect(onlyRequest()).toMatchObject({
      method: 'GET',
      path: `/v1/refunds/${created.processorRefundId}`,
    });
    expect(status).toEqual({
      status: 'failed',
      processorRefundId: created.processorRefundId,
      failureReason: 'declined',
    });
  });
});

describe('cancelRefund', () => {
  it('cancels a refund that waits for an action', async () => {
    fake.queue({ status: 200, body: refundObject({ id: 're_wait', status: 'canceled' }) });
    expect(
      await stripe.cancelRefund({ processorRefundId: 're_wait', paymentSource: null }),
    ).toEqual({ status: 'canceled' });
    expect(onlyRequest()).toMatchObject({ method: 'POST', path: '/v1/refunds/re_wait/cancel' });
  });

  it("is not_cancelable when Stripe says it can't be canceled; a 500 throws", async () => {
    const created = await stripe.refund(newRefund());
    if (created.status !== 'succeeded') throw new Error('expected a succeeded refund');
    expect(
      await stripe.cancelRefund({
        processorRefundId: created.processorRefundId,
        paymentSource: null,
      }),
    ).toEqual({ status: 'not_cancelable' });
    fake.queue({ status: 500, body: { error: { type: 'api_error', message: 'boom' } } });
    await expect(
      stripe.cancelRefund({ processorRefundId: 're_any', paymentSource: null }),
    ).rejects.toThrow();
  });
});

describe('cancelPayment', () => {
  it('cancels a PaymentIntent waiting for 3-D Secure', async () => {
    fake.queue({
      status: 200,
      body: paymentIntentObject({ id: 'pi_wait', status: 'canceled', amount: 1000 }),
    });
    expect(
      await stripe.cancelPayment({ processorPaymentId: 'pi_wait', paymentSource: null }),
    ).toEqual({ status: 'canceled' });
    expect(onlyRequest()).toMatchObject({
      method: 'POST',
      path: '/v1/payment_intents/pi_wait/cancel',
    });
  });

  it('is not_cancelable when Stripe refuses (it succeeded); a 500 throws', async () => {
    fake.queue({
      status: 400,
      body: {
        error: {
          type: 'invalid_request_error',
          code: 'payment_intent_unexpected_state',
          message: 'You cannot cancel this PaymentIntent because it has a status of succeeded.',
        },
      },
    });
    expect(
      await stripe.cancelPayment({ processorPaymentId: 'pi_done', paymentSource: null }),
    ).toEqual({ status: 'not_cancelable' });
    fake.queue({ status: 500, body: { error: { type: 'api_error', message: 'boom' } } });
    await expect(
      stripe.cancelPayment({ processorPaymentId: 'pi_any', paymentSource: null }),
    ).rejects.toThrow();
  });

  it("reads the card from the charge's payment_method_details, the payment method, or the error's", async () => {
    const amex = { brand: 'amex', last4: '0005', exp_month: 3, exp_year: 2030 };
    const charge = { id: 'ch_1', payment_method_details: { type: 'card', card: amex } };
    const method = { id: 'pm_1', card: { ...amex, last4: '8431', funding: 'debit' } };
    const card = (intent: Record<string, unknown>) =>
      (chargeOutcomeOf(paymentIntentObject(intent) as never) as { card?: unknown }).card;
    const succeeded = { id: 'pi_a', status: 'succeeded', amount_received: 10 };
    expect(card({ ...succeeded, latest_charge: charge, payment_method: method })).toEqual({
      brand: 'amex',
      last4: '0005',
      expMonth: 3,
      expYear: 2030,
      funding: null,
    });
    expect(card({ ...succeeded, latest_charge: 'ch_1', payment_method: method })).toMatchObject({
      last4: '8431',
      funding: 'debit',
    });
    expect(card({ id: 'pi_b', status: 'requires_action', payment_method: method })).toMatchObject({
      last4: '8431',
    });
    expect(
      card({
        id: 'pi_c',
        status: 'requires_payment_method',
        last_payment_error: { code: 'card_declined', payment_method: method },
      }),
    ).toMatchObject({ last4: '8431' });
    // Unexpanded (a webhook's payload) or malformed: no card, so what was recorded stays.
    expect(card({ ...succeeded, latest_charge: 'ch_1', payment_method: 'pm_1' })).toBeUndefined();
    const bad = { ...charge, payment_method_details: { card: { ...amex, last4: '12' } } };
    expect(card({ ...succeeded, latest_charge: bad })).toBeUndefined();
  });

  it('asks for the card when it looks a payment up, and a decline names the card it refused', async () => {
    const declined = await stripe.charge({
      ...CHARGE,
      idempotencyKey: 'pi_declined_card',
      paymentSourceToken: 'tok_chargeDeclined',
    });
    expect(declined).toMatchObject({ status: 'failed', card: { brand: 'visa', last4: '0002' } });
    const waiting = await stripe.charge({
      ...CHARGE,
      idempotencyKey: 'pi_3ds_card',
      paymentSourceToken: 'tok_threeDSecureRequired',
    });
    fake.requests.length = 0;
    const processorPaymentId = (waiting as { processorPaymentId: string }).processorPaymentId;
    expect(await stripe.paymentOutcome({ processorPaymentId, paymentSource: null })).toEqual({
      status: 'requires_action',
      processorPaymentId,
      card: { brand: 'visa', last4: '3155', expMonth: 8, expYear: 2031, funding: 'credit' },
    });
    expect(onlyRequest().form).toEqual({
      'expand[0]': 'latest_charge',
      'expand[1]': 'payment_method',
    });
  });

  it('maps a canceled PaymentIntent without an error to canceled, not failed', () => {
    expect(
      chargeOutcomeOf(paymentIntentObject({ id: 'pi_c', status: 'canceled' }) as never),
    ).toEqual({ status: 'canceled', processorPaymentId: 'pi_c' });
  });
});
