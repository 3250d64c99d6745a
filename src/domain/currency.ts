/**
 * ISO 4217 active currency codes and their minor-unit exponents.
 * Most currencies have two decimals; the exceptions are listed explicitly.
 */
const TWO_DECIMAL = `AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BOV BRL BSD
BTN BWP BYN BZD CAD CDF CHE CHF CHW CNY COP COU CRC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP
GBP GEL GHS GIP GMD GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK LBP LKR
LRD LSL MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD PAB PEN
PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS
TMT TOP TRY TTD TWD TZS UAH USD USN UYU UZS VES WST XCD XCG YER ZAR ZMW ZWG`;
const ZERO_DECIMAL = 'BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF';
const THREE_DECIMAL = 'BHD IQD JOD KWD LYD OMR TND';
const FOUR_DECIMAL = 'CLF UYW';

function codes(list: string): string[] {
  return list.split(/\s+/).filter(Boolean);
}

const EXPONENTS: ReadonlyMap<string, number> = new Map([
  ...codes(TWO_DECIMAL).map((c) => [c, 2] as const),
  ...codes(ZERO_DECIMAL).map((c) => [c, 0] as const),
  ...codes(THREE_DECIMAL).map((c) => [c, 3] as const),
  ...codes(FOUR_DECIMAL).map((c) => [c, 4] as const),
]);

/** Upper-cases a client-supplied currency code; returns null when it is not ISO 4217. */
export function normalizeCurrency(input: string): string | null {
  const code = input.toUpperCase();
  return EXPONENTS.has(code) ? code : null;
}

/** The number of decimals of a currency's minor unit (USD 2, JPY 0, KWD 3). */
export function currencyExponent(code: string): number {
  const exponent = EXPONENTS.get(code);
  if (exponent === undefined) throw new Error(`not an ISO 4217 currency: ${code}`);
  return exponent;
}

export const SUPPORTED_CURRENCIES: readonly string[] = [...EXPONENTS.keys()].sort();
