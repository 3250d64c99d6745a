import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { create } from './catalog-fixtures.js';
import {
  createTestAccount,
  liveKeyOf,
  request,
  startTestServer,
  type TestServer,
} from './harness.js';

/**
 * Order totals through HTTP against an independent reference of PRODUCT.md §2,
 * written here in BigInt from the spec's words (not from src/domain/pricing.ts).
 */

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

// ---------------------------------------------------------------------------------
// The reference
// ---------------------------------------------------------------------------------

interface RefRate {
  readonly percentage: string;
  readonly inclusive: boolean;
}
interface RefLine {
  readonly unit: bigint;
  readonly quantity: bigint;
  readonly productId: string | null;
  /** The rates this line carries (none when exempt). */
  readonly rateIds: readonly string[];
}
type RefCoupon =
  | { readonly kind: 'percent'; readonly percentOff: string; readonly appliesTo: string[] | null }
  | { readonly kind: 'amount'; readonly amountOff: bigint; readonly appliesTo: string[] | null };
interface RefOrder {
  readonly lines: readonly RefLine[];
  /** In the order they were added. */
  readonly coupons: readonly RefCoupon[];
  readonly rates: ReadonlyMap<string, RefRate>;
  readonly shipping: bigint;
  /** The account's default rates when it taxes shipping, else none. */
  readonly shippingRateIds: readonly string[];
  readonly tip: bigint;
}
interface RefResult {
  readonly subtotal: bigint;
  readonly discount: bigint;
  readonly tax: bigint;
  readonly shipping: bigint;
  readonly tip: bigint;
  readonly total: bigint;
  readonly lines: { gross: bigint; discount: bigint; tax: bigint; total: bigint }[];
  readonly couponDiscounts: bigint[];
  readonly rateAmounts: Map<string, bigint>;
  /** What each rate was computed on. */
  readonly rateBases: Map<string, bigint>;
  readonly shippingTax: bigint;
}

const total = (xs: readonly bigint[]) => xs.reduce((a, b) => a + b, 0n);
const minOf = (a: bigint, b: bigint) => (a < b ? a : b);

/** n / d rounded half up (n, d ≥ 0). */
function roundHalfUp(n: bigint, d: bigint): bigint {
  const q = n / d;
  return (n % d) * 2n >= d ? q + 1n : q;
}

/** "8.875" → 8875 / 1000 */
function fraction(text: string): { num: bigint; den: bigint } {
  const [whole, frac = ''] = text.split('.');
  return { num: BigInt(`${whole}${frac}`), den: 10n ** BigInt(frac.length) };
}

/** p % of base, rounded half up once. */
function percentOf(base: bigint, p: string): bigint {
  const { num, den } = fraction(p);
  return roundHalfUp(base * num, 100n * den);
}

/** The tax inside a tax-inclusive base: base × p / (100 + p), rounded half up once. */
function containedTax(base: bigint, p: string): bigint {
  const { num, den } = fraction(p);
  return roundHalfUp(base * num, 100n * den + num);
}

/** Pro rata by largest remainder; ties go to the earlier part. */
function apportion(amount: bigint, weights: readonly bigint[]): bigint[] {
  const whole = total(weights);
  if (whole === 0n) {
    expect(amount).toBe(0n);
    return weights.map(() => 0n);
  }
  const parts = weights.map((w) => (amount * w) / whole);
  let left = amount - total(parts);
  const byRemainder = weights
    .map((w, i) => ({ i, rest: (amount * w) % whole }))
    .sort((a, b) => (a.rest === b.rest ? a.i - b.i : a.rest > b.rest ? -1 : 1));
  for (const { i } of byRemainder) {
    if (left === 0n) break;
    parts[i] = (parts[i] as bigint) + 1n;
    left -= 1n;
  }
  return parts;
}

