import Stripe from 'stripe';
import { type CardDetails, cardDetailsOrNull } from '../../domain/card-details.js';
import { REFUND_FAILURE_REASONS } from '../../domain/refunds/refund-values.js';
import type {
  CancelPaymentRequest,
  CancelRefundRequest,
  ChargeOutcome,
  ChargeRequest,
  PaymentProcessor,
  RefundOutcome,
  RefundRequest,
  SavePaymentMethodOutcome,
  SavePaymentMethodRequest,
} from '../../ports/payment-processor.js';

/** How Flint talks to Stripe; `host`/`port`/`protocol` point it at a stand-in in tests. */
export interface StripeClientOptions {
  readonly host?: string | undefined;
  readonly port?: number | undefined;
  readonly protocol?: 'http' | 'https' | undefined;
  /** Retries of a request that got no answer (same idempotency key). Default 2. */
  readonly maxNetworkRetries?: number | undefined;
  /** Per-request timeout. Default 30 s. */
  readonly timeoutMs?: number | undefined;
}

export function createStripeClient(secretKey: string, options: StripeClientOptions = {}): Stripe {
  return new Stripe(secretKey, {
    maxNetworkRetries: options.maxNetworkRetries ?? 2,
    timeout: options.timeoutMs ?? 30_000,
    telemetry: false,
    appInfo: { name: 'Flint' },
    ...(options.host ? { host: options.host } : {}),
    ...(options.port ? { port: options.port } : {}),
    ...(options.protocol ? { protocol: options.protocol } : {}),
  });
}

function idOf(value: string | { id: string } | null): string | null {
  return typeof value === 'string' ? value : (value?.id ?? null);
}

/** What to expand on a PaymentIntent so its answer names the card it charged. */
const CARD_EXPANSIONS = ['latest_charge', 'payment_method'];

function objectOf<T extends object>(value: string | T | null | undefined): T | null {
  return value && typeof value === 'object' ? value : null;
}

/**
 * The card a PaymentIntent charged, when the answer holds it (expanded): the charge's
 * `payment_method_details.card` (what was charged), else the payment method's card (a
 * payment waiting for 3-D Secure has no charge yet; a declined one lost its method,
 * which the error still names). Absent when Stripe's answer says nothing of it, so what
 * an earlier answer recorded stays.
 */
function chargedCardOf(
  intent: Stripe.PaymentIntent,
  method?: Stripe.PaymentMethod | null,
): { card?: CardDetails } {
  const card =
    cardDetailsOrNull(objectOf(intent.latest_charge)?.payment_method_details?.card) ??
    cardDetailsOrNull(objectOf(intent.payment_method)?.card) ??
    cardDetailsOrNull(intent.last_payment_error?.payment_method?.card) ??
    cardDetailsOrNull(method?.card);
  return card ? { card } : {};
}

/**
 * What a Stripe PaymentIntent says about a charge, or null while Stripe has no final
 * word yet (`processing`, …): the caller then treats it as no answer and asks again.
 */
export function chargeOutcomeOf(intent: Stripe.PaymentIntent): ChargeOutcome | null {
  switch (intent.status) {
    case 'succeeded': {
      const charge = idOf(intent.latest_charge);
      if (!charge) return null;
      return {
        status: 'succeeded',
        processorPaymentId: intent.id,
        processorChargeId: charge,
        amountReceived: intent.amount_received,
        ...chargedCardOf(intent),
      };
    }
    case 'requires_action':
      return {
        status: 'requires_action',
        processorPaymentId: intent.id,
        ...chargedCardOf(intent),
      };
    case 'canceled':
      if (!intent.last_payment_error) return { status: 'canceled', processorPaymentId: intent.id };
      return failedCharge(intent);
    case 'requires_payment_method':
      return failedCharge(intent);
    default:
      return null;
  }
}

function failedCharge(intent: Stripe.PaymentIntent): ChargeOutcome {
  const error = intent.last_payment_error;
  return {
    status: 'failed',
    processorPaymentId: intent.id,
    declineCode:
      error?.decline_code ||
      error?.code ||
      (intent.status === 'canceled' ? 'payment_intent_canceled' : 'payment_failed'),
    message: error?.message || `The payment is ${intent.status}.`,
    ...chargedCardOf(intent),
  };
}

