import { fail, ok, type Result } from '../errors.js';
import { sum } from '../money.js';
import {
  type ItemizedRefund,
  type ItemizedRequest,
  planItemizedRefund,
  type RefundableOrder,
} from './itemized-refunds.js';
import {
  leftOn,
  outstandingRefunds,
  type RefundableCharge,
  type RefundFacts,
  refundable,
} from './refund-policy.js';

// Planning a refund: how much (a flat amount, lines and components, or everything left),
// and which charges it draws on, in what amounts.

type Loc = readonly (string | number)[];

/** What a refund takes from one charge. */
export interface RefundPart {
  readonly paymentIntentId: string;
  readonly amount: number;
}

/**
 * Spreads an order-level refund over the order's charges, newest charge first, never
 * taking more from a charge than it has left. Refuses (naming the field and the
 * remaining amount) anything beyond what was captured and not yet refunded.
 */
export function spreadRefund(
  amount: number,
  charges: readonly RefundableCharge[],
  loc: Loc,
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
    const take = Math.min(left, leftOn(charge));
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

/** What a refund request asks for, as the planning reads it. */
export interface RefundRequest extends ItemizedRequest {
  readonly payment_intent_id?: string | undefined;
  /** A flat amount; what remains refundable when neither it nor lines or components are given. */
  readonly amount?: number | undefined;
  /** The flat amount as money, in the order's currency (instead of `amount`). */
  readonly amount_money?: AmountMoney | undefined;
}

/**
 * The flat amount a refund request asks for: `amount`, or `amount_money` in the order's
 * currency (either case); undefined when it gives neither.
 */
export function flatRefundAmount(
  request: Pick<RefundRequest, 'amount' | 'amount_money'>,
  currency: string,
  loc: Loc,
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

/** Whether a request names lines or components (an itemized refund), not a flat amount. */
export function isItemized(request: ItemizedRequest): boolean {
  return (
    request.line_items !== undefined ||
    request.amount_tax !== undefined ||
    request.amount_shipping !== undefined ||
    request.amount_discount !== undefined
  );
}

/** An earlier refund with what it took from the order's lines and components. */
export interface ItemizedRefundFacts extends RefundFacts {
  readonly refund: RefundFacts['refund'] & {
    readonly amount_tax: number;
    readonly amount_shipping: number;
    readonly amount_shipping_tax: number;
    readonly amount_discount: number;
  };
  readonly lines: readonly {
    readonly line_item_id: string;
    readonly amount: number;
    readonly amount_tax: number;
  }[];
}

/** The order as an itemized refund reads it: its priced lines and components. */
export interface OrderRefundFacts {
  readonly lines: readonly {
    readonly id: string;
    readonly productId: string | null;
    readonly priceId: string | null;
    /** Pre-tax: gross less discounts. */
    readonly amount: number;
    /** The line's exclusive tax. */
    readonly tax: number;
  }[];
  /** All exclusive tax, the lines' and shipping's. */
  readonly exclusiveTax: number;
  readonly shipping: number;
  readonly discount: number;
}

/** The order's lines and components with what earlier refunds (not given back) took. */
export function refundableOrderOf(
  order: OrderRefundFacts,
  refunds: readonly ItemizedRefundFacts[],
): RefundableOrder {
  const taken = outstandingRefunds(refunds);
  const fromLines = new Map<string, { amount: number; tax: number }>();
  for (const { lines } of taken) {
    for (const line of lines) {
      const was = fromLines.get(line.line_item_id) ?? { amount: 0, tax: 0 };
      fromLines.set(line.line_item_id, {
        amount: was.amount + line.amount,
        tax: was.tax + line.amount_tax,
      });
    }
  }
  const lines = order.lines.map((line) => ({
    ...line,
    refundedAmount: fromLines.get(line.id)?.amount ?? 0,
    refundedTax: fromLines.get(line.id)?.tax ?? 0,
  }));
  const refunded = (pick: (r: ItemizedRefundFacts['refund']) => number) =>
    sum(taken.map((r) => pick(r.refund)));
  return {
    lines,
    tax: { total: order.exclusiveTax, refunded: refunded((r) => r.amount_tax) },
    shipping: { total: order.shipping, refunded: refunded((r) => r.amount_shipping) },
    shippingTax: {
      total: order.exclusiveTax - sum(lines.map((l) => l.tax)),
      refunded: refunded((r) => r.amount_shipping_tax),
    },
    discount: { total: order.discount, refunded: refunded((r) => r.amount_discount) },
  };
}

export interface RefundPlan {
  readonly amount: number;
  readonly parts: readonly RefundPart[];
  /** What would still be refundable after this refund. */
  readonly remaining: number;
  /** The lines and components, for an itemized refund; null for a flat amount. */
  readonly itemized: ItemizedRefund | null;
}

/** What the planning needs to know of the order. */
export interface PlanningFacts {
  readonly currency: string;
  /** The order's captured charges with what is refunded from each. */
  readonly charges: readonly RefundableCharge[];
  /** The order's lines and components; only read for an itemized refund. */
  readonly order: () => RefundableOrder;
}

/**
 * Plans a refund: a flat amount, lines and components each within what is left of them,
 * or everything left; then what it takes from which charge (only the named payment
 * intent's, when the request names one). `root` is the body's root key, for `loc`.
 */
export function planRefund(
  request: RefundRequest,
  facts: PlanningFacts,
  root: string,
): Result<RefundPlan> {
  const charges = request.payment_intent_id
    ? facts.charges.filter((c) => c.paymentIntentId === request.payment_intent_id)
    : facts.charges;
  const left = refundable(charges);
  const flat = flatRefundAmount(request, facts.currency, [root]);
  if (!flat.ok) return flat;
  let itemized: ItemizedRefund | null = null;
  if (isItemized(request)) {
    if (flat.value !== undefined) {
      return fail({
        code: 'parameter_invalid',
        message: 'Give either amount, or line_items and the amount_* components, not both',
        loc: [root, request.amount_money ? 'amount_money' : 'amount'],
      });
    }
    const planned = planItemizedRefund(request, facts.order(), [root]);
    if (!planned.ok) return planned;
    itemized = planned.value;
  }
  const amount = itemized?.total ?? flat.value ?? left;
  const field = request.amount_money ? ['amount_money', 'amount'] : ['amount'];
  const parts = spreadRefund(amount, charges, itemized ? [root] : [root, ...field]);
  if (!parts.ok) return parts;
  return ok({ amount, parts: parts.value, remaining: left - amount, itemized });
}
