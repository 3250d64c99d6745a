import { allocate, type Decimal, includedPercentOf, multiply, percentOf, sum } from './money.js';

/**
 * Order totals, exactly as PRODUCT.md §2 states them, in integer minor units:
 * - a line's gross = unit amount × quantity; subtotal = Σ gross;
 * - coupons apply in the order they were added, each to what remains of the lines it
 *   applies to: a percent coupon takes its percentage of that, rounded half up once;
 *   a fixed coupon takes min(amount_off, what remains). Each coupon's discount is
 *   apportioned to its lines by largest remainder;
 * - tax is computed per rate on the total taxable amount of that rate (line taxable =
 *   gross − its discounts, plus shipping where the account taxes it), rounded once,
 *   then apportioned to the lines by largest remainder. Inclusive rates extract the
 *   tax contained in the price; tips are never taxed;
 * - total = subtotal − discount + exclusive tax + shipping + tip − credit (an exchange's);
 *   balance = total − paid.
 */

export interface TaxRateTerms {
  readonly id: string;
  readonly percentage: Decimal;
  readonly inclusive: boolean;
}

export interface LineTerms {
  readonly id: string;
  readonly productId: string | null;
  readonly quantity: number;
  readonly unitAmount: number;
  /** The rates that apply to this line (its override, else the defaults; empty if exempt). */
  readonly taxRateIds: readonly string[];
}

export type CouponTerms =
  | {
      readonly id: string;
      readonly kind: 'percent';
      readonly percentOff: Decimal;
      /** Product ids the coupon is limited to; null for the whole order. */
      readonly appliesTo: readonly string[] | null;
    }
  | {
      readonly id: string;
      readonly kind: 'amount';
      readonly amountOff: number;
      readonly appliesTo: readonly string[] | null;
    };

export interface PricingInput {
  readonly lines: readonly LineTerms[];
  /** In the order they were added. */
  readonly coupons: readonly CouponTerms[];
  readonly taxRates: ReadonlyMap<string, TaxRateTerms>;
  readonly shipping: number;
  /** Rates applied to shipping (empty where the account does not tax shipping). */
  readonly shippingTaxRateIds: readonly string[];
  readonly tip: number;
  /**
   * What an exchange's return credits the order (its follow-up order), taken off the
   * total after tax, like store credit: it lowers no taxable amount. Never more than the
   * total before it (the credit is set as min(return credit, that total)).
   */
  readonly credit?: number | undefined;
  readonly paid: number;
  readonly refunded: number;
}

export interface Part {
  readonly id: string;
  readonly amount: number;
}

export interface PricedLine {
  readonly id: string;
  readonly gross: number;
  readonly discount: number;
  readonly taxable: number;
  /** All tax on the line, inclusive and exclusive. */
  readonly tax: number;
  /** gross − discount + exclusive tax. */
  readonly total: number;
  readonly discounts: readonly Part[];
  readonly taxes: readonly Part[];
}

export interface PricedTax {
  readonly taxRateId: string;
  readonly inclusive: boolean;
  readonly taxable: number;
  readonly amount: number;
}

export interface NetAmounts {
  readonly subtotal: number;
  readonly discount: number;
  /** All tax, inclusive and exclusive; only exclusive tax adds to the total. */
  readonly tax: number;
  readonly shipping: number;
  readonly tip: number;
  /** An exchange's credit, taken off after tax. */
  readonly credit: number;
  readonly total: number;
  readonly paid: number;
  readonly refunded: number;
  readonly balance: number;
}

export interface Pricing {
  readonly lines: readonly PricedLine[];
  readonly coupons: readonly Part[];
  readonly taxes: readonly PricedTax[];
  /** The part of the tax that falls on shipping (inclusive and exclusive). */
  readonly shippingTax: number;
  readonly net: NetAmounts;
}

function applies(coupon: CouponTerms, line: LineTerms): boolean {
  return (
    coupon.appliesTo === null ||
    (line.productId !== null && coupon.appliesTo.includes(line.productId))
  );
}

