import { fail, ok, type Result } from '../errors.js';
import { allocate, divideRoundHalfUp, sum } from '../money.js';

/**
 * Itemized refunds (the refund guide's option 1, PRODUCT.md §3): which lines, how much of
 * each, and the tax, shipping and discount components, each within what is left of it.
 *
 * A line's amount is what the buyer paid for it before tax: its gross less its discounts
 * (its taxable amount). Tax here is exclusive tax, the tax added on top of prices; tax
 * included in a price is refunded with the line. Refund total = Σ lines + tax + shipping
 * − discount.
 */

/** A line of the order and what earlier itemized refunds already took from it. */
export interface RefundableLine {
  readonly id: string;
  readonly productId: string | null;
  readonly priceId: string | null;
  /** What the buyer paid for the line before tax (gross − discount). */
  readonly amount: number;
  /** The exclusive tax on the line. */
  readonly tax: number;
  readonly refundedAmount: number;
  readonly refundedTax: number;
}

/** An order-level component: how much there was, and how much refunds already took. */
export interface Component {
  readonly total: number;
  readonly refunded: number;
}

export interface RefundableOrder {
  readonly lines: readonly RefundableLine[];
  /** All exclusive tax: the lines' and shipping's. */
  readonly tax: Component;
  readonly shipping: Component;
  /** The exclusive tax on shipping, and how much of it refunds already took. */
  readonly shippingTax: Component;
  readonly discount: Component;
}

/** One entry of `line_items`: exactly one of product, price or line item id. */
export interface LineRequest {
  readonly product?: string | undefined;
  readonly price?: string | undefined;
  readonly line_item_id?: string | undefined;
  /** Everything left on the line(s) when omitted. */
  readonly amount_to_refund?: number | undefined;
}

export interface ItemizedRequest {
  readonly line_items?: readonly LineRequest[] | undefined;
  /** Computed proportionally from the lines (and shipping) when omitted. */
  readonly amount_tax?: number | undefined;
  readonly amount_shipping?: number | undefined;
  readonly amount_discount?: number | undefined;
}

export interface RefundedLine {
  readonly lineId: string;
  readonly amount: number;
  readonly tax: number;
}

export interface ItemizedRefund {
  readonly lines: readonly RefundedLine[];
  /** All tax refunded: the lines', shipping's, and any given beyond them. */
  readonly tax: number;
  readonly shipping: number;
  /** The part of `tax` that is shipping's. */
  readonly shippingTax: number;
  readonly discount: number;
  readonly total: number;
}

type Loc = readonly (string | number)[];

function tooMuch(loc: Loc, what: string, left: number) {
  return fail<never>({
    code: 'refund_amount_invalid',
    message:
      left === 0
        ? `Nothing is left to refund of ${what}`
        : `At most ${left} is left to refund of ${what}`,
    loc,
    details: { maximum_refundable: left },
  });
}

const left = (c: Component) => Math.max(0, c.total - c.refunded);

/**
 * The tax that goes with refunding `amount` of something that has `amountLeft` and
 * `taxLeft` left: all of it when refunded in full, else taxLeft × amount ÷ amountLeft
 * rounded half up, never more than is left.
 */
export function proportionalTax(amount: number, amountLeft: number, taxLeft: number): number {
  if (amount >= amountLeft) return taxLeft;
  if (amount <= 0 || taxLeft <= 0) return 0;
  const share = Number(divideRoundHalfUp(BigInt(taxLeft) * BigInt(amount), BigInt(amountLeft)));
  return Math.min(share, taxLeft);
}

/** The lines an entry names, or why it names none. */
function linesFor(
  entry: LineRequest,
  lines: readonly RefundableLine[],
  loc: Loc,
): Result<RefundableLine[]> {
  const keys = (['product', 'price', 'line_item_id'] as const).filter(
    (k) => entry[k] !== undefined,
  );
  if (keys.length !== 1) {
    return fail({
      code: 'parameter_invalid',
      message: 'Give exactly one of product, price or line_item_id',
      loc,
    });
  }
  const key = keys[0] as 'product' | 'price' | 'line_item_id';
  const value = entry[key];
  const matched = lines.filter((line) =>
    key === 'product'
      ? line.productId === value
      : key === 'price'
        ? line.priceId === value
        : line.id === value,
  );
  if (matched.length === 0) {
    return fail({
      code: 'parameter_invalid',
      message: `No line of this order has ${key === 'line_item_id' ? 'the id' : `the ${key}`} ${value}`,
      loc: [...loc, key],
    });
  }
  return ok(matched);
}