/** What a Stripe Refund says; `requires_action` is still pending from Flint's side. */
export function refundOutcomeOf(refund: Stripe.Refund): RefundOutcome {
  switch (refund.status) {
    case 'succeeded':
      return {
        status: 'succeeded',
        processorRefundId: refund.id,
        referenceId: refund.destination_details?.card?.reference || null,
      };
    case 'failed': {
      const reason = REFUND_FAILURE_REASONS.find((r) => r === refund.failure_reason) ?? 'unknown';
      return { status: 'failed', processorRefundId: refund.id, failureReason: reason };
    }
    case 'canceled':
      return { status: 'canceled', processorRefundId: refund.id };
    default:
      return { status: 'pending', processorRefundId: refund.id };
  }
}

/**
 * A Stripe error that is a final "no": a decline, or a request Stripe refused outright
 * (bad token, bad key), so nothing was charged. Anything else (5xx, timeouts, rate
 * limits, a concurrent request with the same key) is no answer and is thrown.
 */
function refusedCharge(error: unknown): ChargeOutcome | null {
  if (error instanceof Stripe.errors.StripeCardError) {
    // A decline names the card it refused (the error's payment method, or the intent's).
    const card = error.payment_intent
      ? chargedCardOf(error.payment_intent, error.payment_method)
      : cardOfMethod(error.payment_method);
    return {
      status: 'failed',
      processorPaymentId: error.payment_intent?.id ?? null,
      // The SDK gives a card error without an issuer decline code an empty one.
      declineCode: error.decline_code || error.code || 'card_declined',
      message: error.message,
      ...card,
    };
  }
  if (
    error instanceof Stripe.errors.StripeAuthenticationError ||
    error instanceof Stripe.errors.StripePermissionError
  ) {
    return {
      status: 'failed',
      processorPaymentId: null,
      declineCode: 'processor_authentication_failed',
      message: "Stripe refused the account's secret key; check it with GET /v1/processor.",
    };
  }
  if (
    error instanceof Stripe.errors.StripeInvalidRequestError &&
    (error.statusCode === 400 || error.statusCode === 404)
  ) {
    return {
      status: 'failed',
      processorPaymentId: error.payment_intent?.id ?? null,
      declineCode: error.code ?? 'invalid_request',
      message: error.message,
    };
  }
  return null;
}

function cardOfMethod(method: Stripe.PaymentMethod | undefined): { card?: CardDetails } {
  const card = cardDetailsOrNull(method?.card);
  return card ? { card } : {};
}

function isRefusedRequest(error: unknown): boolean {
  return (
    error instanceof Stripe.errors.StripeInvalidRequestError &&
    (error.statusCode === 400 || error.statusCode === 404)
  );
}

/** A cancel's outcome: what Stripe answers, and `not_cancelable` when it refuses the request. */
async function cancelOutcome(cancel: () => Promise<{ readonly status: string | null }>) {
  try {
    const answer = await cancel();
    return { status: answer.status === 'canceled' ? 'canceled' : 'not_cancelable' } as const;
  } catch (error) {
    if (isRefusedRequest(error)) return { status: 'not_cancelable' } as const;
    throw error;
  }
}

