import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CardBrand, CardDetails, CardFunding } from '../../domain/card-details.js';
import type {
  CancelRefundRequest,
  ChargeOutcome,
  ChargeRequest,
  PaymentProcessor,
  RefundOutcome,
  RefundRequest,
  SavePaymentMethodOutcome,
  SavePaymentMethodRequest,
} from '../../ports/payment-processor.js';

/**
 * The built-in processor: offline and deterministic. Test tokens behave like Stripe's
 * test cards (PRODUCT.md §3); the same idempotency key always gives the same ids.
 */
const DECLINES: Record<string, { code: string; message: string }> = {
  tok_chargeDeclined: { code: 'card_declined', message: 'Your card was declined.' },
  tok_chargeDeclinedInsufficientFunds: {
    code: 'insufficient_funds',
    message: 'Your card has insufficient funds.',
  },
  tok_chargeDeclinedExpiredCard: { code: 'expired_card', message: 'Your card has expired.' },
  tok_chargeDeclinedStolenCard: { code: 'stolen_card', message: 'Your card was declined.' },
  tok_chargeDeclinedLostCard: { code: 'lost_card', message: 'Your card was declined.' },
  tok_chargeDeclinedProcessingError: {
    code: 'processing_error',
    message: 'An error occurred while processing your card. Try again in a little bit.',
  },
  tok_chargeCustomerFail: { code: 'card_declined', message: 'Your card was declined.' },
};

/**
 * Tokens a card cannot be saved from: Stripe declines `tok_chargeDeclined` (its generic
 * decline) when it is attached to a customer. Every other decline class saves fine and
 * declines when a saved method is charged, so a renewal's dunning can be tested end to
 * end (Stripe itself checks those cards on attach; its `tok_chargeCustomerFail` is the
 * one that attaches and then fails).
 */
const DECLINED_ON_SAVE: ReadonlySet<string> = new Set(['tok_chargeDeclined']);

/** Tokens that charge successfully (refund behaviour differs; see the refunds issue). */
export const SUCCEEDING_TOKENS = [
  'tok_visa',
  'tok_visa_debit',
  'tok_mastercard',
  'tok_mastercard_debit',
  'tok_mastercard_prepaid',
  'tok_amex',
  'tok_discover',
  'tok_diners',
  'tok_jcb',
  'tok_unionpay',
  'tok_refundPending',
  'tok_refundFail',
];

function testCard(brand: CardBrand, last4: string, funding: CardFunding = 'credit'): CardDetails {
  // A fixed expiry keeps the sandbox deterministic (Stripe's tokens take any future date).
  return { brand, last4, expMonth: 12, expYear: 2034, funding };
}

/** The card each test token stands for: the last four of Stripe's published test number. */
export const SANDBOX_CARDS: Readonly<Record<string, CardDetails>> = {
  tok_visa: testCard('visa', '4242'),
  tok_visa_debit: testCard('visa', '5556', 'debit'),
  tok_mastercard: testCard('mastercard', '4444'),
  tok_mastercard_debit: testCard('mastercard', '8210', 'debit'),
  tok_mastercard_prepaid: testCard('mastercard', '5100', 'prepaid'),
  tok_amex: testCard('amex', '8431'),
  tok_discover: testCard('discover', '1117'),
  tok_diners: testCard('diners', '0004'),
  tok_jcb: testCard('jcb', '0505'),
  tok_unionpay: testCard('unionpay', '0005'),
  tok_chargeDeclined: testCard('visa', '0002'),
  tok_chargeDeclinedInsufficientFunds: testCard('visa', '9995'),
  tok_chargeDeclinedExpiredCard: testCard('visa', '0069'),
  tok_chargeDeclinedStolenCard: testCard('visa', '9979'),
  tok_chargeDeclinedLostCard: testCard('visa', '9987'),
  tok_chargeDeclinedProcessingError: testCard('visa', '0119'),
  tok_chargeCustomerFail: testCard('visa', '0341'),
  tok_threeDSecureRequired: testCard('visa', '3155'),
  tok_refundPending: testCard('visa', '7726'),
  tok_refundFail: testCard('visa', '5126'),
};

/** A deterministic sandbox id (`ch_sbx_…`) from the idempotency key it answers. */
export function sandboxId(prefix: string, key: string): string {
  return `${prefix}_sbx_${createHash('sha256').update(key).digest('hex').slice(0, 24)}`;
}

/** A deterministic 23-digit acquirer reference number. */
export function sandboxReference(key: string): string {
  const digits = BigInt(`0x${createHash('sha256').update(key).digest('hex').slice(0, 20)}`)
    .toString()
    .padStart(23, '7');
  return digits.slice(0, 23);
}

const SAVED_METHOD = /^pm_sbx_[0-9a-f]{16}_(tok_[A-Za-z0-9_]+)$/;

/**
 * A saved sandbox method's id: `pm_sbx_<hash of the key>_<token>`. It carries its token,
 * so any process maps it back without a stored table (the sandbox stays stateless).
 */
export function sandboxMethodId(idempotencyKey: string, token: string): string {
  const hash = createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 16);
  return `pm_sbx_${hash}_${token}`;
}

/** The test token behind a payment source: a saved method's own token, else the source. */
export function tokenOfSource(source: string): string;
export function tokenOfSource(source: string | null): string | null;
export function tokenOfSource(source: string | null): string | null {
  if (source === null) return null;
  return SAVED_METHOD.exec(source)?.[1] ?? source;
}

