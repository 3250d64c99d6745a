import { currencyExponent } from './currency.js';
import { formatDecimal } from './money.js';

const formats = new Map<string, Intl.NumberFormat>();

/**
 * An amount in minor units as a buyer reads it ("$1,382.40", "¥13,824", "−$5.00"). The
 * decimal text is built exactly from the integer; Intl only adds the symbol and grouping
 * (it formats decimal strings without going through a float).
 */
export function formatMoney(amount: number, currency: string): string {
  const code = currency.toUpperCase();
  let format = formats.get(code);
  if (!format) {
    format = new Intl.NumberFormat('en-US', { style: 'currency', currency: code });
    formats.set(code, format);
  }
  const text = formatDecimal({
    units: BigInt(Math.abs(amount)),
    scale: currencyExponent(code),
  });
  // Intl's typings predate string input (ES2023); the runtime (Node 20) accepts it.
  const formatted = format.format(text as unknown as number);
  return amount < 0 ? `−${formatted}` : formatted;
}