function referenceTotals(order: RefOrder): RefResult {
  const { lines } = order;
  const gross = lines.map((l) => l.unit * l.quantity);
  const remaining = [...gross];
  const couponDiscounts: bigint[] = [];
  for (const coupon of order.coupons) {
    const targets = lines.flatMap((l, i) =>
      coupon.appliesTo === null || (l.productId !== null && coupon.appliesTo.includes(l.productId))
        ? [i]
        : [],
    );
    const weights = targets.map((i) => remaining[i] as bigint);
    const base = total(weights);
    const amount =
      coupon.kind === 'percent'
        ? percentOf(base, coupon.percentOff)
        : minOf(coupon.amountOff, base);
    apportion(amount, weights).forEach((part, k) => {
      const i = targets[k] as number;
      remaining[i] = (remaining[i] as bigint) - part;
    });
    couponDiscounts.push(amount);
  }

  const lineTax = lines.map(() => 0n);
  const lineExclusiveTax = lines.map(() => 0n);
  const rateAmounts = new Map<string, bigint>();
  const rateBases = new Map<string, bigint>();
  let shippingTax = 0n;
  let exclusiveTax = 0n;
  const used = new Set([...lines.flatMap((l) => l.rateIds), ...order.shippingRateIds]);
  for (const rateId of used) {
    const rate = order.rates.get(rateId);
    if (!rate) throw new Error(`reference: unknown rate ${rateId}`);
    const members = lines.flatMap((l, i) => (l.rateIds.includes(rateId) ? [i] : []));
    const weights = members.map((i) => remaining[i] as bigint);
    const onShipping = order.shippingRateIds.includes(rateId);
    if (onShipping) weights.push(order.shipping);
    const base = total(weights);
    const amount = rate.inclusive
      ? containedTax(base, rate.percentage)
      : percentOf(base, rate.percentage);
    const parts = apportion(amount, weights);
    members.forEach((i, k) => {
      lineTax[i] = (lineTax[i] as bigint) + (parts[k] as bigint);
      if (!rate.inclusive)
        lineExclusiveTax[i] = (lineExclusiveTax[i] as bigint) + (parts[k] as bigint);
    });
    if (onShipping) shippingTax += parts[parts.length - 1] as bigint;
    if (!rate.inclusive) exclusiveTax += amount;
    rateAmounts.set(rateId, amount);
    rateBases.set(rateId, base);
  }

  const subtotal = total(gross);
  const discount = total(couponDiscounts);
  return {
    subtotal,
    discount,
    tax: total([...rateAmounts.values()]),
    shipping: order.shipping,
    tip: order.tip,
    total: subtotal - discount + exclusiveTax + order.shipping + order.tip,
    lines: lines.map((_, i) => ({
      gross: gross[i] as bigint,
      discount: (gross[i] as bigint) - (remaining[i] as bigint),
      tax: lineTax[i] as bigint,
      total: (remaining[i] as bigint) + (lineExclusiveTax[i] as bigint),
    })),
    couponDiscounts,
    rateAmounts,
    rateBases,
    shippingTax,
  };
}

// ---------------------------------------------------------------------------------
// HTTP helpers and comparisons
// ---------------------------------------------------------------------------------

const amounts = (order: any): Record<string, number> =>
  Object.fromEntries(
    Object.entries(order.net_amounts).map(([k, v]: [string, any]) => [k, v.amount]),
  );

function expectedNet(ref: RefResult): Record<string, number> {
  return {
    subtotal_money: Number(ref.subtotal),
    discount_money: Number(ref.discount),
    tax_money: Number(ref.tax),
    shipping_money: Number(ref.shipping),
    tip_money: Number(ref.tip),
    total_money: Number(ref.total),
    paid_money: 0,
    refunded_money: 0,
    balance_money: Number(ref.total),
  };
}

/** Every Money object anywhere in `value`. */
function moneyObjects(value: unknown, found: { amount: unknown; currency: unknown }[] = []) {
  if (Array.isArray(value)) {
    for (const item of value) moneyObjects(item, found);
  } else if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if ('amount' in o && 'currency' in o) found.push({ amount: o.amount, currency: o.currency });
    else for (const item of Object.values(o)) moneyObjects(item, found);
  }
  return found;
}

