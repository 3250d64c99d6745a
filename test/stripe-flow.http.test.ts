import { randomBytes } from 'node:crypto';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { create, expectError } from './catalog-fixtures.js';
import {
  type FakeStripe,
  paymentIntentObject,
  refundObject,
  type StripeRequest,
  startFakeStripe,
} from './fake-stripe.js';
import { createTestAccount, request, startTestServer, type TestServer } from './harness.js';

// Flint's own API with an account on Stripe (a local stand-in for it): pay, refund, and
// Stripe's webhooks moving payments and refunds.

let fake: FakeStripe;
let server: TestServer;
beforeAll(async () => {
  fake = await startFakeStripe();
  server = await startTestServer({
    encryptionKey: randomBytes(32),
    stripe: { host: '127.0.0.1', port: fake.port, protocol: 'http', maxNetworkRetries: 0 },
  });
});
afterAll(async () => {
  await server.close();
  await fake.close();
});

const WEBHOOK_SECRET = 'whsec_flintFlowTest0123456789abcdef';
const post = (key: string, path: string, body?: unknown) =>
  request(server, 'POST', path, { key, body });
const get = async (key: string, path: string) => {
  const res = await request(server, 'GET', path, { key });
  expect(res.status, res.text).toBe(200);
  return res.body;
};

async function stripeAccount() {
  const account = await createTestAccount(server);
  const secretKey = `sk_test_51${randomBytes(12).toString('hex')}`;
  const res = await request(server, 'PUT', '/v1/processor', {
    key: account.testKey,
    body: {
      processor: { type: 'stripe', secret_key: secretKey, webhook_secret: WEBHOOK_SECRET },
    },
  });
  expect(res.status, res.text).toBe(200);
  return { ...account, key: account.testKey, secretKey };
}

async function newOrder(key: string, amount = 1000) {
  const res = await post(key, '/v1/orders', {
    order: { line_items: [{ name: 'Thing', quantity: 1, unit_price_money: { amount } }] },
  });
  expect(res.status, res.text).toBe(200);
  return res.body.order.order_id as string;
}

/** The requests made to Stripe with this account's key since `from`. */
function sentWith(secretKey: string, from = 0): StripeRequest[] {
  return fake.requests.slice(from).filter((r) => r.headers.authorization === `Bearer ${secretKey}`);
}

/** Posts a Stripe event, signed like Stripe does (pretty-printed: the raw bytes are signed). */
function deliver(
  type: string,
  object: Record<string, unknown>,
  options: { secret?: string; livemode?: boolean; signature?: string } = {},
) {
  const payload = JSON.stringify(
    {
      id: `evt_${randomBytes(8).toString('hex')}`,
      object: 'event',
      type,
      livemode: options.livemode ?? false,
      created: Math.floor(Date.now() / 1000),
      data: { object },
    },
    null,
    2,
  );
  const signature =
    options.signature ??
    Stripe.webhooks.generateTestHeaderString({ payload, secret: options.secret ?? WEBHOOK_SECRET });
  return request(server, 'POST', '/v1/processors/stripe/webhook', {
    raw: payload,
    headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': signature },
  });
}

async function paid(key: string, token = 'tok_visa', amount = 1000) {
  const orderId = await newOrder(key, amount);
  const res = await post(key, `/v1/orders/${orderId}/pay`, {
    payment: { payment_source_token: token, buyer_email: 'jo@example.com' },
  });
  return { orderId, res, intent: res.body?.payment_intent };
}