function priceCoupons(
  lines: readonly LineTerms[],
  coupons: readonly CouponTerms[],
  gross: readonly number[],
) {
  const remaining = [...gross];
  const lineDiscounts: Part[][] = lines.map(() => []);
  const totals: Part[] = [];
  for (const coupon of coupons) {
    const targets = lines.flatMap((line, i) => (applies(coupon, line) ? [i] : []));
    const weights = targets.map((i) => remaining[i] as number);
    const base = sum(weights);
    const amount =
      coupon.kind === 'percent'
        ? percentOf(base, coupon.percentOff)
        : Math.min(coupon.amountOff, base);
    const parts = allocate(amount, weights);
    targets.forEach((lineIndex, k) => {
      const part = parts[k] as number;
      remaining[lineIndex] = (remaining[lineIndex] as number) - part;
      if (part > 0) lineDiscounts[lineIndex]?.push({ id: coupon.id, amount: part });
    });
    totals.push({ id: coupon.id, amount });
  }
  return { taxable: remaining, lineDiscounts, totals };
}

/** Rates in a stable order: as they first appear on the lines, then on shipping. */
function ratesInUse(lines: readonly LineTerms[], shippingRateIds: readonly string[]): string[] {
  return [...new Set([...lines.flatMap((l) => l.taxRateIds), ...shippingRateIds])];
}

export function priceOrder(input: PricingInput): Pricing {
  const { lines } = input;
  const gross = lines.map((line) => multiply(line.unitAmount, line.quantity));
  const coupons = priceCoupons(lines, input.coupons, gross);
  const taxable = coupons.taxable;

  const lineTaxes: Part[][] = lines.map(() => []);
  const lineExclusive = lines.map(() => 0);
  let shippingTax = 0;
  const taxes: PricedTax[] = [];
  for (const rateId of ratesInUse(lines, input.shippingTaxRateIds)) {
    const rate = input.taxRates.get(rateId);
    if (!rate) throw new Error(`unknown tax rate ${rateId}`);
    const members = lines.flatMap((line, i) => (line.taxRateIds.includes(rateId) ? [i] : []));
    const weights = members.map((i) => taxable[i] as number);
    const taxesShipping = input.shippingTaxRateIds.includes(rateId);
    if (taxesShipping) weights.push(input.shipping);
    const base = sum(weights);
    const amount = rate.inclusive
      ? includedPercentOf(base, rate.percentage)
      : percentOf(base, rate.percentage);
    const parts = allocate(amount, weights);
    members.forEach((lineIndex, k) => {
      const part = parts[k] as number;
      if (part > 0) lineTaxes[lineIndex]?.push({ id: rateId, amount: part });
      if (!rate.inclusive) lineExclusive[lineIndex] = (lineExclusive[lineIndex] as number) + part;
    });
    if (taxesShipping) shippingTax += parts[parts.length - 1] as number;
    taxes.push({ taxRateId: rateId, inclusive: rate.inclusive, taxable: base, amount });
  }

  const priced: PricedLine[] = lines.map((line, i) => {
    const lineGross = gross[i] as number;
    const lineTaxable = taxable[i] as number;
    return {
      id: line.id,
      gross: lineGross,
      discount: lineGross - lineTaxable,
      taxable: lineTaxable,
      tax: sum((lineTaxes[i] ?? []).map((t) => t.amount)),
      total: lineTaxable + (lineExclusive[i] as number),
      discounts: coupons.lineDiscounts[i] ?? [],
      taxes: lineTaxes[i] ?? [],
    };
  });

  const subtotal = sum(gross);
  const discount = sum(coupons.totals.map((c) => c.amount));
  const exclusiveTax = sum(taxes.filter((t) => !t.inclusive).map((t) => t.amount));
  const credit = input.credit ?? 0;
  const total = sum([subtotal - discount, exclusiveTax, input.shipping, input.tip]) - credit;
  return {
    lines: priced,
    coupons: coupons.totals,
    taxes,
    shippingTax,
    net: {
      subtotal,
      discount,
      tax: sum(taxes.map((t) => t.amount)),
      shipping: input.shipping,
      tip: input.tip,
      credit,
      total,
      paid: input.paid,
      refunded: input.refunded,
      balance: total - input.paid,
    },
  };
}
