import { type Failure, fail, ok, type Result } from '../errors.js';
import { MAX_AMOUNT } from '../money.js';
import type { RecurringInterval } from '../value-lists.js';

// A plan's terms: what a subscription to it bills each period. Pure rules: which prices
// fit a plan, how long an interval may be, and whether a change makes a new version.

/** A plan has 1 to 20 lines. */
export const MAX_PLAN_LINES = 20;
/** What an order line takes, and so what one line of a period may come to. */
export const MAX_LINE_QUANTITY = 1_000_000;
/** Trials last at most two years, as Stripe's. */
export const MAX_TRIAL_DAYS = 730;
/** At most three years between billings, as Stripe's: 3 years, 36 months, 156 weeks. */
export const MAX_INTERVAL_COUNT: Readonly<Record<RecurringInterval, number>> = {
  day: 1095,
  week: 156,
  month: 36,
  year: 3,
};

/**
 * One line of a plan, resolved: its amount is copied from its price when it has one, so a
 * later change to the catalog never changes what a version bills. `per_seat` lines are
 * multiplied by a subscription's quantity, the others are billed as they are.
 * `tax_rate_ids` null means the account's default rates when each period's order is made.
 */
export interface PlanLine {
  readonly name: string;
  readonly unit_amount: number;
  readonly quantity: number;
  readonly per_seat: boolean;
  readonly price_id: string | null;
  readonly product_id: string | null;
  readonly tax_rate_ids: readonly string[] | null;
  readonly tax_exempt: boolean;
}

/** What a plan bills: the fields whose change makes a new version. */
export interface PlanTermsFields {
  /** Upper-case ISO 4217. */
  readonly currency: string;
  readonly interval: RecurringInterval;
  readonly interval_count: number;
  readonly trial_period_days: number | null;
  readonly line_items: readonly PlanLine[];
}

/**
 * One version of a plan, frozen: what subscriptions copy and bill from. Its lines carry
 * their amounts, so nothing read later (a price, a product's name) changes it.
 */
export interface PlanTerms {
  readonly plan_id: string;
  readonly version: number;
  readonly currency: string;
  readonly interval: RecurringInterval;
  readonly interval_count: number;
  readonly trial_period_days: number | null;
  readonly lines: readonly PlanLine[];
}

/** How a price's recurrence is stored: null for a one-time price. */
export interface PriceRecurrence {
  readonly currency: string;
  readonly recurring_interval: RecurringInterval | null;
  readonly recurring_interval_count: number | null;
}

const plural = (count: number, interval: string) =>
  count === 1 ? interval : `${count} ${interval}s`;

/** An interval is at most three years long. */
export function checkInterval(interval: RecurringInterval, count: number): Result<null> {
  const max = MAX_INTERVAL_COUNT[interval];
  if (Number.isInteger(count) && count >= 1 && count <= max) return ok(null);
  return fail({
    code: 'parameter_invalid',
    message: `interval_count must be between 1 and ${max} for interval "${interval}" (at most three years)`,
    loc: ['plan', 'interval_count'],
  });
}

/**
 * A price fits a plan when it recurs on exactly the plan's interval and is in its
 * currency: a one-time price, or one billed on another rhythm, is a 422 at the line.
 */
export function checkPriceFits(
  price: PriceRecurrence,
  plan: Pick<PlanTermsFields, 'currency' | 'interval' | 'interval_count'>,
  loc: readonly (string | number)[],
): Result<null> {
  const every = `every ${plural(plan.interval_count, plan.interval)}`;
  if (price.recurring_interval === null) {
    return fail({
      code: 'price_interval_mismatch',
      message: `The price is one-time; a line of this plan needs a price recurring ${every}`,
      loc,
    });
  }
  const count = price.recurring_interval_count ?? 1;
  if (price.recurring_interval !== plan.interval || count !== plan.interval_count) {
    return fail({
      code: 'price_interval_mismatch',
      message: `The price recurs every ${plural(count, price.recurring_interval)}, the plan ${every}`,
      loc,
    });
  }
  if (price.currency !== plan.currency) {
    return fail({
      code: 'currency_mismatch',
      message: `The price is in ${price.currency}, the plan in ${plan.currency}`,
      loc,
    });
  }
  return ok(null);
}

/** One seat's period, Σ unit amount × quantity, exact (BigInt) even beyond safe integers. */
export function amountPerSeat(lines: readonly PlanLine[]): bigint {
  return lines.reduce((sum, l) => sum + BigInt(l.unit_amount) * BigInt(l.quantity), 0n);
}

/** A plan whose one seat would bill more than the largest amount could never be paid. */
export function checkAmounts(lines: readonly PlanLine[]): Result<null> {
  if (amountPerSeat(lines) <= BigInt(MAX_AMOUNT)) return ok(null);
  return fail({
    code: 'parameter_invalid',
    message: `A period of one seat cannot exceed ${MAX_AMOUNT} in minor units`,
    loc: ['plan', 'line_items'],
    details: { maximum_amount: MAX_AMOUNT },
  });
}

function sameIds(a: readonly string[] | null, b: readonly string[] | null): boolean {
  if (a === null || b === null) return a === b;
  return a.length === b.length && a.every((id, i) => id === b[i]);
}

function sameLine(a: PlanLine, b: PlanLine): boolean {
  return (
    a.name === b.name &&
    a.unit_amount === b.unit_amount &&
    a.quantity === b.quantity &&
    a.per_seat === b.per_seat &&
    a.price_id === b.price_id &&
    a.product_id === b.product_id &&
    a.tax_exempt === b.tax_exempt &&
    sameIds(a.tax_rate_ids, b.tax_rate_ids)
  );
}

/**
 * Whether going from `current` to `next` changes what the plan bills, and so makes a new
 * version. Name, description, active and metadata are not terms.
 */
export function termsChanged(current: PlanTermsFields, next: PlanTermsFields): boolean {
  return !(
    current.currency === next.currency &&
    current.interval === next.interval &&
    current.interval_count === next.interval_count &&
    current.trial_period_days === next.trial_period_days &&
    current.line_items.length === next.line_items.length &&
    current.line_items.every((line, i) => {
      const other = next.line_items[i];
      return other !== undefined && sameLine(line, other);
    })
  );
}

/**
 * A line's quantity in a subscription of `seats`: a per-seat line's quantity times the
 * seats, another line's as it is. Beyond what an order line takes is a 422 at `loc`.
 */
export function seatQuantity(
  line: Pick<PlanLine, 'quantity' | 'per_seat'>,
  seats: number,
  loc: readonly (string | number)[] = ['subscription', 'quantity'],
): Result<number> {
  const quantity = line.per_seat ? line.quantity * seats : line.quantity;
  if (Number.isSafeInteger(quantity) && quantity >= 1 && quantity <= MAX_LINE_QUANTITY) {
    return ok(quantity);
  }
  const failure: Failure = {
    code: 'parameter_invalid',
    message: `A line's quantity times the seats cannot exceed ${MAX_LINE_QUANTITY}`,
    loc,
    details: { maximum_quantity: MAX_LINE_QUANTITY },
  };
  return fail(failure);
}