describe('paying and refunding through Stripe', () => {
  it('charges with the account key, our intent id as idempotency key and our ids as metadata', async () => {
    const account = await stripeAccount();
    const from = fake.requests.length;
    const { orderId, res, intent } = await paid(account.key);
    expect(res.status, res.text).toBe(200);
    expect(res.body.order.status).toBe('PAID');
    expect(intent).toMatchObject({
      status: 'succeeded',
      processor: 'stripe',
      amount_received: 1000,
      latest_charge: expect.stringMatching(/^ch_fake/),
    });
    const [sent, ...more] = sentWith(account.secretKey, from);
    expect(more).toEqual([]);
    expect(sent).toMatchObject({ method: 'POST', path: '/v1/payment_intents' });
    expect(sent?.headers['idempotency-key']).toBe(intent.payment_intent_id);
    expect(sent?.form).toMatchObject({
      amount: '1000',
      currency: 'usd',
      payment_method: 'tok_visa',
      confirm: 'true',
      receipt_email: 'jo@example.com',
      'metadata[flint_account_id]': account.accountId,
      'metadata[flint_mode]': 'test',
      'metadata[flint_order_id]': orderId,
      'metadata[flint_payment_intent_id]': intent.payment_intent_id,
    });
  });

  it('refunds at Stripe with a key derived from our ids, and shows its reference number', async () => {
    const account = await stripeAccount();
    const { intent } = await paid(account.key);
    const from = fake.requests.length;
    const res = await post(account.key, '/v1/refunds', {
      refund: { payment_intent_id: intent.payment_intent_id, amount: 400 },
    });
    expect(res.status, res.text).toBe(200);
    const refund = res.body.refund;
    expect(refund).toMatchObject({
      status: 'succeeded',
      amount: 400,
      reference_id: expect.stringMatching(/^ARN/),
      reference_status: 'available',
    });
    const [sent] = sentWith(account.secretKey, from);
    expect(sent?.path).toBe('/v1/refunds');
    expect(sent?.headers['idempotency-key']).toBe(
      `${refund.refund_id}:${intent.payment_intent_id}`,
    );
    expect(sent?.form).toMatchObject({
      payment_intent: fake.paymentIntentFor(intent.payment_intent_id)?.id,
      amount: '400',
      'metadata[flint_account_id]': account.accountId,
      'metadata[flint_mode]': 'test',
      'metadata[flint_refund_id]': refund.refund_id,
      'metadata[flint_payment_intent_id]': intent.payment_intent_id,
    });
  });

  it('a decline is a 402 with its decline code; the order stays open', async () => {
    const account = await stripeAccount();
    const { orderId, res } = await paid(account.key, 'tok_chargeDeclinedInsufficientFunds');
    expectError(res, 402, 'processor_error', 'insufficient_funds');
    expect(res.body.error.decline_code).toBe('insufficient_funds');
    expect((await get(account.key, `/v1/orders/${orderId}`)).order.status).toBe('OPEN');
  });

  it('a Stripe 500 leaves the payment processing (502); its webhook then settles it, once', async () => {
    const account = await stripeAccount();
    fake.queue({ status: 500, body: { error: { type: 'api_error', message: 'boom' } } });
    const { orderId, res } = await paid(account.key);
    expectError(res, 502, 'processor_error', 'processor_unavailable');
    const intentId = res.body.error.payment_intent_id;
    const pending = (await get(account.key, `/v1/payment_intents/${intentId}`)).payment_intent;
    expect(pending.status).toBe('processing');
    const succeeded = paymentIntentObject({
      id: 'pi_fake_late',
      amount: 1000,
      amount_received: 1000,
      status: 'succeeded',
      latest_charge: 'ch_fake_late',
      metadata: {
        flint_account_id: account.accountId,
        flint_mode: 'test',
        flint_payment_intent_id: intentId,
      },
    });
    for (let i = 0; i < 2; i++) {
      const delivered = await deliver('payment_intent.succeeded', succeeded);
      expect(delivered.status, delivered.text).toBe(200);
      expect(delivered.body).toEqual({ received: true });
    }
    const order = (await get(account.key, `/v1/orders/${orderId}`)).order;
    expect(order.status).toBe('PAID');
    expect(order.net_amounts.paid_money.amount).toBe(1000);
    expect(
      (await get(account.key, `/v1/payment_intents/${intentId}`)).payment_intent,
    ).toMatchObject({ status: 'succeeded', latest_charge: 'ch_fake_late' });
  });

  it('new payments follow a switch back to the sandbox; refunds of Stripe payments still go to Stripe', async () => {
    const account = await stripeAccount();
    const { intent } = await paid(account.key);
    const back = await request(server, 'PUT', '/v1/processor', {
      key: account.key,
      body: { processor: { type: 'sandbox' } },
    });
    expect(back.status, back.text).toBe(200);
    const from = fake.requests.length;
    const sandboxPayment = await paid(account.key);
    expect(sandboxPayment.intent.processor).toBe('sandbox');
    const refund = await post(account.key, '/v1/refunds', {
      refund: { payment_intent_id: intent.payment_intent_id },
    });
    expect(refund.status, refund.text).toBe(200);
    expect(sentWith(account.secretKey, from).map((r) => r.path)).toEqual(['/v1/refunds']);
  });

  it("a pending Stripe refund can't be canceled once Stripe says so: 409, still pending", async () => {
    const account = await stripeAccount();
    const { intent } = await paid(account.key);
    fake.queue({ status: 200, body: refundObject({ id: 're_fake_pending_c', status: 'pending' }) });
    const refund = (
      await post(account.key, '/v1/refunds', {
        refund: { payment_intent_id: intent.payment_intent_id },
      })
    ).body.refund;
    expect(refund.status).toBe('pending');
    fake.queue({
      status: 400,
      body: { error: { type: 'invalid_request_error', message: 'cannot cancel' } },
    });
    const res = await post(account.key, `/v1/refunds/${refund.refund_id}/cancel`);
    expectError(res, 409, 'conflict', 'refund_state_invalid');
    expect((await get(account.key, `/v1/refunds/${refund.refund_id}`)).refund.status).toBe(
      'pending',
    );
  });
});

