import { divideRoundHalfUp, sum } from '../money.js';

/**
 * Proration: what a change in the middle of a period is worth, in integer minor units.
 *
 * - The time left is measured in milliseconds, from the change's `proration_date` to the
 *   period's end, against the period's whole length (so a 31-day month's day is worth
 *   less than a 28-day month's, as Stripe does).
 * - Each line is rounded once, half up: amount × left ÷ length, with integers only.
 * - Unused time is credited at what was actually paid for the line in that period (its
 *   taxable amount after discounts, plus its exclusive tax): the credit gives back money
 *   taken, never a list price. It goes to the customer's credit balance.
 * - The time left on the new terms is charged as lines of their own (the line's unit
 *   amount × quantity, prorated, as one unit), priced like any order: coupons, then tax
 *   once per rate on the lines it applies to. The customer's credit (the unused time
 *   included) is then taken off that order's total.
 */
export interface ProrationWindow {
  readonly periodStart: Date;
  readonly periodEnd: Date;
  /** When the change takes effect; clamped into the period. */
  readonly at: Date;
}

/** The share of the period still to come, as an exact fraction (numerator, denominator). */
export function timeLeft(window: ProrationWindow): { left: bigint; length: bigint } {
  const start = window.periodStart.getTime();
  const end = window.periodEnd.getTime();
  if (!(end > start)) throw new Error('a period ends after it starts');
  const at = Math.min(Math.max(window.at.getTime(), start), end);
  return { left: BigInt(end - at), length: BigInt(end - start) };
}

/** `amount` × time left ÷ period length, rounded half up once. */
export function prorate(amount: number, window: ProrationWindow): number {
  if (!Number.isSafeInteger(amount) || amount < 0) throw new Error(`bad amount ${amount}`);
  const { left, length } = timeLeft(window);
  return Number(divideRoundHalfUp(BigInt(amount) * left, length));
}

/** A line of the terms a change leaves or takes up. */
export interface ProratedLineInput {
  readonly key: string;
  /** What the line costs (or cost) for a whole period. */
  readonly amount: number;
}

export interface ProratedLine {
  readonly key: string;
  readonly amount: number;
}

/** Each line prorated on its own (rounded once per line), and their sum. */
export function prorateLines(
  lines: readonly ProratedLineInput[],
  window: ProrationWindow,
): { lines: ProratedLine[]; total: number } {
  const prorated = lines.map((line) => ({ key: line.key, amount: prorate(line.amount, window) }));
  return { lines: prorated, total: sum(prorated.map((l) => l.amount)) };
}
