import { Webhook } from 'standardwebhooks';
import { fromWire } from './casing.js';
import type {
  CheckoutSession,
  FlintEvent,
  Invoice,
  Order,
  PaymentIntent,
  PaymentLink,
  Refund,
  WebhookEndpoint,
} from './types.js';

// Flint's webhook deliveries follow the Standard Webhooks specification: verify the
// signature with the endpoint's `whsec_` secret, then read a typed, camelCase event.

type EventOf<Type extends string, Obj> = Omit<FlintEvent, 'type' | 'data'> & {
  readonly type: Type;
  readonly data: { readonly object: Obj; readonly previousAttributes?: Partial<Obj> };
};

/** A checkout session as events carry it: its own fields (GET the session for the rest). */
export type CheckoutSessionEventObject = Pick<
  CheckoutSession,
  | 'id'
  | 'checkoutSessionId'
  | 'object'
  | 'status'
  | 'orderId'
  | 'successUrl'
  | 'cancelUrl'
  | 'metadata'
  | 'testMode'
  | 'expiresAt'
  | 'createdAt'
  | 'updatedAt'
>;

/** Every event Flint sends, by the object it is about (`event.type` tells which). */
export type WebhookEvent =
  | EventOf<
      | 'order.created'
      | 'order.updated'
      | 'order.paid'
      | 'order.partially_refunded'
      | 'order.refunded'
      | 'order.closed'
      | 'order.canceled',
      Order
    >
  | EventOf<
      | 'payment_intent.created'
      | 'payment_intent.requires_action'
      | 'payment_intent.succeeded'
      | 'payment_intent.failed'
      | 'payment_intent.canceled',
      PaymentIntent
    >
  | EventOf<
      | 'refund.created'
      | 'refund.updated'
      | 'refund.requires_action'
      | 'refund.succeeded'
      | 'refund.failed'
      | 'refund.canceled',
      Refund
    >
  | EventOf<
      'checkout.session.created' | 'checkout.session.completed' | 'checkout.session.expired',
      CheckoutSessionEventObject
    >
  | EventOf<'payment_link.created' | 'payment_link.updated', Omit<PaymentLink, 'url'>>
  | EventOf<
      | 'invoice.created'
      | 'invoice.updated'
      | 'invoice.approval_requested'
      | 'invoice.finalized'
      | 'invoice.payment_succeeded'
      | 'invoice.payment_failed'
      | 'invoice.paid'
      | 'invoice.voided'
      | 'invoice.marked_uncollectible',
      Invoice
    >
  | EventOf<'webhook_endpoint.disabled', WebhookEndpoint>;

export type WebhookHeaders = Headers | Record<string, string | string[] | undefined>;

function headerRecord(headers: WebhookHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof Headers !== 'undefined' && headers instanceof Headers) {
    headers.forEach((value, name) => {
      out[name.toLowerCase()] = value;
    });
    return out;
  }
  for (const [name, value] of Object.entries(
    headers as Record<string, string | string[] | undefined>,
  )) {
    if (value !== undefined)
      out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/** Thrown when a delivery's signature, timestamp or headers do not verify. */
export class FlintSignatureError extends Error {
  override readonly name = 'FlintSignatureError';
}

/**
 * Verifies a delivery (the raw body as received, its headers, the endpoint's `whsec_`
 * secret) and returns its event. Refuses a bad signature and a timestamp more than five
 * minutes away (replays).
 */
export function verify(payload: string, headers: WebhookHeaders, secret: string): WebhookEvent {
  let verified: unknown;
  try {
    verified = new Webhook(secret).verify(payload, headerRecord(headers));
  } catch (error) {
    throw new FlintSignatureError(
      `The webhook does not verify: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return fromWire<WebhookEvent>(verified);
}

export interface SignForTestOptions {
  /** When the delivery was signed: a `Date` or Unix seconds (default: now). */
  readonly timestamp?: Date | number;
  /** The `webhook-id` (default: the payload's `event_id`, as Flint sends it, else a random id). */
  readonly id?: string;
}

/** The Standard Webhooks headers of one delivery (an object `verify` takes as it is). */
export type SignedWebhookHeaders = {
  readonly 'webhook-id': string;
  readonly 'webhook-timestamp': string;
  readonly 'webhook-signature': string;
};

function eventIdOf(payload: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(payload);
    const id = (parsed as { event_id?: unknown } | null)?.event_id;
    return typeof id === 'string' && id.length > 0 ? id : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The headers Flint would send with `payload` (the raw body) signed by `secret` (a `whsec_`
 * endpoint secret): for testing a webhook handler, which `verify` accepts (stripe-node's
 * `generateTestHeaderString`).
 */
export function signForTest(
  payload: string,
  secret: string,
  options: SignForTestOptions = {},
): SignedWebhookHeaders {
  if (typeof payload !== 'string') throw new TypeError('payload must be the raw body, a string');
  const { timestamp = new Date() } = options;
  const at = typeof timestamp === 'number' ? new Date(timestamp * 1000) : timestamp;
  if (Number.isNaN(at.getTime()))
    throw new TypeError('timestamp must be a valid Date or Unix seconds');
  const id =
    options.id ?? eventIdOf(payload) ?? `msg_${globalThis.crypto.randomUUID().replace(/-/g, '')}`;
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(id, at, payload),
  };
}
