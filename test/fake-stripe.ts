import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AppOptions } from '../src/http/app.js';
import { startTestServer, type TestServer } from './harness.js';

// A local stand-in for api.stripe.com: records every request the SDK makes and answers
// like Stripe for the few endpoints Flint uses. A test can queue exact answers instead.

export interface StripeRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  /** The form-encoded body (or query string) as sent, keys like `metadata[flint_mode]`. */
  readonly form: Record<string, string>;
}

export interface StripeAnswer {
  readonly status: number;
  readonly body: unknown;
}

export interface FakeStripe {
  readonly port: number;
  readonly requests: StripeRequest[];
  /** The answer to the next request, whatever it is (then the built-in behaviour resumes). */
  queue(answer: StripeAnswer): void;
  /** Sets a stored refund's state, as Stripe would later (e.g. succeeded with a reference). */
  updateRefund(id: string, changes: Record<string, unknown>): Record<string, unknown>;
  /** Sets a stored PaymentIntent's state, as Stripe would after the buyer's 3-D Secure. */
  updatePaymentIntent(id: string, changes: Record<string, unknown>): Record<string, unknown>;
  /** The PaymentIntent created for a Flint payment intent (by its metadata). */
  paymentIntentFor(flintPaymentIntentId: string): Record<string, unknown> | undefined;
  close(): Promise<void>;
}

const now = () => Math.floor(Date.now() / 1000);

export function paymentIntentObject(fields: Record<string, unknown>): Record<string, unknown> {
  return {
    object: 'payment_intent',
    amount_received: 0,
    latest_charge: null,
    last_payment_error: null,
    metadata: {},
    livemode: false,
    created: now(),
    ...fields,
  };
}

export function refundObject(fields: Record<string, unknown>): Record<string, unknown> {
  return {
    object: 'refund',
    status: 'pending',
    metadata: {},
    currency: 'usd',
    created: now(),
    destination_details: { type: 'card', card: { type: 'refund', reference_status: 'pending' } },
    ...fields,
  };
}

export function cardError(fields: Record<string, unknown>): StripeAnswer {
  return { status: 402, body: { error: { type: 'card_error', ...fields } } };
}

const DECLINES: Record<string, { code: string; decline_code: string; message: string }> = {
  tok_chargeDeclined: {
    code: 'card_declined',
    decline_code: 'generic_decline',
    message: 'Your card was declined.',
  },
  tok_chargeDeclinedInsufficientFunds: {
    code: 'card_declined',
    decline_code: 'insufficient_funds',
    message: 'Your card has insufficient funds.',
  },
  // Stripe's card that attaches to a customer and declines when charged.
  tok_chargeCustomerFail: {
    code: 'card_declined',
    decline_code: 'generic_decline',
    message: 'Your card was declined.',
  },
};

/** Declines Stripe answers when a card is attached (all but the one made to attach). */
const DECLINED_ON_ATTACH = (token: string) =>
  token !== 'tok_chargeCustomerFail' ? DECLINES[token] : undefined;

/** Stripe's test payment methods (what Stripe.js gives the page) for the same cards. */
const PAYMENT_METHODS: Record<string, string> = {
  pm_card_visa: 'tok_visa',
  pm_card_mastercard: 'tok_mastercard',
  pm_card_amex: 'tok_amex',
  pm_card_chargeDeclined: 'tok_chargeDeclined',
  pm_card_chargeDeclinedInsufficientFunds: 'tok_chargeDeclinedInsufficientFunds',
  pm_card_authenticationRequired: 'tok_threeDSecureRequired',
};

/** The card behind each test token, as Stripe's card objects describe it. */
const CARDS: Record<string, { brand: string; last4: string; funding: string }> = {
  tok_visa: { brand: 'visa', last4: '4242', funding: 'credit' },
  tok_mastercard: { brand: 'mastercard', last4: '4444', funding: 'credit' },
  tok_amex: { brand: 'amex', last4: '8431', funding: 'credit' },
  tok_chargeDeclined: { brand: 'visa', last4: '0002', funding: 'credit' },
  tok_chargeDeclinedInsufficientFunds: { brand: 'visa', last4: '9995', funding: 'credit' },
  tok_threeDSecureRequired: { brand: 'visa', last4: '3155', funding: 'credit' },
  tok_chargeCustomerFail: { brand: 'visa', last4: '0341', funding: 'credit' },
};

