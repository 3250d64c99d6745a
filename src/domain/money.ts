/**
 * Exact money arithmetic. Amounts are integers in a currency's minor unit (JS numbers,
 * always safe integers ≤ MAX_AMOUNT); every product or ratio is computed in BigInt and
 * rounded half up exactly once. Nothing here ever uses floating point.
 */

/** Largest amount accepted anywhere, in minor units (PRODUCT.md §1). */
export const MAX_AMOUNT = 99_999_999_999;

/** A non-negative decimal such as a tax percentage "8.875": `units / 10^scale`. */
export interface Decimal {
  readonly units: bigint;
  readonly scale: number;
}

const DECIMAL_PATTERN = /^(0|[1-9]\d{0,8})(?:\.(\d{1,6}))?$/;

/** Parses "8", "8.875", "12.5"; null for anything else (signs, exponents, junk). */
export function parseDecimal(text: string): Decimal | null {
  const match = DECIMAL_PATTERN.exec(text);
  if (!match) return null;
  const fraction = match[2] ?? '';
  return { units: BigInt(`${match[1]}${fraction}`), scale: fraction.length };
}

/** The canonical text of a decimal: no trailing zeros ("8.50" → "8.5", "8.0" → "8"). */
export function formatDecimal(value: Decimal): string {
  const digits = value.units.toString().padStart(value.scale + 1, '0');
  const whole = digits.slice(0, digits.length - value.scale);
  const fraction = digits.slice(digits.length - value.scale).replace(/0+$/, '');
  return fraction ? `${whole}.${fraction}` : whole;
}

export function compareDecimal(a: Decimal, b: Decimal): number {
  const scale = Math.max(a.scale, b.scale);
  const x = a.units * 10n ** BigInt(scale - a.scale);
  const y = b.units * 10n ** BigInt(scale - b.scale);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** numerator / denominator rounded half up, for non-negative operands. */
export function divideRoundHalfUp(numerator: bigint, denominator: bigint): bigint {
  if (denominator <= 0n || numerator < 0n) throw new RangeError('non-negative division only');
  return (numerator * 2n + denominator) / (denominator * 2n);
}

function toAmount(value: bigint): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new RangeError(`amount ${value} is not a safe integer`);
  return n;
}

/** `percent`% of `amount`, rounded half up once: percentOf(10240, 8) = 819. */
export function percentOf(amount: number, percent: Decimal): number {
  const denominator = 100n * 10n ** BigInt(percent.scale);
  return toAmount(divideRoundHalfUp(BigInt(amount) * percent.units, denominator));
}

/**
 * The tax contained in a tax-inclusive `amount` at `percent`%:
 * amount × p / (100 + p), rounded half up once.
 */
export function includedPercentOf(amount: number, percent: Decimal): number {
  const hundred = 100n * 10n ** BigInt(percent.scale);
  return toAmount(divideRoundHalfUp(BigInt(amount) * percent.units, hundred + percent.units));
}

/** a × b for amount × quantity, refusing results that are not safe integers. */
export function multiply(amount: number, quantity: number): number {
  return toAmount(BigInt(amount) * BigInt(quantity));
}

export function sum(amounts: readonly number[]): number {
  let total = 0n;
  for (const a of amounts) total += BigInt(a);
  return toAmount(total);
}

/**
 * Splits `total` across `weights` pro rata by largest remainder: each part is
 * floor(total × w / Σw), and the units left over go one each to the largest
 * remainders (ties to the earlier part). The parts always sum exactly to `total`,
 * and no part exceeds its proportional share rounded up.
 */
export function allocate(total: number, weights: readonly number[]): number[] {
  if (total < 0 || weights.some((w) => w < 0)) throw new RangeError('non-negative allocation only');
  const whole = weights.reduce((acc, w) => acc + BigInt(w), 0n);
  if (whole === 0n) {
    if (total === 0) return weights.map(() => 0);
    throw new RangeError('cannot allocate a positive total over zero weights');
  }
  const t = BigInt(total);
  const parts = weights.map((w) => (t * BigInt(w)) / whole);
  const remainders = weights.map((w, index) => ({ index, rest: (t * BigInt(w)) % whole }));
  let left = t - parts.reduce((a, b) => a + b, 0n);
  remainders.sort((a, b) => (a.rest === b.rest ? a.index - b.index : a.rest > b.rest ? -1 : 1));
  for (const { index } of remainders) {
    if (left === 0n) break;
    parts[index] = (parts[index] as bigint) + 1n;
    left -= 1n;
  }
  return parts.map(toAmount);
}
