import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createOrder,
  createTestAccount,
  oneLine,
  request,
  startTestServer,
  type TestServer,
} from './harness.js';

// Every state change of an order, payment intent, refund or checkout session writes
// exactly one event, in the transaction that made it. Each walk runs in its own account
// and compares the account's whole event log (GET /v1/events) with what it changed.

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

async function call(key: string, method: string, path: string, body?: unknown) {
  const res = await request(server, method, path, { key, body });
  return res;
}

async function ok(key: string, method: string, path: string, body?: unknown) {
  const res = await call(key, method, path, body);
  expect(res.status, `${method} ${path}: ${res.text}`).toBe(200);
  return res.body;
}

const lines = (amount: number) => [
  { name: 'Thing', quantity: 1, unit_price_money: { amount, currency: 'USD' } },
];

async function newOrder(key: string, amount = 1000): Promise<string> {
  return (await createOrder(server, key, { line_items: oneLine(amount) })).order_id;
}

async function pay(key: string, orderId: string, token = 'tok_visa', amount?: number) {
  return call(key, 'POST', `/v1/orders/${orderId}/pay`, {
    payment: { payment_source_token: token, ...(amount ? { amount } : {}) },
  });
}

/** The id of the object an event is about, from its payload. */
function subjectOf(event: any): string {
  const object = event.data.object;
  return object[`${object.object}_id`];
}

/** The account's events since `after` (exclusive), oldest first, as "type subject". */
async function eventsSince(key: string, after?: string): Promise<string[]> {
  const events: any[] = [];
  let cursor: string | null = null;
  do {
    const page: string = cursor ? `&starting_after=${cursor}` : '';
    const res = await call(key, 'GET', `/v1/events?limit=100${page}`);
    expect(res.status).toBe(200);
    events.push(...res.body.events);
    cursor = res.body.next_cursor;
  } while (cursor);
  return events
    .filter((e) => after === undefined || e.event_id > after)
    .reverse()
    .map((e) => `${e.type} ${subjectOf(e)}`);
}

/** Runs `change` and returns the events it wrote, oldest first. */
async function eventsOf(key: string, change: () => Promise<unknown>): Promise<string[]> {
  const [newest] = (await call(key, 'GET', '/v1/events?limit=1')).body.events;
  await change();
  return eventsSince(key, newest?.event_id);
}

describe('orders', () => {
  it('created, updated (fields, coupons), paid in parts, refunded in parts, closed, canceled', async () => {
    const { testKey: key } = await createTestAccount(server);
    await ok(key, 'POST', '/v1/coupons', { coupon: { code: 'TEN', percent_off: '10' } });
    let orderId = '';
    expect(
      await eventsOf(key, async () => {
        orderId = await newOrder(key, 2000);
      }),
    ).toEqual([`order.created ${orderId}`]);
    const order = (event: string) => `order.${event} ${orderId}`;

    expect(
      await eventsOf(key, () =>
        ok(key, 'PATCH', `/v1/orders/${orderId}`, { order: { metadata: { a: '1' } } }),
      ),
    ).toEqual([order('updated')]);
    expect(
      await eventsOf(key, () =>
        ok(key, 'POST', `/v1/orders/${orderId}/coupons`, { coupon_code: 'TEN' }),
      ),
    ).toEqual([order('updated')]);
    expect(
      await eventsOf(key, () => ok(key, 'DELETE', `/v1/orders/${orderId}/coupons/TEN`)),
    ).toEqual([order('updated')]);

    let first = '';
    expect(
      await eventsOf(key, async () => {
        first = (await pay(key, orderId, 'tok_visa', 500)).body.payment_intent.payment_intent_id;
      }),
    ).toEqual([
      `payment_intent.created ${first}`,
      `payment_intent.succeeded ${first}`,
      order('updated'),
    ]);
    let second = '';
    expect(
      await eventsOf(key, async () => {
        second = (await pay(key, orderId)).body.payment_intent.payment_intent_id;
      }),
    ).toEqual([
      `payment_intent.created ${second}`,
      `payment_intent.succeeded ${second}`,
      order('paid'),
    ]);

    for (const [amount, status] of [
      [300, 'partially_refunded'],
      [200, 'partially_refunded'],
      [1500, 'refunded'],
    ] as const) {
      let refundId = '';
      expect(
        await eventsOf(key, async () => {
          refundId = (
            await ok(key, 'POST', '/v1/refunds', { refund: { order_id: orderId, amount } })
          ).refund.refund_id;
        }),
      ).toEqual([`refund.created ${refundId}`, order(status), `refund.succeeded ${refundId}`]);
    }

    const closing = await newOrder(key);
    await pay(key, closing);
    expect(await eventsOf(key, () => ok(key, 'POST', `/v1/orders/${closing}/close`))).toEqual([
      `order.closed ${closing}`,
    ]);
    const canceling = await newOrder(key);
    expect(await eventsOf(key, () => ok(key, 'POST', `/v1/orders/${canceling}/cancel`))).toEqual([
      `order.canceled ${canceling}`,
    ]);

    // A refused change changes nothing and records nothing.
    expect(
      await eventsOf(key, async () => {
        expect((await call(key, 'POST', `/v1/orders/${canceling}/cancel`)).status).toBe(409);
        expect((await pay(key, canceling)).status).toBe(409);
      }),
    ).toEqual([]);
  });
});

