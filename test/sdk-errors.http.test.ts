import {
  Flint,
  FlintAPIError,
  FlintApiError,
  FlintAuthenticationError,
  FlintCardError,
  FlintConflictError,
  FlintConnectionError,
  FlintError,
  FlintIdempotencyError,
  FlintInvalidRequestError,
  FlintNotFoundError,
  FlintPermissionError,
  FlintProcessorError,
  FlintRateLimitError,
  FlintSignatureError,
  FlintValidationError,
} from 'flint-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandboxProcessor } from '../src/adapters/processors/sandbox.js';
import { signatureHeaders } from '../src/adapters/webhooks/signature.js';
import type { PaymentProcessor } from '../src/ports/payment-processor.js';
import { createTestAccount, startTestServer, type TestServer } from './harness.js';
import { sampleId } from './openapi-operations.js';

// The SDK's error classes against the real server: each `error.type` Flint answers with
// becomes its class (stripe-node's StripeError.generate), and every class is a FlintError.
// And `Flint.webhooks.signForTest` signs as the server's own deliveries do.

const sandbox = createSandboxProcessor();
let processorDown = false;
const processor: PaymentProcessor = {
  ...sandbox,
  charge: async (request) => {
    if (processorDown) throw new Error('socket hang up');
    return sandbox.charge(request);
  },
};

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ processor });
});
afterAll(() => server.close());

async function client(options: { live?: boolean } = {}): Promise<Flint> {
  const account = await createTestAccount(server);
  const key = options.live ? account.liveKey : account.testKey;
  return new Flint({ apiKey: key, baseUrl: server.url, maxRetries: 0 });
}

/** What a call threw (it must throw). */
async function thrown(call: PromiseLike<unknown>): Promise<FlintError> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(FlintError);
  return error as FlintError;
}

const line = { name: 'Thing', quantity: 1, unitPriceMoney: { amount: 1000, currency: 'USD' } };

describe('SDK errors by error.type, against the server', () => {
  it('invalid_request (400) is a FlintInvalidRequestError, still a FlintValidationError', async () => {
    const flint = await client();
    const error = await thrown(flint.customers.create({ nickname: 'x' } as never));
    expect(error).toBeInstanceOf(FlintInvalidRequestError);
    expect(error).toBeInstanceOf(FlintValidationError);
    expect(error).toMatchObject({
      status: 400,
      type: 'invalid_request',
      code: 'parameter_unknown',
    });
    expect(error.name).toBe('FlintInvalidRequestError');
    expect(error.param).toBe('customer.nickname');
    expect(error.requestId).toMatch(/^req_/);
  });

  it('validation_error (422) is a FlintValidationError with its field errors and param', async () => {
    const flint = await client();
    const error = await thrown(flint.customers.create({ email: 'not an email' }));
    expect(error).toBeInstanceOf(FlintValidationError);
    expect(error).not.toBeInstanceOf(FlintInvalidRequestError);
    expect(error).toMatchObject({
      status: 422,
      type: 'validation_error',
      code: 'parameter_invalid',
    });
    expect(error.errors[0]?.loc).toEqual(['customer', 'email']);
    expect(error.param).toBe('customer.email');
  });

  it('unauthorized (401) is a FlintAuthenticationError', async () => {
    const flint = new Flint({ apiKey: 'sk_test_nobody', baseUrl: server.url, maxRetries: 0 });
    const error = await thrown(flint.customers.list());
    expect(error).toBeInstanceOf(FlintAuthenticationError);
    expect(error).toMatchObject({ status: 401, type: 'unauthorized', code: 'api_key_invalid' });
  });

  it('forbidden (403) is a FlintPermissionError', async () => {
    const flint = await client();
    const error = await thrown(
      flint.consoleUsers.create({ email: 'ann@example.com', name: 'Ann', role: 'viewer' }),
    );
    expect(error).toBeInstanceOf(FlintPermissionError);
    expect(error).toMatchObject({ status: 403, type: 'forbidden', code: 'live_key_required' });
  });

  it('not_found (404) is a FlintNotFoundError', async () => {
    const flint = await client();
    const error = await thrown(flint.orders.get(sampleId('ord')));
    expect(error).toBeInstanceOf(FlintNotFoundError);
    expect(error).toMatchObject({ status: 404, type: 'not_found', code: 'resource_missing' });
  });

  it('conflict (409) is a FlintConflictError', async () => {
    const flint = await client();
    const order = await flint.orders.create({ lineItems: [line] });
    await flint.orders.cancel(order.id);
    const error = await thrown(flint.orders.cancel(order.id));
    expect(error).toBeInstanceOf(FlintConflictError);
    expect(error).toMatchObject({ status: 409, type: 'conflict', code: 'order_state_invalid' });
  });

  it('idempotency_error (422) is a FlintIdempotencyError, not a FlintValidationError', async () => {
    const flint = await client();
    await flint.customers.create({ name: 'Ann' }, { idempotencyKey: 'sdk-errors-reused' });
    const error = await thrown(
      flint.customers.create({ name: 'Bob' }, { idempotencyKey: 'sdk-errors-reused' }),
    );
    expect(error).toBeInstanceOf(FlintIdempotencyError);
    expect(error).not.toBeInstanceOf(FlintValidationError);
    expect(error).toMatchObject({ status: 422, type: 'idempotency_error' });
  });

  it('a decline (402 processor_error) is a FlintCardError with its decline code', async () => {
    const flint = await client();
    const order = await flint.orders.create({ lineItems: [line] });
    const error = await thrown(
      flint.orders.pay(order.id, { paymentSourceTokens: ['tok_chargeDeclined'] }),
    );
    expect(error).toBeInstanceOf(FlintCardError);
    expect(error).toMatchObject({ status: 402, type: 'processor_error', code: 'card_declined' });
  });

  it('a processor that does not answer (502 processor_error) is a FlintProcessorError, a FlintApiError', async () => {
    const flint = await client();
    const order = await flint.orders.create({ lineItems: [line] });
    processorDown = true;
    try {
      const error = await thrown(flint.orders.pay(order.id, { paymentSourceTokens: ['tok_visa'] }));
      expect(error).toBeInstanceOf(FlintProcessorError);
      expect(error).toBeInstanceOf(FlintApiError);
      expect(error).toBeInstanceOf(FlintAPIError);
      expect(error).not.toBeInstanceOf(FlintCardError);
      expect(error).toMatchObject({
        status: 502,
        type: 'processor_error',
        code: 'processor_unavailable',
      });
    } finally {
      processorDown = false;
    }
  });

  it('rate_limited (429) is a FlintRateLimitError', async () => {
    const limited = await startTestServer({ rateLimitPerSecond: 1, rateLimitWindowMs: 60_000 });
    try {
      const { testKey } = await createTestAccount(limited);
      const flint = new Flint({ apiKey: testKey, baseUrl: limited.url, maxRetries: 0 });
      await flint.customers.list();
      const error = await thrown(flint.customers.list());
      expect(error).toBeInstanceOf(FlintRateLimitError);
      expect(error).toMatchObject({ status: 429, type: 'rate_limited', code: 'rate_limited' });
      expect(error.details.retry_after).toEqual(expect.any(Number));
    } finally {
      await limited.close();
    }
  });

  it('no answer is a FlintConnectionError', async () => {
    const closed = await startTestServer();
    const url = closed.url;
    await closed.close();
    const flint = new Flint({ apiKey: 'sk_test_x', baseUrl: url, maxRetries: 0 });
    const error = await thrown(flint.customers.list());
    expect(error).toBeInstanceOf(FlintConnectionError);
    expect(error).toMatchObject({ status: 0, type: 'connection_error' });
  });
});