/** Splits a line request's amount over the lines it names, in order, within what is left. */
function takeFromLines(
  entry: LineRequest,
  matched: readonly RefundableLine[],
  loc: Loc,
): Result<{ line: RefundableLine; amount: number }[]> {
  const available = sum(matched.map((l) => Math.max(0, l.amount - l.refundedAmount)));
  const wanted = entry.amount_to_refund ?? available;
  if (available === 0 || wanted > available) {
    return tooMuch([...loc, 'amount_to_refund'], 'this line', available);
  }
  const taken: { line: RefundableLine; amount: number }[] = [];
  let rest = wanted;
  for (const line of matched) {
    const take = Math.min(rest, Math.max(0, line.amount - line.refundedAmount));
    if (take > 0) taken.push({ line, amount: take });
    rest -= take;
  }
  return ok(taken);
}

/**
 * Plans an itemized refund: every line and component within what is left of it (errors
 * name the field and the amount left), tax computed proportionally when not given, and
 * the total. `loc` is where the request's fields sit, e.g. ["checkout_session"].
 */
export function planItemizedRefund(
  request: ItemizedRequest,
  order: RefundableOrder,
  loc: Loc,
): Result<ItemizedRefund> {
  const taken = new Map<string, { line: RefundableLine; amount: number }>();
  for (const [index, entry] of (request.line_items ?? []).entries()) {
    const at = [...loc, 'line_items', index];
    const matched = linesFor(entry, order.lines, at);
    if (!matched.ok) return matched;
    if (matched.value.some((line) => taken.has(line.id))) {
      return fail({
        code: 'parameter_invalid',
        message: 'This line is already named by an earlier entry of line_items',
        loc: at,
      });
    }
    const parts = takeFromLines(entry, matched.value, at);
    if (!parts.ok) return parts;
    for (const part of parts.value) taken.set(part.line.id, part);
  }

  const shipping = request.amount_shipping ?? 0;
  if (shipping > left(order.shipping)) {
    return tooMuch([...loc, 'amount_shipping'], 'shipping', left(order.shipping));
  }
  const discount = request.amount_discount ?? 0;
  if (discount > left(order.discount)) {
    return tooMuch([...loc, 'amount_discount'], 'the discount', left(order.discount));
  }

  // The tax each refunded line (and shipping) would carry in proportion.
  const parts = [...taken.values()];
  const lineTaxes = parts.map(({ line, amount }) =>
    proportionalTax(
      amount,
      line.amount - line.refundedAmount,
      Math.max(0, line.tax - line.refundedTax),
    ),
  );
  const shippingTaxDue = proportionalTax(shipping, left(order.shipping), left(order.shippingTax));
  const taxLeft = left(order.tax);
  const proportional = sum([...lineTaxes, shippingTaxDue]);
  if (request.amount_tax !== undefined && request.amount_tax > taxLeft) {
    return tooMuch([...loc, 'amount_tax'], 'tax', taxLeft);
  }
  const tax = request.amount_tax ?? Math.min(proportional, taxLeft);
  // Given tax below the proportional share is spread over the lines and shipping in
  // proportion; tax beyond it stays with the order (e.g. tax the caller computed otherwise).
  const attributed =
    tax >= proportional
      ? [...lineTaxes, shippingTaxDue]
      : allocate(tax, [...lineTaxes, shippingTaxDue]);

  const lines = parts.map(({ line, amount }, i) => ({
    lineId: line.id,
    amount,
    tax: attributed[i] as number,
  }));
  const total = sum([...lines.map((l) => l.amount), tax, shipping]) - discount;
  if (total <= 0) {
    return fail({
      code: 'refund_amount_invalid',
      message: 'The refund must come to at least 1: lines + tax + shipping − discount',
      loc: [...loc, request.line_items?.length ? 'line_items' : 'amount_discount'],
      details: { refund_total: total },
    });
  }
  return ok({
    lines,
    tax,
    shipping,
    shippingTax: attributed[parts.length] as number,
    discount,
    total,
  });
}
