import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expireDueCheckoutSessions } from '../src/app/checkout/checkout-sessions.js';
import type { Clock } from '../src/ports/clock.js';
import { expectError } from './catalog-fixtures.js';
import { Buyer, createSession, GOOD_CARD } from './checkout-page-client.js';
import {
  createTestAccount,
  liveKeyOf,
  request,
  startTestServer,
  type TestServer,
  testDatabase,
} from './harness.js';

// Setup-mode checkout sessions (`mode: "setup"`): a hosted page where a customer saves the
// card the merchant charges later, as its default payment method. No order, no amount.

let offsetMs = 0;
const clock: Clock = { now: () => new Date(Date.now() + offsetMs) };
let server: TestServer;
beforeAll(async () => {
  const { db } = await testDatabase();
  server = await startTestServer({
    deps: { db, clock },
    pageRateLimits: { pages: 1000, payments: 1000 },
  });
});
afterAll(() => server.close());

const HOUR = 3600_000;
const SUCCESS = 'https://shop.example/card-saved?ref=a';
const get = (key: string, path: string) => request(server, 'GET', path, { key });
const post = (key: string, path: string, body?: unknown, idempotencyKey?: string) =>
  request(server, 'POST', path, { key, body, ...(idempotencyKey ? { idempotencyKey } : {}) });

async function newCustomer(key: string, email: string | null = 'jo@example.com') {
  const res = await post(key, '/v1/customers', { customer: { email, name: 'Jo Park' } });
  expect(res.status, res.text).toBe(200);
  return res.body.customer.customer_id as string;
}

async function setupSession(key: string, fields: Record<string, unknown>) {
  const res = await post(key, '/v1/checkout/sessions', {
    checkout_session: { mode: 'setup', success_url: SUCCESS, ...fields },
  });
  expect(res.status, res.text).toBe(200);
  return res.body.checkout_session;
}

async function eventsOf(key: string, type: string, objectId: string) {
  const res = await get(key, `/v1/events?type=${type}&object_id=${objectId}`);
  expect(res.status, res.text).toBe(200);
  return res.body.events as any[];
}