/** The order matches the reference exactly, and the invariants of §2 hold. */
function expectMatchesReference(order: any, ref: RefResult, currency: string) {
  expect(order.currency).toBe(currency);
  expect(amounts(order)).toEqual(expectedNet(ref));
  expect(
    order.line_items.map((l: any) => [
      l.gross_money.amount,
      l.discount_money.amount,
      l.tax_money.amount,
      l.total_money.amount,
    ]),
  ).toEqual(ref.lines.map((l) => [l.gross, l.discount, l.tax, l.total].map(Number)));
  expect(order.coupons.map((c: any) => c.discount_money.amount)).toEqual(
    ref.couponDiscounts.map(Number),
  );
  const taxes = Object.fromEntries(
    order.taxes.map((t: any) => [t.tax_rate_id, t.amount_money.amount]),
  );
  expect(taxes).toEqual(
    Object.fromEntries([...ref.rateAmounts].map(([id, amount]) => [id, Number(amount)])),
  );
  const bases = Object.fromEntries(
    order.taxes.map((t: any) => [t.tax_rate_id, t.taxable_money.amount]),
  );
  expect(bases).toEqual(
    Object.fromEntries([...ref.rateBases].map(([id, base]) => [id, Number(base)])),
  );

  // Invariants: the parts sum to the whole; one currency throughout.
  const lineSum = (field: string) =>
    order.line_items.reduce((n: number, l: any) => n + l[field].amount, 0);
  expect(lineSum('discount_money')).toBe(order.net_amounts.discount_money.amount);
  expect(lineSum('tax_money') + Number(ref.shippingTax)).toBe(order.net_amounts.tax_money.amount);
  for (const line of order.line_items) {
    const applied = line.applied_discounts.reduce(
      (n: number, d: any) => n + d.amount_money.amount,
      0,
    );
    expect(applied).toBe(line.discount_money.amount);
    const taxed = line.applied_taxes.reduce((n: number, t: any) => n + t.amount_money.amount, 0);
    expect(taxed).toBe(line.tax_money.amount);
  }
  const monies = moneyObjects(order);
  expect(monies.length).toBeGreaterThanOrEqual(9 + 5 * order.line_items.length);
  for (const m of monies) {
    expect(m.currency).toBe(currency);
    expect(Number.isSafeInteger(m.amount)).toBe(true);
  }
}

async function post(key: string, path: string, body?: unknown) {
  return request(server, 'POST', path, { key, body });
}

async function createOrder(key: string, order: Record<string, unknown>) {
  const res = await post(key, '/v1/orders', { order });
  expect(res.status, res.text).toBe(200);
  return res.body.order;
}

async function getOrder(key: string, id: string) {
  const res = await request(server, 'GET', `/v1/orders/${id}`, { key });
  expect(res.status, res.text).toBe(200);
  return res.body.order;
}

async function taxRate(key: string, percentage: string, inclusive: boolean, isDefault: boolean) {
  return (
    await create(server, key, 'tax_rates', 'tax_rate', {
      display_name: `${percentage}%${inclusive ? ' incl.' : ''}`,
      percentage,
      inclusive,
      default: isDefault,
    })
  ).tax_rate_id as string;
}

async function product(key: string, name = 'Widget') {
  return (await create(server, key, 'products', 'product', { name })).product_id as string;
}

async function price(key: string, productId: string, unitAmount: number, currency: string) {
  return (
    await create(server, key, 'prices', 'price', {
      product_id: productId,
      unit_amount: unitAmount,
      currency,
    })
  ).price_id as string;
}

let codes = 0;
async function coupon(key: string, fields: Record<string, unknown>) {
  codes += 1;
  const code = `P${codes}_${Math.random().toString(36).slice(2, 8)}`;
  await create(server, key, 'coupons', 'coupon', { code, ...fields });
  return code;
}

async function taxShipping(key: string) {
  const res = await request(server, 'PATCH', '/v1/account', {
    key: liveKeyOf(key),
    body: { account: { tax_shipping: true } },
  });
  expect(res.status, res.text).toBe(200);
  expect(res.body.account.tax_shipping).toBe(true);
}

