import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, expectTypeOf, it } from 'vitest';
import { fromWire, toWire } from '../src/casing.js';
import {
  Flint,
  FlintAPIError,
  FlintApiError,
  FlintCardError,
  FlintError,
  FlintIdempotencyError,
  FlintInvalidRequestError,
  FlintNotFoundError,
  FlintProcessorError,
  FlintRateLimitError,
  FlintSignatureError,
  FlintValidationError,
  type Order,
  type Refund,
} from '../src/index.js';

// The SDK against a scripted stand-in for Flint: what it sends, how it retries, how it
// reads answers and errors. (test/sdk-examples.http.test.ts runs it against Flint.)

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: unknown;
}

type Script = (
  seen: Seen,
  index: number,
) => { status: number; body: unknown; headers?: Record<string, string> };

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

async function standIn(script: Script) {
  const seen: Seen[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let raw = '';
    req.on('data', (c: Buffer) => {
      raw += c.toString();
    });
    req.on('end', () => {
      const entry = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: raw ? JSON.parse(raw) : undefined,
      };
      seen.push(entry);
      const answer = script(entry, seen.length - 1);
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      res.end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  close = () => new Promise((resolve) => server.close(() => resolve()));
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  const flint = new Flint({ apiKey: 'sk_test_x', baseUrl, retryDelayMs: 5 });
  return { flint, seen, baseUrl };
}

const order = {
  order_id: 'ord_1',
  object: 'order',
  status: 'OPEN',
  metadata: { crm_id: '7', Some_Key: 'x' },
};
const error = (status: number, fields: Record<string, unknown>) => ({
  status,
  body: { error: fields },
});

describe('casing', () => {
  it('maps keys both ways and leaves metadata keys alone', () => {
    const wire = toWire({
      lineItems: [{ unitPriceMoney: { amount: 1 }, metadata: { myKey: 'v', snake_key: 'w' } }],
      refundMetadata: { camelCase: '1' },
    });
    expect(wire).toEqual({
      line_items: [{ unit_price_money: { amount: 1 }, metadata: { myKey: 'v', snake_key: 'w' } }],
      refund_metadata: { camelCase: '1' },
    });
    expect(
      fromWire({ net_amounts: { total_money: { amount: 5 } }, metadata: { a_b: '1' } }),
    ).toEqual({
      netAmounts: { totalMoney: { amount: 5 } },
      metadata: { a_b: '1' },
    });
  });
});

describe("the seed page's forms (004)", () => {
  it('every returned object with its own <type>_id answers to id, typed; the wire keeps <type>_id', () => {
    const wire = {
      order: {
        order_id: 'ord_1',
        object: 'order',
        line_items: [{ line_item_id: 'li_1', object: 'line_item', applied_discounts: [] }],
        coupons: [{ coupon_id: 'cpn_1', code: 'LAUNCH20' }],
        payments: [{ payment_intent_id: 'pi_1', status: 'succeeded' }],
        metadata: { order_id: 'mine' },
      },
      payment_intent: { payment_intent_id: 'pi_1', object: 'payment_intent', order_id: 'ord_1' },
    };
    const answer = fromWire<{ order: Order; paymentIntent: { id: string } }>(wire);
    expect(answer.order).toEqual({
      id: 'ord_1',
      orderId: 'ord_1',
      object: 'order',
      lineItems: [{ id: 'li_1', lineItemId: 'li_1', object: 'line_item', appliedDiscounts: [] }],
      coupons: [{ couponId: 'cpn_1', code: 'LAUNCH20' }],
      payments: [{ id: 'pi_1', paymentIntentId: 'pi_1', status: 'succeeded' }],
      metadata: { order_id: 'mine' },
    });
    expect(answer.paymentIntent.id).toBe('pi_1');
    expect(toWire({ orderId: 'ord_1' })).toEqual({ order_id: 'ord_1' });
    expectTypeOf<Order['id']>().toEqualTypeOf<string>();
    expectTypeOf<Order['payments'][number]['id']>().toEqualTypeOf<string>();
    expectTypeOf<Order['lineItems'][number]['id']>().toEqualTypeOf<string>();
    expectTypeOf<Refund['id']>().toEqualTypeOf<string>();
    expectTypeOf<Order['coupons'][number]>().not.toHaveProperty('id');
  });

  it('new Flint(key) and new Flint(key, options) work like new Flint({ apiKey }); no key throws', async () => {
    const { seen, baseUrl } = await standIn(() => ({ status: 200, body: { order } }));
    const got = await new Flint('sk_test_y', { baseUrl }).orders.get('ord_1');
    expect(got.id).toBe('ord_1');
    expect(seen[0]?.headers.authorization).toBe('Bearer sk_test_y');
    expect(() => new Flint('')).toThrow(TypeError);
    expect(() => new Flint({ apiKey: '' })).toThrow(TypeError);
  });

  it('pay(id, params) and pay({ orderId, ...params }) send the same body; an idempotencyKey among the params is the header', async () => {
    const paid = { order, payment_intent: { payment_intent_id: 'pi_1', object: 'payment_intent' } };
    const { flint, seen } = await standIn(() => ({ status: 200, body: paid }));
    const byId = await flint.orders.pay('ord_1', {
      paymentSourceTokens: ['tok_visa'],
      buyerEmail: 'alex@example.com',
    });
    const byParams = await flint.orders.pay(
      { orderId: 'ord_1', paymentSourceTokens: ['tok_visa'], idempotencyKey: 'pay-1' },
      {},
    );
    expect(byId.paymentIntent?.id).toBe('pi_1');
    expect(byParams.order.id).toBe('ord_1');
    expect(seen.map((s) => [s.method, s.url, s.body])).toEqual([
      [
        'POST',
        '/v1/orders/ord_1/pay',
        { payment: { payment_source_tokens: ['tok_visa'], buyer_email: 'alex@example.com' } },
      ],
      ['POST', '/v1/orders/ord_1/pay', { payment: { payment_source_tokens: ['tok_visa'] } }],
    ]);
    expect(seen[1]?.headers['idempotency-key']).toBe('pay-1');
  });

  it('refunds.create takes amountMoney and idempotencyKey among its params; options.idempotencyKey wins', async () => {
    const { flint, seen } = await standIn(() => ({
      status: 200,
      body: { refund: { refund_id: 're_1', object: 'refund', amount: 2900 } },
    }));
    const params = {
      paymentIntentId: 'pi_1',
      amountMoney: { amount: 2900, currency: 'USD' },
      reason: 'requested_by_customer' as const,
      idempotencyKey: 'refund-support-addon-01',
    };
    const refund = await flint.refunds.create(params);
    await flint.refunds.create(params, { idempotencyKey: 'chosen' });
    expect(refund).toMatchObject({ id: 're_1', refundId: 're_1', amount: 2900 });
    expect(seen[0]?.body).toEqual({
      refund: {
        payment_intent_id: 'pi_1',
        amount_money: { amount: 2900, currency: 'USD' },
        reason: 'requested_by_customer',
      },
    });
    expect(seen.map((s) => s.headers['idempotency-key'])).toEqual([
      'refund-support-addon-01',
      'chosen',
    ]);
  });
});

describe('requests', () => {
  it('sends snake_case under the root key with the key and an idempotency key; answers camelCase', async () => {
    const { flint, seen } = await standIn(() => ({ status: 200, body: { order } }));
    const created = await flint.orders.create({
      lineItems: [{ name: 'A', quantity: 1, unitPriceMoney: { amount: 100 } }],
      metadata: { crmId: '7' },
    });
    expect(created).toEqual({
      id: 'ord_1',
      orderId: 'ord_1',
      object: 'order',
      status: 'OPEN',
      metadata: order.metadata,
    });
    expect(seen[0]?.body).toEqual({
      order: {
        line_items: [{ name: 'A', quantity: 1, unit_price_money: { amount: 100 } }],
        metadata: { crmId: '7' },
      },
    });
    expect(seen[0]?.headers.authorization).toBe('Bearer sk_test_x');
    expect(seen[0]?.headers['idempotency-key']).toMatch(/^[0-9a-f-]{36}$/);
    await flint.orders.get('ord_1');
    expect(seen[1]?.headers['idempotency-key']).toBeUndefined();
    expect(seen[1]?.url).toBe('/v1/orders/ord_1');
  });

  it('retries 5xx, 429 (after Retry-After) and 409 in flight with the same idempotency key', async () => {
    const done = { status: 200, body: { refund: { refund_id: 're_1', amount: 2900 } } };
    const answers = [
      error(503, { type: 'api_error', code: 'unavailable' }),
      {
        ...error(429, { type: 'rate_limited', code: 'rate_limited' }),
        headers: { 'retry-after': '0' },
      },
      error(409, { type: 'conflict', code: 'idempotency_key_in_use' }),
    ];
    const { flint, seen } = await standIn((_s, i) => answers[i] ?? done);
    const refund = await flint.refunds.create({ orderId: 'ord_1', amount: 2900 });
    expect(refund).toEqual({ refundId: 're_1', amount: 2900 });
    expect(seen).toHaveLength(4);
    const keys = new Set(seen.map((s) => s.headers['idempotency-key']));
    expect(keys.size).toBe(1);
    expect([...keys][0]).toBeTruthy();
  });

  it('uses the caller’s idempotency key, and gives up after maxRetries with the typed error', async () => {
    const { flint, seen } = await standIn(() =>
      error(500, { type: 'api_error', code: 'internal_error', request_id: 'req_9' }),
    );
    const failing = flint.refunds.create({ orderId: 'ord_1' }, { idempotencyKey: 'mine-1' });
    await expect(failing).rejects.toBeInstanceOf(FlintApiError);
    await expect(failing).rejects.toMatchObject({
      status: 500,
      code: 'internal_error',
      requestId: 'req_9',
    });
    expect(seen).toHaveLength(4); // the first attempt and 3 retries
    expect(seen.every((s) => s.headers['idempotency-key'] === 'mine-1')).toBe(true);
  });

  it('never retries a client error; errors carry code, request id, fields and details', async () => {
    const { flint, seen } = await standIn((s) =>
      s.url.startsWith('/v1/orders/missing')
        ? error(404, {
            type: 'not_found',
            code: 'resource_missing',
            message: 'order does not exist',
          })
        : s.url.includes('/pay')
          ? error(402, {
              type: 'processor_error',
              code: 'card_declined',
              decline_code: 'card_declined',
            })
          : error(422, {
              type: 'validation_error',
              code: 'amount_too_large',
              message: 'too much',
              request_id: 'req_1',
              errors: [{ loc: ['refund', 'amount'], msg: 'too much', type: 'value_error' }],
              maximum_refundable: 500,
            }),
    );
    const tooMuch = await flint.refunds
      .create({ orderId: 'ord_1', amount: 9999 })
      .catch((e: unknown) => e);
    expect(tooMuch).toBeInstanceOf(FlintValidationError);
    expect(tooMuch).toMatchObject({
      status: 422,
      code: 'amount_too_large',
      requestId: 'req_1',
      errors: [{ loc: ['refund', 'amount'] }],
      details: { maximum_refundable: 500 },
      message: 'too much',
    });
    await expect(flint.orders.get('missing')).rejects.toBeInstanceOf(FlintNotFoundError);
    await expect(
      flint.orders.pay('ord_1', { paymentSourceToken: 'tok_chargeDeclined' }),
    ).rejects.toBeInstanceOf(FlintCardError);
    expect(seen).toHaveLength(3);
  });

  it('classifies by the body’s error.type first, by the status when there is none', async () => {
    const { flint } = await standIn((s) =>
      s.url.includes('gone')
        ? error(410, { type: 'invalid_request', code: 'invite_invalid' })
        : s.url.includes('odd')
          ? error(404, { type: 'something_new', code: 'x' })
          : s.url.includes('proxy')
            ? { status: 502, body: 'Bad Gateway' }
            : error(500, { type: 'api_error', code: 'internal_error' }),
    );
    const gone = await flint.customers.get('gone').catch((e: unknown) => e);
    expect(gone).toBeInstanceOf(FlintInvalidRequestError);
    expect(gone).toBeInstanceOf(FlintValidationError);
    expect(gone).toMatchObject({
      status: 410,
      type: 'invalid_request',
      name: 'FlintInvalidRequestError',
    });
    const odd = await flint.customers.get('odd').catch((e: unknown) => e);
    expect(odd).toBeInstanceOf(FlintNotFoundError);
    const proxy = await flint.customers.get('proxy').catch((e: unknown) => e);
    expect(proxy).toBeInstanceOf(FlintApiError);
    expect(proxy).not.toBeInstanceOf(FlintProcessorError);
    expect(proxy).toMatchObject({ status: 502, type: 'api_error' });
    const api = await flint.customers.get('api').catch((e: unknown) => e);
    expect(api).toBeInstanceOf(FlintAPIError);
    expect(api).toBeInstanceOf(FlintApiError);
    expect(api).not.toBeInstanceOf(FlintProcessorError);
    const decline = FlintError.generate(402, { type: 'processor_error', code: 'card_declined' });
    expect(decline).toBeInstanceOf(FlintCardError);
    const down = FlintError.generate(502, {
      type: 'processor_error',
      code: 'processor_unavailable',
    });
    expect(down).toBeInstanceOf(FlintProcessorError);
    expect(down).toBeInstanceOf(FlintApiError);
    const reused = FlintError.generate(422, { type: 'idempotency_error' });
    expect(reused).toBeInstanceOf(FlintIdempotencyError);
    expect(reused).not.toBeInstanceOf(FlintValidationError);
  });

  it('does not wait out a Retry-After longer than a minute: the 429 is the caller’s', async () => {
    const { flint, seen } = await standIn(() => ({
      ...error(429, { type: 'rate_limited', code: 'rate_limited' }),
      headers: { 'retry-after': '3600' },
    }));
    await expect(flint.customers.get('cus_1')).rejects.toBeInstanceOf(FlintRateLimitError);
    expect(seen).toHaveLength(1);
  });
});

describe('lists', () => {
  it('await gives the first page; for await walks every page with starting_after', async () => {
    const pages = [
      {
        orders: [{ order_id: 'ord_1' }, { order_id: 'ord_2' }],
        has_more: true,
        next_cursor: 'ord_2',
      },
      { orders: [{ order_id: 'ord_3' }], has_more: false, next_cursor: null },
    ];
    const { flint, seen } = await standIn((s) => ({
      status: 200,
      body: s.url.includes('starting_after=ord_2') ? pages[1] : pages[0],
    }));
    const first = await flint.orders.list({ limit: 2, status: 'PAID' });
    expect(first).toEqual({
      data: [{ orderId: 'ord_1' }, { orderId: 'ord_2' }],
      hasMore: true,
      nextCursor: 'ord_2',
    });
    const ids: string[] = [];
    for await (const o of flint.orders.list({ limit: 2, status: 'PAID' })) ids.push(o.orderId);
    expect(ids).toEqual(['ord_1', 'ord_2', 'ord_3']);
    expect(seen.map((s) => s.url)).toEqual([
      '/v1/orders?limit=2&status=PAID',
      '/v1/orders?limit=2&status=PAID',
      '/v1/orders?limit=2&status=PAID&starting_after=ord_2',
    ]);
  });
});

describe('Flint.webhooks.verify', () => {
  const secret = `whsec_${Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')}`;
  const payload = JSON.stringify({
    event_id: 'evt_1',
    object: 'event',
    type: 'order.paid',
    data: {
      object: {
        order_id: 'ord_1',
        net_amounts: { total_money: { amount: 11059 } },
        metadata: { k_v: '1' },
      },
    },
  });
  const sign = (body: string, at = new Date()) => {
    const id = 'evt_1';
    const signature = new Webhook(secret).sign(id, at, body);
    return {
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': signature,
    };
  };

  it('returns the typed, camelCase event of a delivery that verifies (plain object or Headers)', () => {
    const event = Flint.webhooks.verify(payload, sign(payload), secret);
    expect(event.type).toBe('order.paid');
    if (event.type === 'order.paid') {
      expect(event.data.object.orderId).toBe('ord_1');
      expect(event.data.object.netAmounts.totalMoney.amount).toBe(11059);
      expect(event.data.object.metadata).toEqual({ k_v: '1' });
    }
    const headers = new Headers(sign(payload));
    expect(Flint.webhooks.verify(payload, headers, secret).eventId).toBe('evt_1');
  });

  it('refuses a changed body, another secret, and an old timestamp', () => {
    const headers = sign(payload);
    expect(() => Flint.webhooks.verify(payload.replace('11059', '1'), headers, secret)).toThrow(
      FlintSignatureError,
    );
    const other = `whsec_${Buffer.from('another secret of 32 bytes......').toString('base64')}`;
    expect(() => Flint.webhooks.verify(payload, headers, other)).toThrow(FlintSignatureError);
    const old = sign(payload, new Date(Date.now() - 10 * 60_000));
    expect(() => Flint.webhooks.verify(payload, old, secret)).toThrow(FlintSignatureError);
  });
});
