import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Decimal, MAX_AMOUNT, parseDecimal } from './money.js';
import {
  type CouponTerms,
  type LineTerms,
  type PricingInput,
  priceOrder,
  type TaxRateTerms,
} from './pricing.js';

const dec = (text: string): Decimal => parseDecimal(text) as Decimal;
const rate = (id: string, percentage: string, inclusive = false): TaxRateTerms => ({
  id,
  percentage: dec(percentage),
  inclusive,
});
const line = (
  id: string,
  unitAmount: number,
  quantity = 1,
  taxRateIds = ['txr_8'],
  productId: string | null = null,
): LineTerms => ({
  id,
  productId,
  quantity,
  unitAmount,
  taxRateIds,
});
const input = (overrides: Partial<PricingInput>): PricingInput => ({
  lines: [],
  coupons: [],
  taxRates: new Map([['txr_8', rate('txr_8', '8')]]),
  shipping: 0,
  shippingTaxRateIds: [],
  tip: 0,
  paid: 0,
  refunded: 0,
  ...overrides,
});
const percent = (id: string, p: string, appliesTo: string[] | null = null): CouponTerms => ({
  id,
  kind: 'percent',
  percentOff: dec(p),
  appliesTo,
});
const fixed = (id: string, amountOff: number, appliesTo: string[] | null = null): CouponTerms => ({
  id,
  kind: 'amount',
  amountOff,
  appliesTo,
});

describe('the seed walkthrough (004)', () => {
  const lines = [line('li_pro', 9900), line('li_support', 2900)];

  it('9900 + 2900 at 8 %: subtotal 12800, tax 1024, total 13824', () => {
    const { net } = priceOrder(input({ lines }));
    expect(net).toMatchObject({
      subtotal: 12800,
      discount: 0,
      tax: 1024,
      total: 13824,
      balance: 13824,
    });
  });

  it('with a 20 % coupon: discount 2560, tax 819 (rounded once), total 11059', () => {
    const priced = priceOrder(input({ lines, coupons: [percent('LAUNCH20', '20')] }));
    expect(priced.net).toMatchObject({ subtotal: 12800, discount: 2560, tax: 819, total: 11059 });
    // Per line: the discount and the tax are apportioned, and sum exactly.
    expect(priced.lines.map((l) => l.discount)).toEqual([1980, 580]);
    // 819 × 7920/10240 = 633.45 and 819 × 2320/10240 = 185.55: the spare unit goes to .55
    expect(priced.lines.map((l) => l.tax)).toEqual([633, 186]);
    expect(priced.lines.reduce((a, l) => a + l.total, 0)).toBe(11059);
  });

  it('after paying and refunding 2900: balance 0, total unchanged', () => {
    const { net } = priceOrder(
      input({ lines, coupons: [percent('LAUNCH20', '20')], paid: 11059, refunded: 2900 }),
    );
    expect(net).toMatchObject({ total: 11059, paid: 11059, refunded: 2900, balance: 0 });
  });
});

describe('rules', () => {
  it('stacks coupons in order, each on what remains', () => {
    const priced = priceOrder(
      input({
        lines: [line('a', 10000, 1, [])],
        coupons: [percent('c10', '10'), fixed('c500', 500), percent('c50', '50')],
      }),
    );
    expect(priced.coupons).toEqual([
      { id: 'c10', amount: 1000 },
      { id: 'c500', amount: 500 },
      { id: 'c50', amount: 4250 },
    ]);
    expect(priced.net.total).toBe(4250);
  });

  it('a fixed coupon never exceeds what remains', () => {
    const priced = priceOrder(
      input({ lines: [line('a', 300, 1, [])], coupons: [fixed('big', 1000)] }),
    );
    expect(priced.net).toMatchObject({ discount: 300, total: 0 });
  });

  it('limits a coupon to the products it applies to', () => {
    const priced = priceOrder(
      input({
        lines: [line('a', 1000, 1, [], 'prod_a'), line('b', 3000, 1, [], 'prod_b')],
        coupons: [percent('only-b', '50', ['prod_b'])],
      }),
    );
    expect(priced.lines.map((l) => l.discount)).toEqual([0, 1500]);
  });

  it('extracts inclusive tax without adding it to the total', () => {
    const priced = priceOrder(
      input({
        lines: [line('a', 10800, 1, ['txr_vat'])],
        taxRates: new Map([['txr_vat', rate('txr_vat', '8', true)]]),
      }),
    );
    expect(priced.net).toMatchObject({ subtotal: 10800, tax: 800, total: 10800 });
  });

  it('taxes shipping only when asked, never tips, and exempt lines not at all', () => {
    const base = { lines: [line('a', 1000), line('exempt', 1000, 1, [])], shipping: 500, tip: 300 };
    expect(priceOrder(input(base)).net).toMatchObject({
      tax: 80,
      total: 1000 + 1000 + 80 + 500 + 300,
    });
    const taxed = priceOrder(input({ ...base, shippingTaxRateIds: ['txr_8'] }));
    expect(taxed.net).toMatchObject({ tax: 120, total: 2000 + 120 + 500 + 300 });
    expect(taxed.shippingTax).toBe(40);
  });

  it('computes each rate once on its total taxable amount (no per-line drift)', () => {
    // Three lines of 1 at 50 %: per-line rounding would give 3 × 1 = 3; the rule gives 2 (1.5 → 2).
    const priced = priceOrder(
      input({
        lines: [line('a', 1, 1, ['h']), line('b', 1, 1, ['h']), line('c', 1, 1, ['h'])],
        taxRates: new Map([['h', rate('h', '50')]]),
      }),
    );
    expect(priced.net.tax).toBe(2);
    expect(priced.lines.map((l) => l.tax)).toEqual([1, 1, 0]);
  });

  it('works in zero- and three-decimal currencies alike (amounts are minor units)', () => {
    // JPY: ¥1,980 × 3 at 10 %; KWD: 12.345 KWD at 8.875 %
    const jpy = priceOrder(
      input({
        lines: [line('a', 1980, 3, ['t10'])],
        taxRates: new Map([['t10', rate('t10', '10')]]),
      }),
    );
    expect(jpy.net).toMatchObject({ subtotal: 5940, tax: 594, total: 6534 });
    const kwd = priceOrder(
      input({
        lines: [line('a', 12345, 1, ['ny'])],
        taxRates: new Map([['ny', rate('ny', '8.875')]]),
      }),
    );
    expect(kwd.net).toMatchObject({ tax: 1096, total: 13441 }); // 1095.62
  });
});

