import { currencyExponent } from './currency.js';
import { MAX_AMOUNT } from './money.js';

// An amount as a buyer types and reads it in a form: the currency's decimal text
// ("25.00" USD, "1500" JPY, "1.250" KWD), converted to and from integer minor units
// exactly — digits only, never through a floating-point number.

/** The plain decimal text of an amount in minor units, in the currency's exponent. */
export function amountText(amount: number, currency: string): string {
  if (!Number.isSafeInteger(amount) || amount < 0) {
    throw new Error(`amount ${amount} is not a non-negative integer`);
  }
  const exponent = currencyExponent(currency);
  if (exponent === 0) return String(amount);
  const digits = String(amount).padStart(exponent + 1, '0');
  return `${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
}

export type AmountTextError = 'empty' | 'not_a_number' | 'too_precise' | 'too_large';

/**
 * What a buyer typed as an amount, in minor units: "25", "25.5", "25.50", "1,234.56"
 * (commas only as thousands separators). No sign, no exponent, no more decimals than the
 * currency has.
 */
export function parseAmountText(
  text: string,
  currency: string,
):
  | { readonly ok: true; readonly amount: number }
  | { readonly ok: false; readonly error: AmountTextError } {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: false, error: 'empty' };
  const match = /^(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d*))?$/.exec(trimmed);
  if (!match?.[1]) return { ok: false, error: 'not_a_number' };
  const whole = match[1].replaceAll(',', '');
  const fraction = match[2] ?? '';
  const exponent = currencyExponent(currency);
  if (fraction.replace(/0+$/, '').length > exponent) return { ok: false, error: 'too_precise' };
  const minor = `${whole}${fraction.padEnd(exponent, '0').slice(0, exponent)}`.replace(
    /^0+(?=\d)/,
    '',
  );
  if (minor.length > String(MAX_AMOUNT).length || BigInt(minor) > BigInt(MAX_AMOUNT)) {
    return { ok: false, error: 'too_large' };
  }
  return { ok: true, amount: Number(minor) };
}
