import type { CardDetails } from '../domain/card-details.js';
import type { RefundOutcome } from '../domain/refunds/refund-outcomes.js';
import type { Tenant } from '../domain/tenant.js';

/**
 * The one interface every card processor implements (sandbox, Stripe). Flint never
 * sees card numbers: a payment source is a processor token. Every call carries an
 * idempotency key derived from Flint's own row id, so a retry never charges twice.
 */
export interface ChargeRequest {
  /** Derived from our payment intent id: the processor dedupes on it. */
  readonly idempotencyKey: string;
  readonly amount: number;
  /** Upper-case ISO 4217. */
  readonly currency: string;
  /** A processor token (`tok_visa`), or a saved payment method's processor id (`pm_…`). */
  readonly paymentSourceToken: string;
  readonly buyerEmail?: string | undefined;
  /** Flint's ids (account, mode, order, payment intent): processor webhooks find us by them. */
  readonly metadata: Readonly<Record<string, string>>;
  /**
   * The buyer is not there (a renewal): a card that asks for authentication fails with
   * `authentication_required` instead of waiting for an action nobody can take.
   */
  readonly offSession?: true | undefined;
  /** The processor's customer a saved payment method is attached to (Stripe's `cus_…`). */
  readonly processorCustomerId?: string | undefined;
}

/** Saves a card for later charges (Stripe: a confirmed off-session SetupIntent). */
export interface SavePaymentMethodRequest {
  /** Derived from Flint's own ids: the same key always saves the same method once. */
  readonly idempotencyKey: string;
  readonly paymentSourceToken: string;
  /** Flint's customer; `processorCustomerId` when the processor already has one for it. */
  readonly customer: {
    readonly id: string;
    readonly email?: string | undefined;
    readonly processorCustomerId?: string | undefined;
  };
  /** Flint's ids (account, mode, customer). */
  readonly metadata: Readonly<Record<string, string>>;
}

export type SavePaymentMethodOutcome =
  | {
      readonly status: 'saved';
      /** What a later charge passes as its `paymentSourceToken`. */
      readonly processorPaymentMethodId: string;
      /** The processor's customer it is attached to (made on the first save), if any. */
      readonly processorCustomerId?: string | undefined;
      readonly card: CardDetails | null;
    }
  /** The issuer wants the buyer to authenticate before the card can be saved (Stripe 3DS). */
  | {
      readonly status: 'requires_action';
      readonly processorSetupId: string;
      readonly processorCustomerId?: string | undefined;
    }
  | { readonly status: 'failed'; readonly declineCode: string; readonly message: string };

/**
 * The card the processor charged (or tried to), when its answer says: never the number.
 * Absent when this answer does not tell (the payment keeps what an earlier one said).
 */
interface ChargedCard {
  readonly card?: CardDetails;
}

export type ChargeOutcome =
  | ({
      readonly status: 'succeeded';
      readonly processorPaymentId: string;
      readonly processorChargeId: string;
      readonly amountReceived: number;
    } & ChargedCard)
  | ({ readonly status: 'requires_action'; readonly processorPaymentId: string } & ChargedCard)
  /** The payment was stopped before it completed (e.g. the buyer abandoned 3-D Secure). */
  | { readonly status: 'canceled'; readonly processorPaymentId: string | null }
  | ({
      readonly status: 'failed';
      readonly processorPaymentId: string | null;
      /** The processor's decline code, e.g. "insufficient_funds". */
      readonly declineCode: string;
      readonly message: string;
    } & ChargedCard);

export interface RefundRequest {
  /** Derived from our refund id and payment intent: the processor dedupes on it. */
  readonly idempotencyKey: string;
  readonly processorPaymentId: string;
  /** The token the charge used (the sandbox's refunds behave by it). */
  readonly paymentSource: string | null;
  readonly amount: number;
  readonly currency: string;
  /** Flint's ids (account, mode, refund, payment intent): processor webhooks find us by them. */
  readonly metadata: Readonly<Record<string, string>>;
}