describe('Flint.webhooks.signForTest', () => {
  const secret = `whsec_${Buffer.from('a test endpoint secret, 32 bytes').toString('base64')}`;
  const payload = JSON.stringify({
    event_id: 'evt_01h455vb4pex5vsknk084sn02q',
    object: 'event',
    type: 'order.paid',
    data: { object: { order_id: 'ord_01h455vb4pex5vsknk084sn02q', object: 'order' } },
  });

  it('gives the headers the server signs a delivery with, which verify accepts', () => {
    const at = new Date();
    const headers = Flint.webhooks.signForTest(payload, secret, { timestamp: at });
    expect(headers['webhook-id']).toBe('evt_01h455vb4pex5vsknk084sn02q');
    expect(headers).toEqual(signatureHeaders(headers['webhook-id'], at, payload, [secret]));
    const event = Flint.webhooks.verify(payload, headers, secret);
    expect(event.type).toBe('order.paid');
    expect(event.eventId).toBe('evt_01h455vb4pex5vsknk084sn02q');
  });

  it('takes Unix seconds and an id; verify refuses another secret, body or an old timestamp', () => {
    const now = Math.floor(Date.now() / 1000);
    const headers = Flint.webhooks.signForTest(payload, secret, { timestamp: now, id: 'msg_1' });
    expect(headers['webhook-timestamp']).toBe(String(now));
    expect(headers['webhook-id']).toBe('msg_1');
    expect(Flint.webhooks.verify(payload, headers, secret).type).toBe('order.paid');
    const other = `whsec_${Buffer.from('another secret of thirty-two b.').toString('base64')}`;
    expect(() => Flint.webhooks.verify(payload, headers, other)).toThrow(FlintSignatureError);
    expect(() => Flint.webhooks.verify(`${payload} `, headers, secret)).toThrow(
      FlintSignatureError,
    );
    const old = Flint.webhooks.signForTest(payload, secret, { timestamp: now - 600 });
    expect(() => Flint.webhooks.verify(payload, old, secret)).toThrow(FlintSignatureError);
  });
});