describe('payment intents', () => {
  it('failed, requires_action then succeeded, requires_action then failed or canceled', async () => {
    const { testKey: key } = await createTestAccount(server);
    const orderId = await newOrder(key);
    const order = (event: string) => `order.${event} ${orderId}`;

    let declined = '';
    expect(
      await eventsOf(key, async () => {
        const res = await pay(key, orderId, 'tok_chargeDeclined');
        expect(res.status).toBe(402);
        declined = res.body.error.payment_intent_id;
      }),
    ).toEqual([
      `payment_intent.created ${declined}`,
      `payment_intent.failed ${declined}`,
      order('updated'),
    ]);

    const threeDs = async () =>
      (await pay(key, orderId, 'tok_threeDSecureRequired')).body.payment_intent.payment_intent_id;
    for (const [end, path, event] of [
      ['fail', 'test_helpers/payment_intents/{id}/fail', 'failed'],
      ['cancel', 'payment_intents/{id}/cancel', 'canceled'],
      ['succeed', 'test_helpers/payment_intents/{id}/succeed', 'succeeded'],
    ] as const) {
      let intent = '';
      expect(
        await eventsOf(key, async () => {
          intent = await threeDs();
        }),
        end,
      ).toEqual([
        `payment_intent.created ${intent}`,
        `payment_intent.requires_action ${intent}`,
        order('updated'),
      ]);
      expect(
        await eventsOf(key, () => ok(key, 'POST', `/v1/${path.replace('{id}', intent)}`)),
        end,
      ).toEqual([
        `payment_intent.${event} ${intent}`,
        order(event === 'succeeded' ? 'paid' : 'updated'),
      ]);
    }
  });
});

describe('refunds', () => {
  async function paidWith(key: string, token: string) {
    const orderId = await newOrder(key);
    expect((await pay(key, orderId, token)).status).toBe(200);
    return orderId;
  }

  async function refund(key: string, orderId: string, amount: number): Promise<string> {
    return (await ok(key, 'POST', '/v1/refunds', { refund: { order_id: orderId, amount } })).refund
      .refund_id;
  }

  it('pending then updated and succeeded; failed and canceled give the money back', async () => {
    const { testKey: key } = await createTestAccount(server);

    const pending = await paidWith(key, 'tok_refundPending');
    let id = '';
    // The processor's own id for a part still pending shows nowhere: no refund.updated.
    expect(
      await eventsOf(key, async () => {
        id = await refund(key, pending, 400);
      }),
    ).toEqual([`refund.created ${id}`, `order.partially_refunded ${pending}`]);
    expect(
      await eventsOf(key, () =>
        ok(key, 'PATCH', `/v1/refunds/${id}`, { refund: { metadata: { rma: '1' } } }),
      ),
    ).toEqual([`refund.updated ${id}`]);
    expect(
      await eventsOf(key, () => ok(key, 'POST', `/v1/test_helpers/refunds/${id}/succeed`)),
    ).toEqual([`refund.succeeded ${id}`]);

    const failing = await paidWith(key, 'tok_refundFail');
    id = await refund(key, failing, 1000);
    expect(
      await eventsOf(key, () => ok(key, 'POST', `/v1/test_helpers/refunds/${id}/fail`)),
    ).toEqual([`refund.failed ${id}`, `order.updated ${failing}`]);
    expect((await ok(key, 'GET', `/v1/orders/${failing}`)).order.status).toBe('PAID');

    const canceling = await paidWith(key, 'tok_refundPending');
    id = await refund(key, canceling, 1000);
    expect(
      await eventsOf(key, async () => {
        expect((await ok(key, 'GET', `/v1/orders/${canceling}`)).order.status).toBe('REFUNDED');
        await ok(key, 'POST', `/v1/refunds/${id}/cancel`);
      }),
    ).toEqual([`refund.canceled ${id}`, `order.updated ${canceling}`]);
  });
});