describe('POST /v1/processors/stripe/webhook', () => {
  async function pendingRefund(account: Awaited<ReturnType<typeof stripeAccount>>, id: string) {
    const { orderId, intent } = await paid(account.key);
    fake.queue({ status: 200, body: refundObject({ id, status: 'pending', amount: 1000 }) });
    const refund = (
      await post(account.key, '/v1/refunds', {
        refund: { payment_intent_id: intent.payment_intent_id },
      })
    ).body.refund;
    expect(refund.status).toBe('pending');
    const metadata = {
      flint_account_id: account.accountId,
      flint_mode: 'test',
      flint_refund_id: refund.refund_id,
      flint_payment_intent_id: intent.payment_intent_id,
    };
    return { orderId, refund, metadata };
  }

  it('refund.updated: a pending refund succeeds with its reference number; a replay changes nothing', async () => {
    const account = await stripeAccount();
    const id = `re_fake_${randomBytes(4).toString('hex')}`;
    const { orderId, refund, metadata } = await pendingRefund(account, id);
    const event = refundObject({
      id,
      amount: 1000,
      status: 'succeeded',
      metadata,
      destination_details: {
        type: 'card',
        card: {
          type: 'refund',
          reference: '74567890123456789012345',
          reference_status: 'available',
        },
      },
    });
    expect((await deliver('refund.updated', event)).status).toBe(200);
    const after = (await get(account.key, `/v1/refunds/${refund.refund_id}`)).refund;
    expect(after).toMatchObject({
      status: 'succeeded',
      reference_id: '74567890123456789012345',
      reference_status: 'available',
    });
    expect((await get(account.key, `/v1/orders/${orderId}`)).order.status).toBe('REFUNDED');
    expect((await deliver('charge.refund.updated', event)).status).toBe(200);
    expect((await get(account.key, `/v1/refunds/${refund.refund_id}`)).refund).toEqual(after);
  });

  it('refund.failed: the refund fails with its reason and the money goes back to the order', async () => {
    const account = await stripeAccount();
    const id = `re_fake_${randomBytes(4).toString('hex')}`;
    const { orderId, refund, metadata } = await pendingRefund(account, id);
    const event = refundObject({
      id,
      amount: 1000,
      status: 'failed',
      failure_reason: 'expired_or_canceled_card',
      metadata,
    });
    expect((await deliver('refund.failed', event)).status).toBe(200);
    expect((await get(account.key, `/v1/refunds/${refund.refund_id}`)).refund).toMatchObject({
      status: 'failed',
      failure_reason: 'expired_or_canceled_card',
    });
    const order = (await get(account.key, `/v1/orders/${orderId}`)).order;
    expect(order.status).toBe('PAID');
    expect(order.net_amounts.refunded_money.amount).toBe(0);
  });

  it('charge.refund.updated adds a reference number that came after the refund succeeded', async () => {
    const account = await stripeAccount();
    const { intent } = await paid(account.key);
    const id = `re_fake_${randomBytes(4).toString('hex')}`;
    fake.queue({ status: 200, body: refundObject({ id, status: 'succeeded', amount: 1000 }) });
    const refund = (
      await post(account.key, '/v1/refunds', {
        refund: { payment_intent_id: intent.payment_intent_id },
      })
    ).body.refund;
    expect(refund).toMatchObject({
      status: 'succeeded',
      reference_id: null,
      reference_status: 'pending',
    });
    const event = refundObject({
      id,
      status: 'succeeded',
      metadata: { flint_account_id: account.accountId, flint_mode: 'test' },
      destination_details: {
        type: 'card',
        card: { reference: 'ARN-LATE-1', reference_status: 'available' },
      },
    });
    expect((await deliver('charge.refund.updated', event)).status).toBe(200);
    expect((await get(account.key, `/v1/refunds/${refund.refund_id}`)).refund).toMatchObject({
      status: 'succeeded',
      reference_id: 'ARN-LATE-1',
      reference_status: 'available',
    });
  });

  it("shows the card Stripe charged; a webhook's unexpanded payload keeps it", async () => {
    const account = await stripeAccount();
    const visa = {
      type: 'card',
      card: { brand: 'visa', last4: '4242', exp_month: 8, exp_year: 2031, funding: 'credit' },
    };
    const direct = await paid(account.key, 'tok_visa');
    expect(direct.intent.payment_method_details).toEqual(visa);
    const declined = await paid(account.key, 'tok_chargeDeclined');
    expect(declined.res.status).toBe(402);
    const [failed] = (await get(account.key, `/v1/payment_intents?order=${declined.orderId}`))
      .payment_intents;
    expect(failed.payment_method_details).toEqual({
      type: 'card',
      card: { ...visa.card, last4: '0002' },
    });
    // Waiting for 3-D Secure: the payment method names the card; Stripe's webhook then
    // carries only ids, and the card recorded stays.
    const waiting = await paid(account.key, 'tok_threeDSecureRequired');
    const flintId = waiting.intent.payment_intent_id;
    expect(waiting.intent.payment_method_details.card.last4).toBe('3155');
    const ok = await deliver(
      'payment_intent.succeeded',
      paymentIntentObject({
        ...fake.paymentIntentFor(flintId),
        status: 'succeeded',
        amount_received: 1000,
        latest_charge: 'ch_3ds_card',
      }),
    );
    expect(ok.status, ok.text).toBe(200);
    expect((await get(account.key, `/v1/payment_intents/${flintId}`)).payment_intent).toMatchObject(
      { status: 'succeeded', payment_method_details: { card: { last4: '3155' } } },
    );
  });

  it('payment_intent.succeeded settles a payment that required an action; payment_failed fails one', async () => {
    const account = await stripeAccount();
    const first = await paid(account.key, 'tok_threeDSecureRequired');
    const second = await paid(account.key, 'tok_threeDSecureRequired');
    for (const p of [first, second]) expect(p.intent.status).toBe('requires_action');
    const stripeIntent = (p: typeof first, fields: Record<string, unknown>) =>
      paymentIntentObject({
        ...fake.paymentIntentFor(p.intent.payment_intent_id),
        amount: 1000,
        metadata: {
          flint_account_id: account.accountId,
          flint_mode: 'test',
          flint_payment_intent_id: p.intent.payment_intent_id,
        },
        ...fields,
      });
    const ok = await deliver(
      'payment_intent.succeeded',
      stripeIntent(first, { status: 'succeeded', amount_received: 1000, latest_charge: 'ch_3ds' }),
    );
    expect(ok.status, ok.text).toBe(200);
    expect((await get(account.key, `/v1/orders/${first.orderId}`)).order.status).toBe('PAID');
    const failed = await deliver(
      'payment_intent.payment_failed',
      stripeIntent(second, {
        status: 'requires_payment_method',
        last_payment_error: { code: 'authentication_required', message: '3DS failed' },
      }),
    );
    expect(failed.status, failed.text).toBe(200);
    expect(
      (await get(account.key, `/v1/payment_intents/${second.intent.payment_intent_id}`))
        .payment_intent,
    ).toMatchObject({
      status: 'failed',
      last_payment_error: { code: 'authentication_required', message: '3DS failed' },
    });
    expect((await get(account.key, `/v1/orders/${second.orderId}`)).order.status).toBe('OPEN');
  });

  it('a payment waiting for 3-D Secure keeps its stock; it goes back only when the payment fails', async () => {
    const account = await stripeAccount();
    const product = await create(server, account.key, 'products', 'product', {
      name: 'Limited',
      inventory: { tracked: true, quantity: 1 },
    });
    const price = await create(server, account.key, 'prices', 'price', {
      product_id: product.product_id,
      unit_amount: 1000,
      currency: 'usd',
    });
    const stock = async () =>
      (await get(account.key, `/v1/products/${product.product_id}`)).product.inventory.quantity;
    const order = await post(account.key, '/v1/orders', {
      order: { line_items: [{ price_id: price.price_id, quantity: 1 }] },
    });
    const orderId = order.body.order.order_id;
    const res = await post(account.key, `/v1/orders/${orderId}/pay`, {
      payment: { payment_source_token: 'tok_threeDSecureRequired' },
    });
    expect(res.body.payment_intent.status).toBe('requires_action');
    expect(await stock()).toBe(0);
    const flintId = res.body.payment_intent.payment_intent_id;
    const failed = await deliver(
      'payment_intent.payment_failed',
      paymentIntentObject({
        ...fake.paymentIntentFor(flintId),
        status: 'requires_payment_method',
        last_payment_error: { code: 'authentication_required', message: '3DS failed' },
      }),
    );
    expect(failed.status, failed.text).toBe(200);
    expect(await stock()).toBe(1);
    // A replay of the failure gives nothing back twice.
    await deliver(
      'payment_intent.payment_failed',
      paymentIntentObject({ ...fake.paymentIntentFor(flintId), status: 'requires_payment_method' }),
    );
    expect(await stock()).toBe(1);
  });

  it('ignores an event about another Stripe payment than the one Flint recorded', async () => {
    const account = await stripeAccount();
    const p = await paid(account.key, 'tok_threeDSecureRequired');
    const res = await deliver(
      'payment_intent.succeeded',
      paymentIntentObject({
        id: 'pi_someone_else',
        status: 'succeeded',
        amount_received: 1000,
        latest_charge: 'ch_x',
        metadata: {
          flint_account_id: account.accountId,
          flint_mode: 'test',
          flint_payment_intent_id: p.intent.payment_intent_id,
        },
      }),
    );
    expect(res.status).toBe(200);
    expect((await get(account.key, `/v1/orders/${p.orderId}`)).order.status).toBe('OPEN');
  });

  it('acknowledges an event type it does not handle', async () => {
    const account = await stripeAccount();
    const res = await deliver('customer.created', {
      id: 'cus_1',
      object: 'customer',
      metadata: { flint_account_id: account.accountId, flint_mode: 'test' },
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({ received: true });
  });

  it('a bad, missing or foreign signature is a 400 and changes nothing', async () => {
    const account = await stripeAccount();
    const id = `re_fake_${randomBytes(4).toString('hex')}`;
    const { refund, metadata } = await pendingRefund(account, id);
    const event = refundObject({ id, status: 'failed', failure_reason: 'declined', metadata });
    const other = await stripeAccount();
    const forged = await deliver('refund.failed', event, { secret: 'whsec_notTheAccountsSecret1' });
    expectError(forged, 400, 'invalid_request', 'webhook_signature_invalid');
    expectError(
      await deliver('refund.failed', event, { signature: 't=1,v1=00' }),
      400,
      'invalid_request',
      'webhook_signature_invalid',
    );
    const unsigned = await request(server, 'POST', '/v1/processors/stripe/webhook', {
      raw: JSON.stringify({ type: 'refund.failed', livemode: false, data: { object: event } }),
    });
    expectError(unsigned, 400, 'invalid_request', 'webhook_signature_invalid');
    // Signed with the right secret but claiming another account: that account's secret is used.
    const claimingOther = refundObject({
      ...event,
      metadata: { ...metadata, flint_account_id: other.accountId },
    });
    const stolen = await deliver('refund.failed', claimingOther, { secret: 'whsec_wrong' });
    expectError(stolen, 400, 'invalid_request', 'webhook_signature_invalid');
    expect((await get(account.key, `/v1/refunds/${refund.refund_id}`)).refund.status).toBe(
      'pending',
    );
  });

  it('an unknown account, no account, a mode mismatch or a body that is not JSON is a 400', async () => {
    const account = await stripeAccount();
    const unknown = await deliver(
      'refund.updated',
      refundObject({
        id: 're_x',
        metadata: { flint_account_id: 'acct_01m84sgeyjf21ada62ac1e65xf', flint_mode: 'test' },
      }),
    );
    expectError(unknown, 400, 'invalid_request', 'webhook_account_unknown');
    expectError(
      await deliver('refund.updated', refundObject({ id: 're_x' })),
      400,
      'invalid_request',
      'webhook_account_unknown',
    );
    const liveEvent = await deliver(
      'refund.updated',
      refundObject({
        id: 're_x',
        metadata: { flint_account_id: account.accountId, flint_mode: 'test' },
      }),
      { livemode: true },
    );
    expectError(liveEvent, 400, 'invalid_request', 'webhook_account_unknown');
    const garbage = await request(server, 'POST', '/v1/processors/stripe/webhook', {
      raw: 'not json',
      headers: { 'content-type': 'text/plain', 'stripe-signature': 't=1,v1=00' },
    });
    expectError(garbage, 400, 'invalid_request', 'webhook_account_unknown');
    // An account on the sandbox has no webhook secret: nothing verifies.
    const sandboxAccount = await createTestAccount(server);
    const sandboxEvent = await deliver(
      'refund.updated',
      refundObject({
        id: 're_x',
        metadata: { flint_account_id: sandboxAccount.accountId, flint_mode: 'test' },
      }),
    );
    expectError(sandboxEvent, 400, 'invalid_request', 'webhook_account_unknown');
  });

  it('needs no Flint API key, and a Flint key does not replace the signature', async () => {
    const account = await stripeAccount();
    const res = await request(server, 'POST', '/v1/processors/stripe/webhook', {
      key: account.key,
      raw: '{}',
    });
    expectError(res, 400, 'invalid_request', 'webhook_account_unknown');
  });
});
