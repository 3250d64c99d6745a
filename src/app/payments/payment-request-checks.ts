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