const adhoc = (unit: number, quantity = 1, extra: Record<string, unknown> = {}) => ({
  name: `Item ${unit}×${quantity}`,
  quantity,
  unit_price_money: { amount: unit },
  ...extra,
});

// ---------------------------------------------------------------------------------
// Worked examples (numbers computed by hand from §2)
// ---------------------------------------------------------------------------------

describe('totals: worked examples', () => {
  it('rounds tax once per rate on the order, then apportions it (no per-line drift)', async () => {
    const { testKey: key } = await createTestAccount(server);
    const rate = await taxRate(key, '8.875', false, true);
    const order = await createOrder(key, {
      currency: 'USD',
      line_items: [adhoc(333), adhoc(333), adhoc(334)],
    });
    // 8.875 % of 1000 = 88.75 → 89 (per-line rounding would give 30 + 30 + 30 = 90).
    expect(amounts(order)).toMatchObject({
      subtotal_money: 1000,
      tax_money: 89,
      total_money: 1089,
    });
    // 89 × 333/1000 = 29.637, 29.637, 89 × 334/1000 = 29.726: the two units left go to the
    // largest remainders (line 3, then line 1 before line 2 on the tie).
    expect(order.line_items.map((l: any) => l.tax_money.amount)).toEqual([30, 29, 30]);
    expect(order.line_items.map((l: any) => l.applied_taxes)).toEqual(
      [30, 29, 30].map((amount) => [
        { tax_rate_id: rate, amount_money: { amount, currency: 'USD' } },
      ]),
    );
    expect(order.taxes).toEqual([
      {
        tax_rate_id: rate,
        display_name: '8.875%',
        percentage: '8.875',
        inclusive: false,
        taxable_money: { amount: 1000, currency: 'USD' },
        amount_money: { amount: 89, currency: 'USD' },
      },
    ]);
  });

  it('rounds half up: 0.5 % of 100 is 1, 12.5 % of 1004 is 126', async () => {
    const { testKey: key } = await createTestAccount(server);
    await taxRate(key, '0.5', false, true);
    const code = await coupon(key, { percent_off: '12.5' });
    const taxOnly = await createOrder(key, { line_items: [adhoc(100)] });
    expect(amounts(taxOnly)).toMatchObject({ tax_money: 1, total_money: 101 });
    const discounted = await createOrder(key, {
      line_items: [adhoc(1004, 1, { tax_exempt: true })],
      coupon_codes: [code],
    });
    expect(amounts(discounted)).toMatchObject({
      discount_money: 126,
      tax_money: 0,
      total_money: 878,
    });
  });

  it('extracts inclusive tax without adding it (JPY); exempt lines carry none', async () => {
    const { testKey: key } = await createTestAccount(server);
    const rate = await taxRate(key, '10', true, true);
    const order = await createOrder(key, {
      currency: 'jpy',
      line_items: [adhoc(1100, 3), adhoc(500, 1, { tax_exempt: true })],
    });
    expect(order.currency).toBe('JPY');
    expect(amounts(order)).toMatchObject({
      subtotal_money: 3800,
      tax_money: 300,
      total_money: 3800,
    });
    expect(order.line_items.map((l: any) => [l.tax_money.amount, l.total_money.amount])).toEqual([
      [300, 3300],
      [0, 500],
    ]);
    expect(order.line_items[1].tax_rate_ids).toEqual([]);
    expect(order.line_items[1].tax_exempt).toBe(true);
    expect(order.taxes.map((t: any) => [t.tax_rate_id, t.inclusive])).toEqual([[rate, true]]);
  });

  it('applies an inclusive and an exclusive rate to the same line independently', async () => {
    const { testKey: key } = await createTestAccount(server);
    await taxRate(key, '20', true, true);
    await taxRate(key, '8', false, true);
    const order = await createOrder(key, { currency: 'EUR', line_items: [adhoc(10000)] });
    // 10000 × 20/120 = 1666.67 → 1667 contained; 8 % of 10000 = 800 added.
    expect(amounts(order)).toMatchObject({ tax_money: 2467, total_money: 10800 });
    expect(order.line_items[0].total_money).toEqual({ amount: 10800, currency: 'EUR' });
  });

  it('taxes shipping at the default rates when the account says so; never the tip (KWD)', async () => {
    const { testKey: key } = await createTestAccount(server);
    await taxShipping(key);
    await taxRate(key, '5', false, true);
    const order = await createOrder(key, {
      currency: 'KWD',
      line_items: [adhoc(10000)],
      shipping_money: { amount: 2000, currency: 'kwd' },
      tip_money: { amount: 1500 },
    });
    // 5 % of (10000 + 2000) = 600: 500 on the line, 100 on shipping; the tip adds untaxed.
    expect(amounts(order)).toMatchObject({
      subtotal_money: 10000,
      tax_money: 600,
      shipping_money: 2000,
      tip_money: 1500,
      total_money: 14100,
    });
    expect(order.line_items[0].tax_money.amount).toBe(500);
    expect(order.taxes[0].taxable_money.amount).toBe(12000);
  });

  it('does not tax shipping when the account does not', async () => {
    const { testKey: key } = await createTestAccount(server);
    await taxRate(key, '5', false, true);
    const order = await createOrder(key, {
      currency: 'KWD',
      line_items: [adhoc(10000)],
      shipping_money: { amount: 2000 },
    });
    expect(amounts(order)).toMatchObject({ tax_money: 500, total_money: 12500 });
  });

  it('stacks coupons in order, each on what remains of its own lines', async () => {
    const { testKey: key } = await createTestAccount(server);
    const productA = await product(key, 'A');
    const priceA = await price(key, productA, 5000, 'USD');
    const first = await coupon(key, { percent_off: '10' });
    const second = await coupon(key, {
      amount_off: 1000,
      currency: 'usd',
      stackable: true,
      applies_to: { products: [productA] },
    });
    const third = await coupon(key, { percent_off: '25', stackable: true });
    const order = await createOrder(key, {
      line_items: [{ price_id: priceA, quantity: 1 }, adhoc(3000)],
      coupon_codes: [first, second, third],
    });
    // 10 % of 8000 = 800 (500 + 300); 1000 off A's remaining 4500; 25 % of 3500 + 2700 = 1550
    // (875 + 675).
    expect(order.coupons.map((c: any) => [c.code, c.discount_money.amount])).toEqual([
      [first, 800],
      [second, 1000],
      [third, 1550],
    ]);
    expect(order.line_items.map((l: any) => l.discount_money.amount)).toEqual([2375, 975]);
    expect(order.line_items[0].applied_discounts.map((d: any) => d.amount_money.amount)).toEqual([
      500, 1000, 875,
    ]);
    expect(amounts(order)).toMatchObject({ discount_money: 3350, total_money: 4650 });
  });

  it('caps a fixed coupon at what it applies to, and breaks remainder ties to the earlier line', async () => {
    const { testKey: key } = await createTestAccount(server);
    const big = await coupon(key, { amount_off: 10000, currency: 'USD' });
    const capped = await createOrder(key, {
      line_items: [adhoc(2500)],
      shipping_money: { amount: 700 },
      coupon_codes: [big],
    });
    expect(amounts(capped)).toMatchObject({ discount_money: 2500, total_money: 700 });
    const one = await coupon(key, { amount_off: 1, currency: 'USD' });
    const tied = await createOrder(key, {
      line_items: [adhoc(100), adhoc(100)],
      coupon_codes: [one],
    });
    expect(tied.line_items.map((l: any) => l.discount_money.amount)).toEqual([1, 0]);
    const two = await coupon(key, { amount_off: 2, currency: 'USD' });
    const threeWay = await createOrder(key, {
      line_items: [adhoc(100), adhoc(100), adhoc(100)],
      coupon_codes: [two],
    });
    expect(threeWay.line_items.map((l: any) => l.discount_money.amount)).toEqual([1, 1, 0]);
  });
});

