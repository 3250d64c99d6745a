import { fail, ok, type Result } from '../errors.js';
import { sum } from '../money.js';

/**
 * What returned units are credited with: what they were actually paid. A line's taxable
 * amount (gross less its share of the discounts; inclusive tax is inside it) and its
 * exclusive tax are each split over its units by cumulative rounding: units r+1…r+k of
 * a line of q units get f(r+k) − f(r), where f(n) = ⌊total × n ÷ q⌋. Every split is exact
 * in minor units, never negative, and all the returns of a line add up to exactly what
 * the line was paid (f(q) = total) — never more, in any order of partial returns.
 */

/** A line of the order as returns read it. */
export interface ReturnableLine {
  readonly id: string;
  readonly quantity: number;
  /** What the buyer paid for the line before exclusive tax (gross − discount). */
  readonly taxable: number;
  /** The exclusive tax on the line. */
  readonly exclusiveTax: number;
  /** All tax on the line, inclusive and exclusive (what the return shows as its tax). */
  readonly tax: number;
}

/** The credit of `count` units after `before` units of a line were already returned. */
export function unitShare(
  total: number,
  { quantity, before, count }: { quantity: number; before: number; count: number },
): number {
  if (quantity <= 0 || before < 0 || count < 0 || before + count > quantity) {
    throw new RangeError('a share is of units the line has');
  }
  const upTo = (n: number) => (BigInt(total) * BigInt(n)) / BigInt(quantity);
  return Number(upTo(before + count) - upTo(before));
}

export interface LineCredit {
  readonly lineId: string;
  readonly quantity: number;
  /** The taxable part: what the units were paid before exclusive tax. */
  readonly amount: number;
  readonly exclusiveTax: number;
  /** All tax within the credit (inclusive and exclusive), for display. */
  readonly tax: number;
  /** amount + exclusive tax: what the units cost the buyer. */
  readonly total: number;
}

/** The credit of returning `count` units of `line` after `before` were returned. */
export function lineCredit(line: ReturnableLine, before: number, count: number): LineCredit {
  const at = { quantity: line.quantity, before, count };
  const amount = unitShare(line.taxable, at);
  const exclusiveTax = unitShare(line.exclusiveTax, at);
  return {
    lineId: line.id,
    quantity: count,
    amount,
    exclusiveTax,
    tax: unitShare(line.tax, at),
    total: amount + exclusiveTax,
  };
}

/** One line of a return request: which order line, how many units. */
export interface ReturnLineRequest {
  readonly line_item_id: string;
  readonly quantity: number;
}

/**
 * Checks a return request against the order's lines and what its earlier returns (not
 * canceled) already hold, and credits each returned quantity. `returned` maps a line id
 * to the units already returned.
 */
export function planReturnLines(
  requested: readonly ReturnLineRequest[],
  lines: readonly ReturnableLine[],
  returned: ReadonlyMap<string, number>,
): Result<LineCredit[]> {
  const byId = new Map(lines.map((l) => [l.id, l]));
  const seen = new Set<string>();
  const credits: LineCredit[] = [];
  for (const [index, entry] of requested.entries()) {
    const loc = ['return', 'line_items', index];
    const line = byId.get(entry.line_item_id);
    if (!line) {
      return fail({
        code: 'parameter_invalid',
        message: `No line of this order has the id ${entry.line_item_id}`,
        loc: [...loc, 'line_item_id'],
      });
    }
    if (seen.has(line.id)) {
      return fail({
        code: 'parameter_invalid',
        message: 'This line is already named by an earlier entry of line_items',
        loc,
      });
    }
    seen.add(line.id);
    const before = returned.get(line.id) ?? 0;
    const maximum = Math.max(0, line.quantity - before);
    if (entry.quantity > maximum) {
      return fail({
        code: 'return_quantity_invalid',
        message:
          maximum === 0
            ? `Every unit of line ${line.id} is already returned`
            : `At most ${maximum} of line ${line.id} can still be returned`,
        loc: [...loc, 'quantity'],
        details: { line_item_id: line.id, maximum_returnable: maximum },
      });
    }
    credits.push(lineCredit(line, before, entry.quantity));
  }
  return ok(credits);
}

/** The total a return credits: Σ its lines' totals. */
export function creditTotal(credits: readonly LineCredit[]): number {
  return sum(credits.map((c) => c.total));
}

/**
 * How an exchange settles a return's credit against its follow-up order's amount before
 * credit: `credited` goes on the follow-up (never more than it comes to), `due` is what
 * the buyer still pays on it, `refund` what goes back on the original.
 */
export function exchangeDifference(
  credit: number,
  followUp: number,
): { readonly credited: number; readonly due: number; readonly refund: number } {
  const credited = Math.min(credit, followUp);
  return { credited, due: followUp - credited, refund: credit - credited };
}
