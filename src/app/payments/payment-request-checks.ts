import { type Failure, fail, ok, type Result } from '../../domain/errors.js';

export interface PayOrderInput {
  /** The token that pays; or, the seed's form, `payment_source_tokens` with exactly one. */
  readonly payment_source_token?: string | undefined;
  readonly payment_source_tokens?: readonly string[] | undefined;
  readonly buyer_email?: string | undefined;
  /** Less than the balance for a partial payment; the balance when omitted. */
  readonly amount?: number | undefined;
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