/** The Stripe processor of one account and mode, through the official SDK. */
export function createStripeProcessor(client: Stripe): PaymentProcessor {
  return {
    name: 'stripe',
    async charge(request: ChargeRequest): Promise<ChargeOutcome> {
      let intent: Stripe.PaymentIntent;
      try {
        intent = await client.paymentIntents.create(
          {
            amount: request.amount,
            currency: request.currency.toLowerCase(),
            payment_method: request.paymentSourceToken,
            confirm: true,
            // A saved method is charged as its customer's, off session when the buyer is
            // not there (Stripe then declines a card that wants authentication).
            ...(request.processorCustomerId ? { customer: request.processorCustomerId } : {}),
            ...(request.offSession ? { off_session: true } : {}),
            // Confirmed here, with no return URL: only methods that need no redirect.
            automatic_payment_methods: { enabled: true, allow_redirects: 'never' },
            ...(request.buyerEmail ? { receipt_email: request.buyerEmail } : {}),
            metadata: { ...request.metadata },
            expand: CARD_EXPANSIONS,
          },
          { idempotencyKey: request.idempotencyKey },
        );
      } catch (error) {
        const refused = refusedCharge(error);
        if (refused) return refused;
        throw error;
      }
      const outcome = chargeOutcomeOf(intent);
      // Not final yet: left processing; Stripe's webhook or the settlement worker settles it.
      if (!outcome) throw new Error(`the Stripe payment ${intent.id} is ${intent.status}`);
      return outcome;
    },
    async paymentOutcome(request: CancelPaymentRequest) {
      return chargeOutcomeOf(
        await client.paymentIntents.retrieve(request.processorPaymentId, {
          expand: CARD_EXPANSIONS,
        }),
      );
    },
    async buyerAction(request: CancelPaymentRequest) {
      const intent = await client.paymentIntents.retrieve(request.processorPaymentId);
      return intent.status === 'requires_action' && intent.client_secret
        ? { clientSecret: intent.client_secret }
        : null;
    },
    async cancelPayment(request: CancelPaymentRequest) {
      // Stripe refuses to cancel a payment that succeeded or is processing.
      return cancelOutcome(() => client.paymentIntents.cancel(request.processorPaymentId));
    },
    savePaymentMethod: (request) => saveOnStripe(client, request),
    async detachPaymentMethod({ processorPaymentMethodId }) {
      try {
        await client.paymentMethods.detach(processorPaymentMethodId);
      } catch (error) {
        // Already detached, or gone: nothing left to do.
        if (!isRefusedRequest(error)) throw error;
      }
    },
    async refund(request: RefundRequest): Promise<RefundOutcome> {
      try {
        const refund = await client.refunds.create(
          {
            payment_intent: request.processorPaymentId,
            amount: request.amount,
            metadata: { ...request.metadata },
          },
          { idempotencyKey: request.idempotencyKey },
        );
        return refundOutcomeOf(refund);
      } catch (error) {
        // Stripe refused the refund itself (already refunded, unknown payment…): sending
        // it again would be refused again, so the part fails and its money goes back.
        if (isRefusedRequest(error)) {
          return { status: 'failed', processorRefundId: null, failureReason: 'unknown' };
        }
        throw error;
      }
    },
    async refundStatus(request: CancelRefundRequest): Promise<RefundOutcome> {
      return refundOutcomeOf(await client.refunds.retrieve(request.processorRefundId));
    },
    async cancelRefund(request: CancelRefundRequest) {
      // Stripe cancels only refunds that wait for an action; card refunds cannot be.
      return cancelOutcome(() => client.refunds.cancel(request.processorRefundId));
    },
  };
}

/**
 * Saves a card on Stripe: the Flint customer's Stripe Customer (made on its first save,
 * with a key derived from Flint's customer id, so concurrent first saves make one), then a
 * SetupIntent confirmed with the token for off-session use, which attaches the card.
 */
async function saveOnStripe(
  client: Stripe,
  request: SavePaymentMethodRequest,
): Promise<SavePaymentMethodOutcome> {
  try {
    const customerId =
      request.customer.processorCustomerId ??
      (
        await client.customers.create(
          {
            ...(request.customer.email ? { email: request.customer.email } : {}),
            metadata: { ...request.metadata, flint_customer_id: request.customer.id },
          },
          { idempotencyKey: `flint_customer_${request.customer.id}` },
        )
      ).id;
    const setup = await client.setupIntents.create(
      {
        customer: customerId,
        payment_method: request.paymentSourceToken,
        confirm: true,
        usage: 'off_session',
        automatic_payment_methods: { enabled: true, allow_redirects: 'never' },
        metadata: { ...request.metadata },
        expand: ['payment_method'],
      },
      { idempotencyKey: request.idempotencyKey },
    );
    return setupOutcomeOf(setup, customerId);
  } catch (error) {
    const refused = refusedCharge(error);
    if (refused?.status === 'failed') {
      return { status: 'failed', declineCode: refused.declineCode, message: refused.message };
    }
    throw error;
  }
}

/** What a SetupIntent says of a saved card; anything not final yet is no answer (thrown). */
export function setupOutcomeOf(
  setup: Stripe.SetupIntent,
  processorCustomerId: string,
): SavePaymentMethodOutcome {
  if (setup.status === 'succeeded') {
    const method = setup.payment_method;
    const id = idOf(method);
    if (!id) throw new Error(`the Stripe setup ${setup.id} names no payment method`);
    return {
      status: 'saved',
      processorPaymentMethodId: id,
      processorCustomerId,
      card: cardDetailsOrNull(objectOf(method)?.card),
    };
  }
  if (setup.status === 'requires_action') {
    return { status: 'requires_action', processorSetupId: setup.id, processorCustomerId };
  }
  if (setup.status === 'requires_payment_method' && setup.last_setup_error) {
    const error = setup.last_setup_error;
    return {
      status: 'failed',
      declineCode: error.decline_code || error.code || 'card_declined',
      message: error.message || 'The card could not be saved.',
    };
  }
  throw new Error(`the Stripe setup ${setup.id} is ${setup.status}`);
}
