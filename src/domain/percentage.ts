import { compareDecimal, type Decimal, formatDecimal, parseDecimal } from './money.js';

/** Most decimals a percentage may have ("8.875" has 3; "12.3456" is the finest). */
export const PERCENTAGE_MAX_SCALE = 4;

/** The wire shape of a percentage: a decimal string, never a JSON number or an exponent. */
export const PERCENTAGE_PATTERN = '^(0|[1-9][0-9]{0,2})(\\.[0-9]{1,4})?$';

const HUNDRED: Decimal = { units: 100n, scale: 0 };

/**
 * Parses a percentage such as "8" or "8.875" within 0–100 (0 only when `allowZero`),
 * with at most four decimals. Returns its canonical text ("8.50" → "8.5") and value,
 * or null for anything else.
 */
export function parsePercentage(
  text: string,
  options: { readonly allowZero: boolean },
): { readonly value: Decimal; readonly text: string } | null {
  const value = parseDecimal(text);
  if (!value || value.scale > PERCENTAGE_MAX_SCALE) return null;
  if (compareDecimal(value, HUNDRED) > 0) return null;
  if (!options.allowZero && value.units === 0n) return null;
  return { value, text: formatDecimal(value) };
}