describe('properties', () => {
  const rates = new Map<string, TaxRateTerms>([
    ['ex8', rate('ex8', '8')],
    ['ex8875', rate('ex8875', '8.875')],
    ['in20', rate('in20', '20', true)],
    ['ex0', rate('ex0', '0')],
  ]);
  const products = ['prod_a', 'prod_b', 'prod_c'];
  const lineArb = fc.record({
    unitAmount: fc.integer({ min: 0, max: 10_000_000 }),
    quantity: fc.integer({ min: 1, max: 1000 }),
    taxRateIds: fc.subarray([...rates.keys()]),
    productId: fc.option(fc.constantFrom(...products), { nil: null }),
  });
  const couponArb = fc.oneof(
    fc.record({
      kind: fc.constant('percent' as const),
      percentOff: fc.integer({ min: 1, max: 10000 }).map((bp) => ({ units: BigInt(bp), scale: 2 })),
      appliesTo: fc.option(fc.subarray(products, { minLength: 1 }), { nil: null }),
    }),
    fc.record({
      kind: fc.constant('amount' as const),
      amountOff: fc.integer({ min: 1, max: MAX_AMOUNT }),
      appliesTo: fc.option(fc.subarray(products, { minLength: 1 }), { nil: null }),
    }),
  );
  const orderArb = fc.record({
    lines: fc.array(lineArb, { minLength: 1, maxLength: 8 }),
    coupons: fc.array(couponArb, { maxLength: 4 }),
    shipping: fc.integer({ min: 0, max: 100_000 }),
    shippingTaxRateIds: fc.subarray(['ex8', 'in20']),
    tip: fc.integer({ min: 0, max: 100_000 }),
  });

  it('apportionments sum exactly, discounts never exceed their base, and the totals identity holds', () => {
    fc.assert(
      fc.property(orderArb, (o) => {
        const priced = priceOrder(
          input({
            ...o,
            taxRates: rates,
            lines: o.lines.map((l, i) => ({ ...l, id: `li_${i}` })),
            coupons: o.coupons.map((c, i) => ({ ...c, id: `cpn_${i}` }) as CouponTerms),
          }),
        );
        const { net } = priced;
        const total = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
        expect(total(priced.lines.map((l) => l.discount))).toBe(net.discount);
        expect(total(priced.coupons.map((c) => c.amount))).toBe(net.discount);
        expect(total(priced.lines.map((l) => l.tax)) + priced.shippingTax).toBe(net.tax);
        for (const l of priced.lines) {
          expect(l.discount).toBeGreaterThanOrEqual(0);
          expect(l.discount).toBeLessThanOrEqual(l.gross);
          expect(total(l.discounts.map((d) => d.amount))).toBe(l.discount);
          expect(total(l.taxes.map((t) => t.amount))).toBe(l.tax);
        }
        expect(net.discount).toBeLessThanOrEqual(net.subtotal);
        const exclusive = total(priced.taxes.filter((t) => !t.inclusive).map((t) => t.amount));
        expect(net.total).toBe(net.subtotal - net.discount + exclusive + net.shipping + net.tip);
        expect(net.balance).toBe(net.total);
        for (const value of Object.values(net)) expect(Number.isSafeInteger(value)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
