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
};

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
      const paymentId = sandboxId('pi', request.idempotencyKey);
      const cardDetails = SANDBOX_CARDS[request.paymentSourceToken];
      const card = cardDetails ? { card: cardDetails } : {};
      const decline = DECLINES[request.paymentSourceToken];
      if (decline) {
        return {
          status: 'failed',
          processorPaymentId: paymentId,
          declineCode: decline.code,
          message: decline.message,
          ...card,
        };
      }
      if (request.paymentSourceToken === 'tok_threeDSecureRequired') {
        return { status: 'requires_action', processorPaymentId: paymentId, ...card };
      }
      if (!SUCCEEDING_TOKENS.includes(request.paymentSourceToken)) {
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
    },
    // The sandbox answers at once, except tok_threeDSecureRequired, which waits for the
    // buyer (Flint's simulated challenge page, or the test helper) until it is answered.
    async paymentOutcome(request) {
      return request.paymentSource === 'tok_threeDSecureRequired'
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
          request.paymentSource === 'tok_threeDSecureRequired'
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
      if (
        request.paymentSource === 'tok_refundPending' ||
        request.paymentSource === 'tok_refundFail'
      ) {
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
      if (request.paymentSource === 'tok_refundFail') {
        return {
          status: 'failed',
          processorRefundId: id,
          failureReason: 'expired_or_canceled_card',
        };
      }
      if (request.paymentSource === 'tok_refundPending')
        return { status: 'pending', processorRefundId: id };
      return { status: 'succeeded', processorRefundId: id, referenceId: sandboxReference(id) };
    },
    // Only the refunds that stay pending in the sandbox can be stopped.
    async cancelRefund(request: CancelRefundRequest) {
      const pending =
        request.paymentSource === 'tok_refundPending' || request.paymentSource === 'tok_refundFail';
      return { status: pending ? ('canceled' as const) : ('not_cancelable' as const) };
    },
  };
}