// ---------------------------------------------------------------------------------
// Generated orders against the reference
// ---------------------------------------------------------------------------------

const CURRENCIES = ['USD', 'JPY', 'KWD'] as const;
const PERCENTAGES = ['0', '0.5', '5', '7.25', '8', '8.875', '10', '12.3456', '20', '25'];
const PERCENT_OFF = ['0.01', '10', '12.5', '15', '33.3333', '50', '99.99', '100'];

const amountArb = fc.oneof(
  fc.integer({ min: 0, max: 999 }),
  fc.integer({ min: 0, max: 1_000_000 }),
  fc.integer({ min: 0, max: 50_000_000 }),
);
const lineArb = fc.record({
  kind: fc.constantFrom('adhoc', 'adhoc_product', 'price'),
  product: fc.nat(1),
  unit: amountArb,
  quantity: fc.oneof(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 100 })),
  tax: fc.constantFrom('default', 'default', 'override', 'exempt'),
  override: fc.array(fc.nat(2), { maxLength: 4 }),
});
const couponArb = fc.record({
  kind: fc.constantFrom('percent', 'amount'),
  percentOff: fc.constantFrom(...PERCENT_OFF),
  amountOff: fc.oneof(fc.integer({ min: 1, max: 500 }), fc.integer({ min: 1, max: 5_000_000 })),
  stackable: fc.boolean(),
  appliesTo: fc.option(fc.subarray([0, 1], { minLength: 1 }), { nil: null }),
});
const scenarioArb = fc.record({
  currency: fc.constantFrom(...CURRENCIES),
  lowerCase: fc.boolean(),
  taxShipping: fc.boolean(),
  rates: fc.array(
    fc.record({
      percentage: fc.constantFrom(...PERCENTAGES),
      inclusive: fc.boolean(),
      isDefault: fc.boolean(),
    }),
    { maxLength: 3 },
  ),
  lines: fc.array(lineArb, { minLength: 1, maxLength: 6 }),
  coupons: fc.array(couponArb, { maxLength: 3 }),
  couponsVia: fc.constantFrom('create', 'apply'),
  shipping: fc.option(amountArb, { nil: null }),
  tip: fc.option(amountArb, { nil: null }),
});
type Scenario = typeof scenarioArb extends fc.Arbitrary<infer T> ? T : never;