/** A processor's answer about a refund: declared in the domain, whose rules apply it. */
export type { RefundOutcome };

export interface CancelRefundRequest {
  readonly processorRefundId: string;
  readonly paymentSource: string | null;
}

export interface CancelPaymentRequest {
  readonly processorPaymentId: string;
  readonly paymentSource: string | null;
}

export interface PaymentProcessor {
  readonly name: 'sandbox' | 'stripe';
  charge(request: ChargeRequest): Promise<ChargeOutcome>;
  /**
   * Where a payment sent earlier stands now (after the buyer's 3-D Secure step); null
   * while the processor has no final word.
   */
  paymentOutcome(request: CancelPaymentRequest): Promise<ChargeOutcome | null>;
  /**
   * What the buyer's browser needs to run the processor's own 3-D Secure step (Stripe.js
   * takes the payment's client secret); null where the processor has none (the sandbox's
   * step is Flint's simulated page).
   */
  buyerAction(request: CancelPaymentRequest): Promise<{ readonly clientSecret: string } | null>;
  /** Stops a payment waiting for the buyer's action; `not_cancelable` once it completed. */
  cancelPayment(
    request: CancelPaymentRequest,
  ): Promise<{ readonly status: 'canceled' | 'not_cancelable' }>;
  refund(request: RefundRequest): Promise<RefundOutcome>;
  /** Saves a card on the processor for later (off-session) charges; no money moves. */
  savePaymentMethod(request: SavePaymentMethodRequest): Promise<SavePaymentMethodOutcome>;
  /** Detaches a saved card from its processor customer; a second call changes nothing. */
  detachPaymentMethod(request: { readonly processorPaymentMethodId: string }): Promise<void>;
  /** Where a refund sent earlier stands now (for refunds that were pending). */
  refundStatus(request: CancelRefundRequest): Promise<RefundOutcome>;
  /** Stops a pending refund at the processor; `not_cancelable` once money has moved. */
  cancelRefund(
    request: CancelRefundRequest,
  ): Promise<{ readonly status: 'canceled' | 'not_cancelable' }>;
}

export type ProcessorName = PaymentProcessor['name'];

/**
 * Finds the processor for an account and mode. New payments go through the one the
 * account has configured; refunds and follow-ups go back to the one that took the
 * payment (named on the payment intent), even if the account has since switched.
 */
export interface Processors {
  forNewPayments(tenant: Tenant): Promise<PaymentProcessor>;
  named(tenant: Tenant, name: string): Promise<PaymentProcessor>;
}

/** Every account and mode on one processor (the offline default, and tests). */
export function singleProcessor(processor: PaymentProcessor): Processors {
  return {
    forNewPayments: async () => processor,
    named: async () => processor,
  };
}

/**
 * What a processor's webhook says, normalized: a payment or a refund part reached an
 * outcome. Flint's own ids come from the metadata it gave the processor.
 */
export type ProcessorNotice =
  | {
      readonly kind: 'payment';
      readonly paymentIntentId: string;
      readonly processorPaymentId: string;
      readonly outcome: ChargeOutcome;
    }
  | {
      readonly kind: 'refund';
      readonly processorRefundId: string;
      readonly refundId: string | null;
      readonly paymentIntentId: string | null;
      readonly outcome: RefundOutcome;
    };

/** Reads and verifies a processor's webhook deliveries. */
export interface ProcessorWebhooks {
  /** The account and mode a delivery claims to be for: unverified, only to pick the secret. */
  claimedTenant(payload: string): Tenant | null;
  /** The delivery, if `signature` verifies it with `secret`; null otherwise. */
  verify(
    payload: string,
    signature: string,
    secret: string,
  ): { readonly livemode: boolean; readonly notice: ProcessorNotice | null } | null;
}
