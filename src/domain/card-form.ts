/**
 * The hosted page's card form, checked before anything is charged: the number (Luhn),
 * the expiry (MM / YY, not past), the CVC (3 digits, 4 for American Express). In sandbox
 * mode the classic test card numbers stand for the sandbox's tokens (PRODUCT.md §3).
 * Pure: the card number lives only in this request's memory and is never returned.
 */

/** The classic test card numbers and the sandbox token each stands for. */
export const TEST_CARDS: Readonly<Record<string, string>> = {
  '4242424242424242': 'tok_visa',
  '4000056655665556': 'tok_visa_debit',
  '5555555555554444': 'tok_mastercard',
  '2223003122003222': 'tok_mastercard',
  '5200828282828210': 'tok_mastercard_debit',
  '5105105105105100': 'tok_mastercard_prepaid',
  '371449635398431': 'tok_amex',
  '6011111111111117': 'tok_discover',
  '3056930009020004': 'tok_diners',
  '3566002020360505': 'tok_jcb',
  '6200000000000005': 'tok_unionpay',
  '4000000000000002': 'tok_chargeDeclined',
  '4000000000009995': 'tok_chargeDeclinedInsufficientFunds',
  '4000000000000069': 'tok_chargeDeclinedExpiredCard',
  '4000000000009979': 'tok_chargeDeclinedStolenCard',
  '4000000000009987': 'tok_chargeDeclinedLostCard',
  '4000000000000119': 'tok_chargeDeclinedProcessingError',
  '4000000000000341': 'tok_chargeCustomerFail',
  '4000002500003155': 'tok_threeDSecureRequired',
  '4000002760003184': 'tok_threeDSecureRequired',
  '4000000000007726': 'tok_refundPending',
  '4000000000005126': 'tok_refundFail',
};

export interface CardFormInput {
  readonly number: string;
  readonly expiry: string;
  readonly cvc: string;
}

export type CardField = 'number' | 'expiry' | 'cvc';

export interface CardFieldError {
  readonly field: CardField;
  readonly message: string;
}

export interface Card {
  /** Digits only. */
  readonly number: string;
  readonly expMonth: number;
  /** Four digits. */
  readonly expYear: number;
}

/** Digits only: buyers type spaces and dashes between the groups. */
export function cardDigits(text: string): string {
  return text.replace(/[\s-]/g, '');
}

/** The Luhn (mod 10) check every card number carries in its last digit. */
export function luhnValid(digits: string): boolean {
  if (!/^[0-9]+$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

const isAmex = (digits: string) => /^3[47]/.test(digits);

function checkNumber(text: string): string | null {
  const digits = cardDigits(text);
  if (digits === '') return 'Enter your card number.';
  if (!/^[0-9]+$/.test(digits)) return 'A card number has only digits.';
  if (digits.length < 12 || digits.length > 19 || !luhnValid(digits)) {
    return 'Your card number is incomplete or not valid.';
  }
  return null;
}

/** MM / YY (or MM/YYYY); the card works through the last day of its month. */
function checkExpiry(
  text: string,
  now: Date,
): { month: number; year: number } | { message: string } {
  const match = /^\s*([0-9]{1,2})\s*\/?\s*([0-9]{2}|[0-9]{4})\s*$/.exec(text);
  if (text.trim() === '') return { message: 'Enter the expiry date.' };
  if (!match) return { message: 'Enter the expiry date as MM / YY.' };
  const month = Number(match[1]);
  const raw = match[2] ?? '';
  const year = raw.length === 2 ? 2000 + Number(raw) : Number(raw);
  if (month < 1 || month > 12) return { message: 'The expiry month must be 01 to 12.' };
  const thisYear = now.getUTCFullYear();
  const thisMonth = now.getUTCMonth() + 1;
  if (year < thisYear || (year === thisYear && month < thisMonth)) {
    return { message: 'Your card has expired.' };
  }
  if (year > thisYear + 50) return { message: 'The expiry year is too far in the future.' };
  return { month, year };
}

function checkCvc(text: string, number: string): string | null {
  const cvc = text.trim();
  const length = isAmex(cardDigits(number)) ? 4 : 3;
  if (cvc === '') return 'Enter the security code (CVC).';
  if (!/^[0-9]+$/.test(cvc) || cvc.length !== length) {
    return `The security code is ${length} digits.`;
  }
  return null;
}

/** Every field's error, in the form's order; the card when all are valid. */
export function checkCardForm(
  input: CardFormInput,
  now: Date,
): { ok: true; card: Card } | { ok: false; errors: CardFieldError[] } {
  const errors: CardFieldError[] = [];
  const numberError = checkNumber(input.number);
  if (numberError) errors.push({ field: 'number', message: numberError });
  const expiry = checkExpiry(input.expiry, now);
  if ('message' in expiry) errors.push({ field: 'expiry', message: expiry.message });
  const cvcError = checkCvc(input.cvc, input.number);
  if (cvcError) errors.push({ field: 'cvc', message: cvcError });
  if (errors.length > 0 || 'message' in expiry) return { ok: false, errors };
  return {
    ok: true,
    card: { number: cardDigits(input.number), expMonth: expiry.month, expYear: expiry.year },
  };
}

/**
 * The sandbox token a test card stands for, or null for any other number (a real card
 * is never sent anywhere in sandbox mode).
 */
export function sandboxTokenOf(card: Card): string | null {
  return TEST_CARDS[card.number] ?? null;
}