function cardOf(token: string): Record<string, unknown> {
  const card = CARDS[token] ?? CARDS[PAYMENT_METHODS[token] ?? ''] ?? CARDS.tok_visa;
  return { ...card, exp_month: 8, exp_year: 2031, country: 'US', checks: { cvc_check: 'pass' } };
}

/** The fields a request asked to expand (`expand[0]=latest_charge`, …). */
function expansionsOf(form: Record<string, string>): string[] {
  return Object.entries(form)
    .filter(([key]) => /^expand\[\d*\]$/.test(key))
    .map(([, value]) => value);
}

export async function startFakeStripe(): Promise<FakeStripe> {
  const requests: StripeRequest[] = [];
  const queued: StripeAnswer[] = [];
  const intents = new Map<string, Record<string, unknown>>();
  const refunds = new Map<string, Record<string, unknown>>();
  const charges = new Map<string, Record<string, unknown>>();
  const methods = new Map<string, Record<string, unknown>>();
  const customers = new Map<string, Record<string, unknown>>();
  /** The token each saved (attached) payment method was made from. */
  const savedTokens = new Map<string, string>();
  const byIdempotencyKey = new Map<string, StripeAnswer>();
  let counter = 0;

  // Like Stripe, a token is turned into a payment method of its own, and the charge made
  // with it records the card in `payment_method_details`. Both are ids on the stored
  // intent (what webhooks carry) and objects only where a request expands them.
  function createIntent(form: Record<string, string>): StripeAnswer {
    counter += 1;
    const id = `pi_fake${counter}`;
    const given = form.payment_method ?? '';
    const saved = savedTokens.get(given);
    if (saved !== undefined && methods.get(given)?.customer !== form.customer) {
      return invalidRequest(400, 'payment_method_missing', 'The method is not the customer’s.');
    }
    const token = saved ?? given;
    const metadata = metadataOf(form);
    const method =
      saved !== undefined
        ? (methods.get(given) as { id: string; card: Record<string, unknown> })
        : { id: `pm_fake${counter}`, object: 'payment_method', type: 'card', card: cardOf(token) };
    methods.set(method.id, method);
    const charge = (status: string) => {
      const c = {
        id: `ch_fake${counter}`,
        object: 'charge',
        amount: Number(form.amount),
        status,
        payment_intent: id,
        payment_method: method.id,
        payment_method_details: { type: 'card', card: method.card },
      };
      charges.set(c.id, c);
      return c.id;
    };
    const base = {
      id,
      amount: Number(form.amount),
      currency: form.currency,
      metadata,
      client_secret: `${id}_secret_fake${counter}`,
    };
    const decline = DECLINES[token] ?? DECLINES[PAYMENT_METHODS[token] ?? ''];
    if (decline) {
      // A declined payment loses its method; the error names it.
      const intent = paymentIntentObject({
        ...base,
        status: 'requires_payment_method',
        latest_charge: charge('failed'),
        payment_method: null,
        last_payment_error: { type: 'card_error', ...decline, payment_method: method },
      });
      intents.set(id, intent);
      return cardError({ ...decline, payment_intent: intent, payment_method: method });
    }
    const authenticates =
      token === 'tok_threeDSecureRequired' || token === 'pm_card_authenticationRequired';
    if (authenticates && form.off_session === 'true') {
      // Off session nobody can authenticate: Stripe declines instead of waiting.
      const error = {
        code: 'authentication_required',
        decline_code: 'authentication_required',
        message: 'Your card was declined. This transaction requires authentication.',
      };
      const intent = paymentIntentObject({
        ...base,
        status: 'requires_payment_method',
        payment_method: null,
        last_payment_error: { type: 'card_error', ...error, payment_method: method },
      });
      intents.set(id, intent);
      return cardError({ ...error, payment_intent: intent, payment_method: method });
    }
    const intent = authenticates
      ? paymentIntentObject({ ...base, status: 'requires_action', payment_method: method.id })
      : paymentIntentObject({
          ...base,
          status: 'succeeded',
          amount_received: Number(form.amount),
          latest_charge: charge('succeeded'),
          payment_method: method.id,
        });
    intents.set(id, intent);
    return { status: 200, body: expanded(intent, form) };
  }

  function expanded(
    intent: Record<string, unknown>,
    form: Record<string, string>,
  ): Record<string, unknown> {
    const fields = expansionsOf(form);
    const lookup = (field: string, store: Map<string, Record<string, unknown>>) => {
      const value = intent[field];
      return fields.includes(field) && typeof value === 'string' && store.has(value)
        ? { [field]: store.get(value) }
        : {};
    };
    return { ...intent, ...lookup('latest_charge', charges), ...lookup('payment_method', methods) };
  }

  function createRefund(form: Record<string, string>): StripeAnswer {
    counter += 1;
    const id = `re_fake${counter}`;
    const refund = refundObject({
      id,
      amount: Number(form.amount),
      payment_intent: form.payment_intent,
      metadata: metadataOf(form),
      status: 'succeeded',
      destination_details: {
        type: 'card',
        card: { type: 'refund', reference: `ARN${counter}`, reference_status: 'available' },
      },
    });
    refunds.set(id, refund);
    return { status: 200, body: refund };
  }

  function createCustomer(form: Record<string, string>): StripeAnswer {
    counter += 1;
    const customer = {
      id: `cus_fake${counter}`,
      object: 'customer',
      email: form.email ?? null,
      metadata: metadataOf(form),
      livemode: false,
      created: now(),
    };
    customers.set(customer.id, customer);
    return { status: 200, body: customer };
  }

  // A SetupIntent confirmed with a token attaches a new payment method to the customer;
  // Stripe checks the card then, so a declining card is refused there (402), and a card
  // that wants 3-D Secure waits for it.
  function createSetupIntent(form: Record<string, string>): StripeAnswer {
    counter += 1;
    const id = `seti_fake${counter}`;
    const token = form.payment_method ?? '';
    const customer = form.customer ?? '';
    if (!customers.has(customer))
      return invalidRequest(400, 'resource_missing', 'No such customer');
    const base = {
      id,
      object: 'setup_intent',
      customer,
      usage: form.usage,
      metadata: metadataOf(form),
      livemode: false,
      created: now(),
      last_setup_error: null,
      client_secret: `${id}_secret_fake${counter}`,
    };
    const decline = DECLINED_ON_ATTACH(token) ?? DECLINED_ON_ATTACH(PAYMENT_METHODS[token] ?? '');
    if (decline) {
      const setup = { ...base, status: 'requires_payment_method', payment_method: null };
      return cardError({ ...decline, setup_intent: setup });
    }
    const method = {
      id: `pm_fake${counter}`,
      object: 'payment_method',
      type: 'card',
      customer,
      card: cardOf(token),
    };
    methods.set(method.id, method);
    if (token === 'tok_threeDSecureRequired' || token === 'pm_card_authenticationRequired') {
      return {
        status: 200,
        body: { ...base, status: 'requires_action', payment_method: method.id },
      };
    }
    savedTokens.set(method.id, PAYMENT_METHODS[token] ?? token);
    const setup = { ...base, status: 'succeeded', payment_method: method.id };
    const expand = expansionsOf(form).includes('payment_method');
    return { status: 200, body: expand ? { ...setup, payment_method: method } : setup };
  }

  function detachMethod(id: string): StripeAnswer {
    const method = methods.get(id);
    if (!method?.customer) return invalidRequest(400, undefined, 'The method is not attached.');
    method.customer = null;
    savedTokens.delete(id);
    return { status: 200, body: method };
  }

  function answer(request: StripeRequest): StripeAnswer {
    if (request.method === 'POST' && request.path === '/v1/customers')
      return createCustomer(request.form);
    if (request.method === 'POST' && request.path === '/v1/setup_intents')
      return createSetupIntent(request.form);
    const detach = /^\/v1\/payment_methods\/([^/]+)\/detach$/.exec(request.path);
    if (detach && request.method === 'POST') return detachMethod(detach[1] as string);
    const refundPath = /^\/v1\/refunds\/([^/]+)(\/cancel)?$/.exec(request.path);
    const intentPath = /^\/v1\/payment_intents\/([^/]+)$/.exec(request.path);
    if (intentPath && request.method === 'GET') {
      const intent = intents.get(intentPath[1] as string);
      return intent
        ? { status: 200, body: expanded(intent, request.form) }
        : invalidRequest(404, 'resource_missing', 'No such payment_intent');
    }
    if (request.method === 'POST' && request.path === '/v1/payment_intents')
      return createIntent(request.form);
    if (request.method === 'POST' && request.path === '/v1/refunds')
      return createRefund(request.form);
    const refund = refundPath ? refunds.get(refundPath[1] as string) : undefined;
    if (refundPath && !refund) return invalidRequest(404, 'resource_missing', 'No such refund');
    if (refund && request.method === 'GET') return { status: 200, body: refund };
    if (refund && refundPath?.[2]) {
      if (refund.status !== 'requires_action') {
        return invalidRequest(400, undefined, 'You can only cancel refunds in requires_action.');
      }
      refund.status = 'canceled';
      return { status: 200, body: refund };
    }
    return invalidRequest(404, undefined, `Unrecognized request URL (${request.path})`);
  }

  const server = createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      raw += chunk;
    });
    req.on('end', () => {
      const [path = '', query = ''] = (req.url ?? '').split('?');
      const form = Object.fromEntries(new URLSearchParams(req.method === 'GET' ? query : raw));
      const request = { method: req.method ?? '', path, headers: req.headers, form };
      requests.push(request);
      // Like Stripe, the same idempotency key gets the first answer again (a queued answer
      // is what the test wants the next request to get, and is not kept).
      const key = req.headers['idempotency-key'];
      let reply = queued.shift();
      if (!reply) {
        const replay = typeof key === 'string' ? byIdempotencyKey.get(key) : undefined;
        reply = replay ?? answer(request);
        if (typeof key === 'string' && reply.status < 500 && !replay) {
          byIdempotencyKey.set(key, { status: reply.status, body: structuredClone(reply.body) });
        }
      }
      res.writeHead(reply.status, { 'content-type': 'application/json', 'request-id': 'req_fake' });
      res.end(JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    requests,
    queue: (a) => {
      queued.push(a);
    },
    updateRefund(id, changes) {
      const refund = refunds.get(id);
      if (!refund) throw new Error(`no refund ${id}`);
      Object.assign(refund, changes);
      return refund;
    },
    updatePaymentIntent(id, changes) {
      const intent = intents.get(id);
      if (!intent) throw new Error(`no payment intent ${id}`);
      Object.assign(intent, changes);
      return intent;
    },
    paymentIntentFor: (flintId) =>
      [...intents.values()].find(
        (i) => (i.metadata as Record<string, string>).flint_payment_intent_id === flintId,
      ),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function invalidRequest(status: number, code: string | undefined, message: string): StripeAnswer {
  return {
    status,
    body: { error: { type: 'invalid_request_error', ...(code ? { code } : {}), message } },
  };
}

function metadataOf(form: Record<string, string>): Record<string, string> {
  const metadata: Record<string, string> = {};
  for (const [key, value] of Object.entries(form)) {
    const match = /^metadata\[(.+)\]$/.exec(key);
    if (match?.[1]) metadata[match[1]] = value;
  }
  return metadata;
}

/**
 * A test server whose accounts reach Stripe at a fresh stand-in (with the encryption key
 * that storing Stripe keys needs); `close` stops both.
 */
export async function startServerOnFakeStripe(
  options: Partial<AppOptions> = {},
): Promise<{ server: TestServer; fake: FakeStripe; close(): Promise<void> }> {
  const fake = await startFakeStripe();
  const server = await startTestServer({
    encryptionKey: randomBytes(32),
    stripe: { host: '127.0.0.1', port: fake.port, protocol: 'http', maxNetworkRetries: 0 },
    ...options,
  });
  return {
    server,
    fake,
    async close() {
      await server.close();
      await fake.close();
    },
  };
}
