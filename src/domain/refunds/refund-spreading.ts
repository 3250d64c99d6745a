import { fail, ok, type Result } from '../errors.js';

/** A captured payment and what has already been refunded from it (pending refunds count). */
export interface RefundableCharge {
  readonly paymentIntentId: string;
  readonly captured: number;
  readonly refunded: number;
}

export interface RefundPart {
  readonly paymentIntentId: string;
  readonly amount: number;
}

/** What can still be refunded across charges. */
export function refundable(charges: readonly RefundableCharge[]): number {
  return charges.reduce((n, c) => n + Math.max(0, c.captured - c.refunded), 0);
}

/**
 * Spreads an order-level refund over the order's charges, newest charge first, never
 * taking more from a charge than it has left. Refuses (naming the field and the
 * remaining amount) anything beyond what was captured and not yet refunded.
 */
export function spreadRefund(
  amount: number,
  charges: readonly RefundableCharge[],
  loc: readonly (string | number)[],
): Result<RefundPart[]> {
  const remaining = refundable(charges);
  if (amount <= 0 || amount > remaining) {
    return fail({
      code: 'refund_amount_invalid',
      message:
        remaining === 0
          ? 'Nothing is left to refund'
          : `The amount must be between 1 and ${remaining}, the refundable amount left`,
      loc,
      details: { maximum_refundable: remaining },
    });
  }
  const parts: RefundPart[] = [];
  let left = amount;
  for (const charge of [...charges].reverse()) {
    const take = Math.min(left, Math.max(0, charge.captured - charge.refunded));
    if (take > 0) parts.push({ paymentIntentId: charge.paymentIntentId, amount: take });
    left -= take;
    if (left === 0) break;
  }
  return ok(parts);
}

/** A flat refund amount as money: the seed's `amount_money`. */
export interface AmountMoney {
  readonly amount: number;
  readonly currency?: string | undefined;
}

/**
 * The flat amount a refund request asks for: `amount`, or `amount_money` in the order's
 * currency (either case); undefined when it gives neither.
 */
export function flatRefundAmount(
  request: {
    readonly amount?: number | undefined;
    readonly amount_money?: AmountMoney | undefined;
  },
  currency: string,
  loc: readonly (string | number)[],
): Result<number | undefined> {
  const money = request.amount_money;
  if (money === undefined) return ok(request.amount);
  if (request.amount !== undefined) {
    return fail({
      code: 'parameter_invalid',
      message: 'Give amount or amount_money, not both',
      loc: [...loc, 'amount_money'],
    });
  }
  if (money.currency !== undefined && money.currency.toUpperCase() !== currency) {
    return fail({
      code: 'currency_mismatch',
      message: `amount_money.currency must be the order's currency, ${currency}`,
      loc: [...loc, 'amount_money', 'currency'],
    });
  }
  return ok(money.amount);
}
