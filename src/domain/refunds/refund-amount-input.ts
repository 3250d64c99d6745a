import { divideRoundHalfUp, MAX_AMOUNT } from '../money.js';

// The console's refund form, read into what the refund API takes: an amount typed in the
// currency's major unit ("15.00"), or a number of units of a line.

/** "15", "15.5", "15.00" in a currency with `exponent` decimals, as minor units; null if not. */
export function parseMajorAmount(text: string, exponent: number): number | null {
  const match = /^\s*([0-9]{1,12})(?:\.([0-9]+))?\s*$/.exec(text);
  if (!match) return null;
  const fraction = match[2] ?? '';
  if (fraction.length > exponent) return null;
  const units = BigInt(`${match[1]}${fraction.padEnd(exponent, '0')}`);
  if (units > BigInt(MAX_AMOUNT)) return null;
  return Number(units);
}

/**
 * The pre-tax amount of `units` of a line of `quantity` whose pre-tax amount is
 * `lineAmount`, rounded half up; all of it for every unit. (Refunding all units in one go
 * sends no amount at all: "everything left on the line".)
 */
export function amountForUnits(lineAmount: number, quantity: number, units: number): number {
  if (units >= quantity) return lineAmount;
  return Number(divideRoundHalfUp(BigInt(lineAmount) * BigInt(units), BigInt(quantity)));
}
