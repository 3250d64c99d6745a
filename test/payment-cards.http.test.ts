import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestAccount, request, startTestServer, type TestServer } from './harness.js';

// The card that paid, on the payment intent as the API and its events show it: the
// sandbox's test tokens stand for Stripe's published test cards.

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

async function payNewOrder(key: string, token: string) {
  const order = await request(server, 'POST', '/v1/orders', {
    key,
    body: {
      order: { line_items: [{ name: 'Mug', quantity: 1, unit_price_money: { amount: 1200 } }] },
    },
  });
  expect(order.status, order.text).toBe(200);
  const paid = await request(server, 'POST', `/v1/orders/${order.body.order.order_id}/pay`, {
    key,
    body: { payment: { payment_source_token: token } },
  });
  return paid;
}

const card = (brand: string, last4: string, funding = 'credit') => ({
  type: 'card',
  card: { brand, last4, exp_month: 12, exp_year: 2034, funding },
});

async function eventsOf(key: string, type: string, objectId: string) {
  const res = await request(server, 'GET', `/v1/events?type=${type}&object_id=${objectId}`, {
    key,
  });
  expect(res.status, res.text).toBe(200);
  return res.body.events as { data: { object: Record<string, unknown> } }[];
}

describe('payment_method_details', () => {
  it.each([
    ['tok_visa', card('visa', '4242')],
    ['tok_visa_debit', card('visa', '5556', 'debit')],
    ['tok_mastercard', card('mastercard', '4444')],
    ['tok_amex', card('amex', '8431')],
    ['tok_discover', card('discover', '1117')],
    ['tok_unionpay', card('unionpay', '0005')],
  ])(
    'a %s payment shows its card in the API and in payment_intent.succeeded',
    async (token, details) => {
      const { testKey: key } = await createTestAccount(server);
      const paid = await payNewOrder(key, token);
      expect(paid.status, paid.text).toBe(200);
      const intent = paid.body.payment_intent;
      expect(intent.status).toBe('succeeded');
      expect(intent.payment_method_details).toEqual(details);
      const got = await request(server, 'GET', `/v1/payment_intents/${intent.payment_intent_id}`, {
        key,
      });
      expect(got.body.payment_intent.payment_method_details).toEqual(details);
      const listed = await request(server, 'GET', '/v1/payment_intents', { key });
      expect(listed.body.payment_intents[0].payment_method_details).toEqual(details);
      const [succeeded] = await eventsOf(key, 'payment_intent.succeeded', intent.payment_intent_id);
      expect(succeeded?.data.object.payment_method_details).toEqual(details);
      // Created before the processor answered: no card yet.
      const [created] = await eventsOf(key, 'payment_intent.created', intent.payment_intent_id);
      expect(created?.data.object.payment_method_details).toBeNull();
    },
  );

  it('a declined payment names the card that was declined', async () => {
    const { testKey: key } = await createTestAccount(server);
    const paid = await payNewOrder(key, 'tok_chargeDeclinedInsufficientFunds');
    expect(paid.status, paid.text).toBe(402);
    const listed = await request(server, 'GET', '/v1/payment_intents', { key });
    const [intent] = listed.body.payment_intents;
    expect(intent).toMatchObject({
      status: 'failed',
      payment_method_details: card('visa', '9995'),
    });
    const [failed] = await eventsOf(key, 'payment_intent.failed', intent.payment_intent_id);
    expect(failed?.data.object.payment_method_details).toEqual(card('visa', '9995'));
  });

  it('a payment waiting for 3-D Secure shows its card, and keeps it when it succeeds', async () => {
    const { testKey: key } = await createTestAccount(server);
    const paid = await payNewOrder(key, 'tok_threeDSecureRequired');
    const intent = paid.body.payment_intent;
    expect(intent.status).toBe('requires_action');
    expect(intent.payment_method_details).toEqual(card('visa', '3155'));
    const done = await request(
      server,
      'POST',
      `/v1/test_helpers/payment_intents/${intent.payment_intent_id}/succeed`,
      { key, body: {} },
    );
    expect(done.status, done.text).toBe(200);
    expect(done.body.payment_intent).toMatchObject({
      status: 'succeeded',
      payment_method_details: card('visa', '3155'),
    });
  });

  it('an unknown token fails without a card', async () => {
    const { testKey: key } = await createTestAccount(server);
    await payNewOrder(key, 'tok_nonsense');
    const listed = await request(server, 'GET', '/v1/payment_intents', { key });
    expect(listed.body.payment_intents[0]).toMatchObject({
      status: 'failed',
      payment_method_details: null,
    });
  });
});
