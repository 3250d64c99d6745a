import type { PaymentMethodRow } from '../../adapters/db/schema-payment-methods.js';
import { type Failure, fail, ok, type Result } from '../../domain/errors.js';

export interface PayOrderInput {
  /** The token that pays; or, the seed's form, `payment_source_tokens` with exactly one. */
  readonly payment_source_token?: string | undefined;
  readonly payment_source_tokens?: readonly string[] | undefined;
  /** Instead of a token: one of the order's customer's saved, attached payment methods. */
  readonly payment_method_id?: string | undefined;
  /**
   * The buyer is not there (a renewal charging a saved method): a card that asks for
   * authentication fails (`authentication_required`) instead of waiting for the buyer.
   */
  readonly off_session?: boolean | undefined;
  readonly buyer_email?: string | undefined;
  /** Less than the balance for a partial payment; the balance when omitted. */
  readonly amount?: number | undefined;
}

/**
 * Whether the payment names a saved method: never with a token too, and `off_session`
 * only with one (a token's charge always has its buyer there).
 */
export function savedMethodOf(input: PayOrderInput): Result<string | null> {
  const { payment_method_id: id } = input;
  const token =
    input.payment_source_token !== undefined || input.payment_source_tokens !== undefined;
  if (id !== undefined && token) {
    return fail({
      code: 'parameter_invalid',
      message: 'Give payment_method_id or a payment source token, not both',
      loc: ['payment', 'payment_method_id'],
    });
  }
  if (id === undefined && input.off_session) {
    return fail({
      code: 'parameter_invalid',
      message: 'off_session applies to a payment with a saved payment_method_id',
      loc: ['payment', 'off_session'],
    });
  }
  return ok(id ?? null);
}

/**
 * A saved method may pay an order of its own customer while attached: another customer's
 * (or an order with none) is refused, a detached one too.
 */
export function usableMethod(
  method: PaymentMethodRow,
  order: { readonly customer_id: string | null },
): Result<PaymentMethodRow> {
  const loc = ['payment', 'payment_method_id'];
  if (method.customer_id !== order.customer_id) {
    return fail({
      code: 'parameter_invalid',
      message: order.customer_id
        ? "The payment method belongs to another customer than the order's"
        : 'The order has no customer: a saved payment method pays only its own customer’s orders',
      loc,
    });
  }
  if (method.status !== 'attached') {
    return fail({
      code: 'payment_method_detached',
      message: 'The payment method was detached: it can no longer be charged',
      loc,
    });
  }
  return ok(method);
}

/**
 * The one token that pays: `payment_source_token`, or a list of exactly one. A payment
 * split over several tokens is refused for now: a retry finds its payment by the request's
 * key, one intent per key, so a retried split could charge twice.
 */
export function paymentSourceOf(input: PayOrderInput): Result<string> {
  const { payment_source_token: one, payment_source_tokens: list } = input;
  if (one !== undefined && list !== undefined) {
    return fail({
      code: 'parameter_invalid',
      message: 'Give payment_source_token or payment_source_tokens, not both',
      loc: ['payment', 'payment_source_tokens'],
    });
  }
  if (list && list.length > 1) {
    return fail({
      code: 'split_payment_unsupported',
      message: 'A payment takes one token for now: give payment_source_tokens a single token',
      loc: ['payment', 'payment_source_tokens'],
    });
  }
  const token = one ?? list?.[0];
  if (token === undefined) {
    return fail({
      code: 'parameter_invalid',
      message: 'payment_source_token (or payment_source_tokens) is required',
      loc: ['payment', 'payment_source_token'],
    });
  }
  return ok(token);
}

export function amountFailure(message: string, balance: number): Failure {
  return {
    code: 'amount_invalid',
    message,
    loc: ['payment', 'amount'],
    details: { maximum_payable: balance },
  };
}

const PAYMENT_IN_PROGRESS: Failure = {
  code: 'payment_in_progress',
  message: 'Another payment of this order is under way; retry once it has settled',
  loc: ['payment'],
};

/** A payment of an order as far as its balance cares: what it takes, and where it stands. */
interface PaymentOnOrder {
  readonly amount: number;
  readonly status: string;
}

/**
 * What this payment takes of the order's balance (`requested`, or all that is left) and
 * whether it settles the order. Payments under way count against the balance: the same
 * balance is never charged twice, and the settling payment (which takes the stock) never
 * races another that might fail.
 */
export function amountToPay(
  order: { readonly balance: number; readonly payments: readonly PaymentOnOrder[] },
  requested: number | undefined,
): Result<{ readonly amount: number; readonly completes: boolean }> {
  const underWay = order.payments.filter(
    (p) => p.status === 'processing' || p.status === 'requires_action',
  );
  const balance = order.balance - underWay.reduce((n, p) => n + p.amount, 0);
  // What is left is held by payments under way (one waiting for 3-D Secure holds it until
  // its hold expires): the payer is told a payment is under way, not that nothing is owed.
  if (balance <= 0 && underWay.length > 0) return fail(PAYMENT_IN_PROGRESS);
  if (balance <= 0) return fail(amountFailure('The order has nothing left to pay', 0));
  const amount = requested ?? balance;
  if (amount > balance) {
    return fail(amountFailure(`The order's remaining balance is ${balance}`, balance));
  }
  const completes = amount === balance;
  if (completes && underWay.length > 0) return fail(PAYMENT_IN_PROGRESS);
  return ok({ amount, completes });
}
