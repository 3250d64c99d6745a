import { fail, ok, type Result } from './errors.js';

/**
 * What a payment shows of the card that paid it: the brand, the last four digits and
 * the expiry, as a processor reports them (Stripe's `payment_method_details.card`).
 * Never the number itself. Pure: processors' answers are parsed here before they are
 * stored, so a malformed answer is refused rather than shown.
 */

export const CARD_BRANDS = [
  'visa',
  'mastercard',
  'amex',
  'discover',
  'diners',
  'jcb',
  'unionpay',
  'unknown',
] as const;
export type CardBrand = (typeof CARD_BRANDS)[number];

export const CARD_FUNDINGS = ['credit', 'debit', 'prepaid', 'unknown'] as const;
export type CardFunding = (typeof CARD_FUNDINGS)[number];

export interface CardDetails {
  readonly brand: CardBrand;
  /** Exactly four digits. */
  readonly last4: string;
  /** 1..12. */
  readonly expMonth: number;
  /** Four digits. */
  readonly expYear: number;
  /** Null when the processor did not say. */
  readonly funding: CardFunding | null;
}

// Processors spell some brands their own way (Stripe's older card objects say
// "American Express", "MasterCard", "Diners Club"); compared without case or separators.
const BRAND_SPELLINGS: Readonly<Record<string, CardBrand>> = {
  visa: 'visa',
  mastercard: 'mastercard',
  amex: 'amex',
  americanexpress: 'amex',
  discover: 'discover',
  diners: 'diners',
  dinersclub: 'diners',
  jcb: 'jcb',
  unionpay: 'unionpay',
  chinaunionpay: 'unionpay',
};

/** A brand on the closed list; any brand Flint has no name for is `unknown`. */
export function normalizeCardBrand(text: string): CardBrand {
  return BRAND_SPELLINGS[text.toLowerCase().replace(/[\s_-]/g, '')] ?? 'unknown';
}

function invalid(field: string, message: string): Result<never> {
  return fail({ code: 'parameter_invalid', message, loc: ['card', field] });
}

const isInteger = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value);

/**
 * A processor's card object (`{ brand, last4, exp_month, exp_year, funding? }`) as
 * Flint's card details, or why it is not one.
 */
export function parseCardDetails(input: unknown): Result<CardDetails> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return fail({ code: 'parameter_invalid', message: 'A card is an object', loc: ['card'] });
  }
  const card = input as Record<string, unknown>;
  if (typeof card.brand !== 'string' || card.brand.trim() === '') {
    return invalid('brand', 'A card names its brand');
  }
  if (typeof card.last4 !== 'string' || !/^[0-9]{4}$/.test(card.last4)) {
    return invalid('last4', "A card's last4 is exactly four digits");
  }
  if (!isInteger(card.exp_month) || card.exp_month < 1 || card.exp_month > 12) {
    return invalid('exp_month', "A card's expiry month is 1 to 12");
  }
  if (!isInteger(card.exp_year) || card.exp_year < 1000 || card.exp_year > 9999) {
    return invalid('exp_year', "A card's expiry year has four digits");
  }
  let funding: CardFunding | null = null;
  if (card.funding !== undefined && card.funding !== null) {
    const known = CARD_FUNDINGS.find((f) => f === card.funding);
    if (!known) return invalid('funding', `A card's funding is one of ${CARD_FUNDINGS.join(', ')}`);
    funding = known;
  }
  return ok({
    brand: normalizeCardBrand(card.brand),
    last4: card.last4,
    expMonth: card.exp_month,
    expYear: card.exp_year,
    funding,
  });
}

/** The card details of a processor's answer, or null when it gave none or malformed ones. */
export function cardDetailsOrNull(input: unknown): CardDetails | null {
  if (input === undefined || input === null) return null;
  const parsed = parseCardDetails(input);
  return parsed.ok ? parsed.value : null;
}