describe('setup-mode checkout sessions', () => {
  it('are created for a customer with no order, amount or line items', async () => {
    offsetMs = 0;
    const { testKey: key } = await createTestAccount(server, 'Studio Nine');
    const customer = await newCustomer(key);
    const cs = await setupSession(key, {
      customer_id: customer,
      cancel_url: 'https://shop.example/account',
      metadata: { plan: 'gold' },
    });
    expect(cs).toMatchObject({
      object: 'checkout_session',
      mode: 'setup',
      status: 'open',
      amount_total: null,
      amount_subtotal: null,
      currency: null,
      customer: { customer_id: customer, email: 'jo@example.com', name: 'Jo Park' },
      payment_intent: null,
      payment_intent_id: null,
      payment_method_id: null,
      line_items: [],
      refunds: [],
      order_id: null,
      url: `${server.url}/checkout/${cs.checkout_session_id}`,
      success_url: SUCCESS,
      cancel_url: 'https://shop.example/account',
      ui_mode: 'hosted',
      metadata: { plan: 'gold' },
      test_mode: true,
    });
    expect(Date.parse(cs.expires_at) - Date.parse(cs.created_at)).toBe(24 * HOUR);
    expect((await get(key, `/v1/checkout/sessions/${cs.checkout_session_id}`)).body).toEqual({
      checkout_session: cs,
    });
    const [created] = await eventsOf(key, 'checkout.session.created', cs.checkout_session_id);
    expect(created.data.object).toMatchObject({
      mode: 'setup',
      order_id: null,
      customer_id: customer,
      payment_method_id: null,
    });
    // A payment session says it is one.
    const paying = (await createSession(server, key)) as any;
    expect([paying.mode, typeof paying.amount_total, paying.payment_method_id]).toEqual([
      'payment',
      'number',
      null,
    ]);
  });

  it("refuse a payment's fields, naming them; need a customer of the account and mode", async () => {
    const { testKey: key } = await createTestAccount(server);
    const customer = await newCustomer(key);
    const refused = async (fields: Record<string, unknown>, loc: string[]) => {
      const res = await post(key, '/v1/checkout/sessions', {
        checkout_session: { mode: 'setup', success_url: SUCCESS, ...fields },
      });
      expectError(res, 422, 'validation_error', 'parameter_invalid', [loc]);
    };
    const lines = [{ name: 'X', quantity: 1, unit_price_money: { amount: 100 } }];
    await refused({ customer_id: customer, line_items: lines }, ['checkout_session', 'line_items']);
    await refused({ customer_id: customer, order_id: 'ord_00000000000000000000000000' }, [
      'checkout_session',
      'order_id',
    ]);
    await refused({ customer_id: customer, currency: 'USD' }, ['checkout_session', 'currency']);
    await refused({}, ['checkout_session', 'customer_id']);
    await refused(
      {
        customer_id: customer,
        success_url: undefined,
        ui_mode: 'embedded',
        allowed_origins: ['https://shop.example'],
        return_url: 'https://shop.example/r',
      },
      ['checkout_session', 'ui_mode'],
    );
    const noSuccess = await post(key, '/v1/checkout/sessions', {
      checkout_session: { mode: 'setup', customer_id: customer },
    });
    expectError(noSuccess, 422, 'validation_error', 'parameter_invalid', [
      ['checkout_session', 'success_url'],
    ]);
    // An amount is no field of a session at all.
    const amount = await post(key, '/v1/checkout/sessions', {
      checkout_session: { mode: 'setup', customer_id: customer, success_url: SUCCESS, amount: 5 },
    });
    expect(amount.status).toBe(400);
    expect(amount.text).toContain('amount');
    const badMode = await post(key, '/v1/checkout/sessions', {
      checkout_session: { mode: 'subscription', customer_id: customer, success_url: SUCCESS },
    });
    expect(badMode.status).toBe(422);
    expect(badMode.body.error.errors.map((e: any) => e.loc)).toEqual([
      ['checkout_session', 'mode'],
    ]);
    // Another account's customer, or live mode's, is a missing one.
    const { testKey: other } = await createTestAccount(server);
    for (const [k, id] of [
      [other, customer],
      [liveKeyOf(key), customer],
    ] as const) {
      const res = await post(k, '/v1/checkout/sessions', {
        checkout_session: { mode: 'setup', customer_id: id, success_url: SUCCESS },
      });
      expect(res.status, res.text).toBe(404);
      expect(res.body.error.code).toBe('resource_missing');
    }
    // Nothing to refund on a setup session.
    const cs = await setupSession(key, { customer_id: customer });
    const refund = await post(key, `/v1/checkout/sessions/${cs.checkout_session_id}/refund`, {
      checkout_session: {},
    });
    expect(refund.status).toBe(422);
    expect(refund.body.error.code).toBe('checkout_session_incomplete');
  });

  it('the page saves the card as the default, completes the session and goes to success_url', async () => {
    offsetMs = 0;
    const { testKey: key } = await createTestAccount(server, 'Studio Nine');
    const customer = await newCustomer(key);
    const cs = await setupSession(key, { customer_id: customer });
    const id = cs.checkout_session_id;
    const buyer = new Buyer(server);
    const { page, csrf, attempt } = await buyer.open(id);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Studio Nine');
    expect(page.text).toContain('Save a card');
    expect(page.text).toContain('Jo Park');
    expect(page.text).toContain('>Save card</button>');
    expect(page.text).toContain('value="jo@example.com"');
    expect(page.text).not.toMatch(/Pay \$/);
    expect(page.headers.get('content-security-policy')).toContain(
      "form-action 'self' https://shop.example",
    );
    const form = { csrf_token: csrf, attempt, ...GOOD_CARD };
    const saved = await buyer.post(`/checkout/${id}/pay`, form);
    expect(saved.status, saved.text).toBe(303);
    expect(saved.location).toBe(`${SUCCESS}&session_id=${id}`);
    // The same attempt again (a double submit): no second card.
    const again = await buyer.post(`/checkout/${id}/pay`, form);
    expect(again.status).toBe(303);
    const session = (await get(key, `/v1/checkout/sessions/${id}`)).body.checkout_session;
    expect(session.status).toBe('complete');
    expect(session.payment_method_id).toMatch(/^pm_/);
    const methods = (await get(key, `/v1/customers/${customer}/payment_methods`)).body;
    expect(methods.payment_methods.map((m: any) => m.payment_method_id)).toEqual([
      session.payment_method_id,
    ]);
    expect(methods.payment_methods[0].card.last4).toBe('4242');
    const owner = (await get(key, `/v1/customers/${customer}`)).body.customer;
    expect(owner.default_payment_method_id).toBe(session.payment_method_id);
    const [completed] = await eventsOf(key, 'checkout.session.completed', id);
    expect(completed.data.object).toMatchObject({
      mode: 'setup',
      status: 'complete',
      customer_id: customer,
      payment_method_id: session.payment_method_id,
    });
    // The page now says so, and names the card.
    const done = await buyer.get(`/checkout/${id}`);
    expect(done.status).toBe(200);
    expect(done.text).toContain('Card saved');
    expect(done.text).toContain('Visa •••• 4242');
    // The saved card pays an order off session.
    const order = await post(key, '/v1/orders', {
      order: {
        customer_id: customer,
        line_items: [{ name: 'Plan', quantity: 1, unit_price_money: { amount: 900 } }],
      },
    });
    const paid = await post(key, `/v1/orders/${order.body.order.order_id}/pay`, {
      payment: { payment_method_id: session.payment_method_id, off_session: true },
    });
    expect(paid.body.order.status).toBe('PAID');
  });

  it('replaces the default card; a declined card saves nothing and the form says why', async () => {
    const { testKey: key } = await createTestAccount(server);
    const customer = await newCustomer(key, null);
    const first = await post(key, `/v1/customers/${customer}/payment_methods`, {
      payment_method: { payment_source_token: 'tok_mastercard' },
    });
    const old = first.body.payment_method.payment_method_id;
    const cs = await setupSession(key, { customer_id: customer });
    const id = cs.checkout_session_id;
    const buyer = new Buyer(server);
    const { csrf, attempt } = await buyer.open(id);
    const declined = await buyer.post(`/checkout/${id}/pay`, {
      csrf_token: csrf,
      attempt,
      ...GOOD_CARD,
      card_number: '4000 0000 0000 0002',
    });
    expect(declined.status).toBe(402);
    expect(declined.text).toContain('The card was not saved. Nothing was charged.');
    expect(declined.text).toContain(
      'Your card was declined. Try another card, or contact your bank.',
    );
    expect((await get(key, `/v1/checkout/sessions/${id}`)).body.checkout_session.status).toBe(
      'open',
    );
    const listed = (await get(key, `/v1/customers/${customer}/payment_methods`)).body;
    expect(listed.payment_methods).toHaveLength(1);
    // Card errors are checked before anything is sent to the processor.
    const typo = await buyer.pay(id, { card_number: '4242 4242 4242 4241' });
    expect(typo.status).toBe(422);
    const saved = await buyer.pay(id);
    expect(saved.status, saved.text).toBe(303);
    const session = (await get(key, `/v1/checkout/sessions/${id}`)).body.checkout_session;
    const owner = (await get(key, `/v1/customers/${customer}`)).body.customer;
    expect(owner.default_payment_method_id).toBe(session.payment_method_id);
    expect(session.payment_method_id).not.toBe(old);
  });

  it('refuse a form without its CSRF token, and answer nothing for another page route', async () => {
    const { testKey: key } = await createTestAccount(server);
    const cs = await setupSession(key, { customer_id: await newCustomer(key) });
    const id = cs.checkout_session_id;
    const buyer = new Buyer(server);
    const { attempt } = await buyer.open(id);
    const forged = await buyer.post(`/checkout/${id}/pay`, {
      csrf_token: 'x',
      attempt,
      ...GOOD_CARD,
    });
    expect(forged.status).toBe(403);
    expect(forged.text).toContain('No card was saved');
    const { csrf } = await buyer.open(id);
    const quantity = await buyer.post(`/checkout/${id}/quantity`, {
      csrf_token: csrf,
      quantity: '2',
    });
    expect(quantity.status).toBe(404);
    const listed = (await get(key, `/v1/customers/${cs.customer.customer_id}/payment_methods`))
      .body;
    expect(listed.payment_methods).toEqual([]);
  });

  it('expire as other sessions: through the API, and on the page past expires_at', async () => {
    offsetMs = 0;
    const { testKey: key } = await createTestAccount(server);
    const customer = await newCustomer(key);
    const a = await setupSession(key, { customer_id: customer });
    const expired = await post(key, `/v1/checkout/sessions/${a.checkout_session_id}/expire`);
    expect(expired.status, expired.text).toBe(200);
    expect(expired.body.checkout_session).toMatchObject({ status: 'expired', mode: 'setup' });
    const gone = await new Buyer(server).get(`/checkout/${a.checkout_session_id}`);
    expect(gone.status).toBe(410);
    expect(gone.text).toContain('This page has expired');

    const b = await setupSession(key, {
      customer_id: customer,
      expires_at: new Date(Date.now() + HOUR).toISOString(),
    });
    const buyer = new Buyer(server);
    const { csrf, attempt } = await buyer.open(b.checkout_session_id);
    offsetMs = 2 * HOUR;
    const late = await buyer.post(`/checkout/${b.checkout_session_id}/pay`, {
      csrf_token: csrf,
      attempt,
      ...GOOD_CARD,
    });
    expect(late.status).toBe(303);
    expect(late.location).toBe(`/checkout/${b.checkout_session_id}`);
    const events = await eventsOf(key, 'checkout.session.expired', b.checkout_session_id);
    expect(events).toHaveLength(1);
    expect(
      (await get(key, `/v1/customers/${customer}/payment_methods`)).body.payment_methods,
    ).toEqual([]);

    const c = await setupSession(key, {
      customer_id: customer,
      expires_at: new Date(Date.now() + 3 * HOUR).toISOString(),
    });
    offsetMs = 4 * HOUR;
    expect(await expireDueCheckoutSessions(server.deps)).toBeGreaterThan(0);
    const worker = (await get(key, `/v1/checkout/sessions/${c.checkout_session_id}`)).body;
    expect(worker.checkout_session.status).toBe('expired');
    offsetMs = 0;
  });

  it('live mode without a processor: the page says cards are not set up', async () => {
    const { testKey } = await createTestAccount(server);
    const live = liveKeyOf(testKey);
    const customer = await newCustomer(live);
    const cs = await setupSession(live, { customer_id: customer });
    expect(cs.test_mode).toBe(false);
    const page = await new Buyer(server).get(`/checkout/${cs.checkout_session_id}`);
    expect(page.status).toBe(503);
  });
});