/**
 * Saving a card in the sandbox: a known token saves (but `tok_chargeDeclined`), its
 * method an id that charges as the token does; an unknown one is refused.
 */
export function saveSandboxMethod(request: SavePaymentMethodRequest): SavePaymentMethodOutcome {
  const token = request.paymentSourceToken;
  const card = SANDBOX_CARDS[token];
  if (!card) {
    return {
      status: 'failed',
      declineCode: 'invalid_payment_source',
      message: 'The sandbox does not know this payment source token.',
    };
  }
  const decline = DECLINES[token];
  if (decline && DECLINED_ON_SAVE.has(token)) {
    return { status: 'failed', declineCode: decline.code, message: decline.message };
  }
  return {
    status: 'saved',
    processorPaymentMethodId: sandboxMethodId(request.idempotencyKey, token),
    card,
  };
}

/**
 * A charge of a test token: `tok_threeDSecureRequired` waits for the buyer — or, off
 * session (nobody there to authenticate), fails with `authentication_required`, as Stripe
 * answers a saved card that needs authentication on a renewal.
 */
function chargeToken(request: ChargeRequest, token: string): ChargeOutcome {
  const paymentId = sandboxId('pi', request.idempotencyKey);
  const cardDetails = SANDBOX_CARDS[token];
  const card = cardDetails ? { card: cardDetails } : {};
  const decline = DECLINES[token];
  if (decline) {
    return {
      status: 'failed',
      processorPaymentId: paymentId,
      declineCode: decline.code,
      message: decline.message,
      ...card,
    };
  }
  if (token === 'tok_threeDSecureRequired') {
    return request.offSession
      ? {
          status: 'failed',
          processorPaymentId: paymentId,
          declineCode: 'authentication_required',
          message: 'Your card was declined. This transaction requires authentication.',
          ...card,
        }
      : { status: 'requires_action', processorPaymentId: paymentId, ...card };
  }
  if (!SUCCEEDING_TOKENS.includes(token)) {
    return {
      status: 'failed',
      processorPaymentId: null,
      declineCode: 'invalid_payment_source',
      message: 'The sandbox does not know this payment source token.',
    };
  }
  return {
    status: 'succeeded',
    processorPaymentId: paymentId,
    processorChargeId: sandboxId('ch', request.idempotencyKey),
    amountReceived: request.amount,
    ...card,
  };
}

export interface SandboxOptions {
  /** How long each charge and refund takes, like a real processor's round trip (0: none). */
  readonly latencyMs?: number | undefined;
}

export function createSandboxProcessor(options: SandboxOptions = {}): PaymentProcessor {
  const latency = async () => {
    if (options.latencyMs) await sleep(options.latencyMs);
  };
  return {
    name: 'sandbox',
    async charge(request: ChargeRequest): Promise<ChargeOutcome> {
      await latency();
      return chargeToken(request, tokenOfSource(request.paymentSourceToken));
    },
    async savePaymentMethod(request) {
      await latency();
      return saveSandboxMethod(request);
    },
    // Nothing is kept: a detached method is refused by Flint before it reaches the sandbox.
    async detachPaymentMethod() {},
    // The sandbox answers at once, except tok_threeDSecureRequired, which waits for the
    // buyer (Flint's simulated challenge page, or the test helper) until it is answered.
    async paymentOutcome(request) {
      return tokenOfSource(request.paymentSource) === 'tok_threeDSecureRequired'
        ? { status: 'requires_action', processorPaymentId: request.processorPaymentId }
        : null;
    },
    async buyerAction() {
      return null;
    },
    // A sandbox payment waits for action only with tok_threeDSecureRequired; it can be
    // stopped until it completes, and the others completed at once.
    async cancelPayment(request) {
      return {
        status:
          tokenOfSource(request.paymentSource) === 'tok_threeDSecureRequired'
            ? ('canceled' as const)
            : ('not_cancelable' as const),
      };
    },
    // tok_refundPending and tok_refundFail refunds stay pending (a test helper, or the
    // settlement worker for tok_refundFail, moves them on); any other succeeds at once
    // with an acquirer reference number.
    async refund(request: RefundRequest): Promise<RefundOutcome> {
      await latency();
      const processorRefundId = sandboxId('re', request.idempotencyKey);
      const token = tokenOfSource(request.paymentSource);
      if (token === 'tok_refundPending' || token === 'tok_refundFail') {
        return { status: 'pending', processorRefundId };
      }
      return {
        status: 'succeeded',
        processorRefundId,
        referenceId: sandboxReference(request.idempotencyKey),
      };
    },
    // tok_refundFail refunds fail when next looked at (the card expired); tok_refundPending
    // ones stay pending until a test helper settles them.
    async refundStatus(request: CancelRefundRequest): Promise<RefundOutcome> {
      const id = request.processorRefundId;
      const token = tokenOfSource(request.paymentSource);
      if (token === 'tok_refundFail') {
        return {
          status: 'failed',
          processorRefundId: id,
          failureReason: 'expired_or_canceled_card',
        };
      }
      if (token === 'tok_refundPending') return { status: 'pending', processorRefundId: id };
      return { status: 'succeeded', processorRefundId: id, referenceId: sandboxReference(id) };
    },
    // Only the refunds that stay pending in the sandbox can be stopped.
    async cancelRefund(request: CancelRefundRequest) {
      const token = tokenOfSource(request.paymentSource);
      const pending = token === 'tok_refundPending' || token === 'tok_refundFail';
      return { status: pending ? ('canceled' as const) : ('not_cancelable' as const) };
    },
  };
}