/** Creates the catalog and the order through the API; returns the order and its reference. */
async function run(s: Scenario) {
  const { testKey: key } = await createTestAccount(server);
  const currency = s.currency;
  const wire = s.lowerCase ? currency.toLowerCase() : currency;
  if (s.taxShipping) await taxShipping(key);
  const rates = new Map<string, RefRate>();
  const rateIds: string[] = [];
  const defaults: string[] = [];
  for (const r of s.rates) {
    const id = await taxRate(key, r.percentage, r.inclusive, r.isDefault);
    rates.set(id, { percentage: r.percentage, inclusive: r.inclusive });
    rateIds.push(id);
    if (r.isDefault) defaults.push(id);
  }
  const products = [await product(key, 'Product A'), await product(key, 'Product B')];

  const lineInputs: Record<string, unknown>[] = [];
  const refLines: RefLine[] = [];
  for (const [i, l] of s.lines.entries()) {
    const productId = products[l.product] as string;
    let input: Record<string, unknown>;
    if (l.kind === 'price') {
      input = { price_id: await price(key, productId, l.unit, wire), quantity: l.quantity };
    } else if (l.kind === 'adhoc_product') {
      input = { product_id: productId, quantity: l.quantity, unit_price_money: { amount: l.unit } };
    } else {
      input = {
        name: `Line ${i}`,
        quantity: l.quantity,
        unit_price_money: { amount: l.unit, currency: wire },
      };
    }
    let lineRates: string[] = defaults;
    if (l.tax === 'exempt') {
      input.tax_exempt = true;
      lineRates = [];
    } else if (l.tax === 'override') {
      const chosen = rateIds.length
        ? l.override.map((k) => rateIds[k % rateIds.length] as string)
        : [];
      input.tax_rate_ids = chosen;
      lineRates = [...new Set(chosen)];
    }
    lineInputs.push(input);
    refLines.push({
      unit: BigInt(l.unit),
      quantity: BigInt(l.quantity),
      productId: l.kind === 'adhoc' ? null : productId,
      rateIds: lineRates,
    });
  }

  // At most one non-stackable coupon per order: later ones become stackable.
  let nonStackableSeen = false;
  const codes: string[] = [];
  const refCoupons: RefCoupon[] = [];
  for (const c of s.coupons) {
    const stackable = c.stackable || nonStackableSeen;
    if (!stackable) nonStackableSeen = true;
    const appliesTo = c.appliesTo ? c.appliesTo.map((k) => products[k] as string) : null;
    const terms =
      c.kind === 'percent'
        ? { percent_off: c.percentOff }
        : { amount_off: c.amountOff, currency: wire };
    codes.push(
      await coupon(key, {
        ...terms,
        stackable,
        ...(appliesTo ? { applies_to: { products: appliesTo } } : {}),
      }),
    );
    refCoupons.push(
      c.kind === 'percent'
        ? { kind: 'percent', percentOff: c.percentOff, appliesTo }
        : { kind: 'amount', amountOff: BigInt(c.amountOff), appliesTo },
    );
  }

  const created = await createOrder(key, {
    currency: wire,
    line_items: lineInputs,
    ...(s.shipping !== null ? { shipping_money: { amount: s.shipping } } : {}),
    ...(s.tip !== null ? { tip_money: { amount: s.tip, currency: wire } } : {}),
    ...(s.couponsVia === 'create' && codes.length ? { coupon_codes: codes } : {}),
  });
  const base = {
    lines: refLines,
    rates,
    shipping: BigInt(s.shipping ?? 0),
    shippingRateIds: s.taxShipping ? defaults : [],
    tip: BigInt(s.tip ?? 0),
  };
  let order = created;
  if (s.couponsVia === 'apply') {
    expectMatchesReference(created, referenceTotals({ ...base, coupons: [] }), currency);
    for (const [k, code] of codes.entries()) {
      const applied = await post(key, `/v1/orders/${created.order_id}/coupons`, {
        coupon_code: code,
      });
      expect(applied.status, applied.text).toBe(200);
      order = applied.body.order;
      const partial = referenceTotals({ ...base, coupons: refCoupons.slice(0, k + 1) });
      expectMatchesReference(order, partial, currency);
    }
  }
  const ref = referenceTotals({ ...base, coupons: refCoupons });
  expectMatchesReference(order, ref, currency);
  expect(order.coupons.map((c: any) => c.code)).toEqual(codes);
  expect(await getOrder(key, order.order_id)).toEqual(order);
  const withAmounts = (shipping: number, tip: number) =>
    referenceTotals({ ...base, shipping: BigInt(shipping), tip: BigInt(tip), coupons: refCoupons });
  return { key, order, currency, withAmounts };
}

describe('totals: generated orders against the reference', () => {
  it('match the reference exactly in USD, JPY and KWD', { timeout: 300_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (s) => {
        await run(s);
      }),
      { numRuns: 25 },
    );
  });

  it('recompute to the reference after a PATCH of shipping and tip', {
    timeout: 300_000,
  }, async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, amountArb, amountArb, async (s, shipping, tip) => {
        const { key, order, currency, withAmounts } = await run({ ...s, couponsVia: 'create' });
        const patched = await request(server, 'PATCH', `/v1/orders/${order.order_id}`, {
          key,
          body: { order: { shipping_money: { amount: shipping }, tip_money: { amount: tip } } },
        });
        expect(patched.status, patched.text).toBe(200);
        const after = patched.body.order;
        expect(after.version).toBe(order.version + 1);
        expect(after.line_items.map((l: any) => l.line_item_id)).toEqual(
          order.line_items.map((l: any) => l.line_item_id),
        );
        expectMatchesReference(after, withAmounts(shipping, tip), currency);
        expect(await getOrder(key, order.order_id)).toEqual(after);
      }),
      { numRuns: 10 },
    );
  });
});