describe('checkout sessions', () => {
  it('created, completed by paying its order, expired; refunded through the session', async () => {
    const { testKey: key } = await createTestAccount(server);
    let session: any;
    const session_ = () => session.checkout_session_id as string;
    expect(
      await eventsOf(key, async () => {
        session = (
          await ok(key, 'POST', '/v1/checkout/sessions', {
            checkout_session: { line_items: lines(1500), success_url: 'https://shop.test/ok' },
          })
        ).checkout_session;
      }),
    ).toEqual([`order.created ${session.order_id}`, `checkout.session.created ${session_()}`]);

    let intent = '';
    expect(
      await eventsOf(key, async () => {
        intent = (await pay(key, session.order_id)).body.payment_intent.payment_intent_id;
      }),
    ).toEqual([
      `payment_intent.created ${intent}`,
      `payment_intent.succeeded ${intent}`,
      `order.paid ${session.order_id}`,
      `checkout.session.completed ${session_()}`,
    ]);
    const [completed] = (await ok(key, 'GET', `/v1/events?type=checkout.session.completed`)).events;
    const now = (await ok(key, 'GET', `/v1/checkout/sessions/${session_()}`)).checkout_session;
    expect(completed.data.object).toEqual({
      checkout_session_id: now.checkout_session_id,
      object: 'checkout_session',
      mode: 'payment',
      status: 'complete',
      order_id: now.order_id,
      success_url: now.success_url,
      cancel_url: now.cancel_url,
      ui_mode: 'hosted',
      allowed_origins: [],
      return_url: null,
      metadata: now.metadata,
      test_mode: true,
      expires_at: now.expires_at,
      created_at: now.created_at,
      updated_at: now.updated_at,
    });

    let refundId = '';
    expect(
      await eventsOf(key, async () => {
        const res = await ok(key, 'POST', `/v1/checkout/sessions/${session_()}/refund`, {
          checkout_session: { amount: 500 },
        });
        refundId = res.checkout_session.refunds[0].refund_id;
      }),
    ).toEqual([
      `refund.created ${refundId}`,
      `order.partially_refunded ${session.order_id}`,
      `refund.succeeded ${refundId}`,
    ]);

    const orderId = await newOrder(key);
    const open = async () =>
      (
        await ok(key, 'POST', '/v1/checkout/sessions', {
          checkout_session: { order_id: orderId, success_url: 'https://shop.test/ok' },
        })
      ).checkout_session.checkout_session_id as string;
    const expiring = await open();
    expect(
      await eventsOf(key, () => ok(key, 'POST', `/v1/checkout/sessions/${expiring}/expire`)),
    ).toEqual([`checkout.session.expired ${expiring}`]);
    expect(
      await eventsOf(key, async () => {
        expect((await call(key, 'POST', `/v1/checkout/sessions/${expiring}/expire`)).status).toBe(
          409,
        );
      }),
    ).toEqual([]);

    // Canceling the order expires the sessions still open on it, in the same change.
    const [one, two] = [await open(), await open()];
    const [canceled, ...expired] = await eventsOf(key, () =>
      ok(key, 'POST', `/v1/orders/${orderId}/cancel`),
    );
    expect(canceled).toBe(`order.canceled ${orderId}`);
    expect(expired.sort()).toEqual(
      [`checkout.session.expired ${one}`, `checkout.session.expired ${two}`].sort(),
    );
    for (const id of [one, two]) {
      const res = await ok(key, 'GET', `/v1/checkout/sessions/${id}`);
      expect(res.checkout_session.status).toBe('expired');
    }
  });
});
