import { describe, expect, it } from 'vitest';
import { type CouponContext, type CouponRules, checkCoupon } from './coupons.js';

const now = new Date('2026-11-23T12:00:00Z');
const coupon = (overrides: Partial<CouponRules> = {}): CouponRules => ({
  id: 'cpn_1',
  code: 'LAUNCH20',
  kind: 'percent',
  percentOff: { units: 20n, scale: 0 },
  amountOff: null,
  currency: null,
  maxRedemptions: null,
  timesRedeemed: 0,
  redeemBy: null,
  minSubtotal: null,
  appliesTo: null,
  stackable: false,
  active: true,
  ...overrides,
});
const context = (overrides: Partial<CouponContext> = {}): CouponContext => ({
  currency: 'USD',
  subtotal: 12800,
  applied: [],
  now,
  ...overrides,
});
const codeOf = (c: CouponRules, ctx: CouponContext) => {
  const result = checkCoupon(c, ctx);
  return result.ok ? 'ok' : result.error.code;
};

describe('checkCoupon', () => {
  it('accepts a valid coupon', () => {
    expect(codeOf(coupon(), context())).toBe('ok');
  });

  it('names each reason a coupon cannot apply', () => {
    expect(codeOf(coupon({ active: false }), context())).toBe('coupon_inactive');
    expect(codeOf(coupon({ redeemBy: new Date('2026-11-23T11:59:59Z') }), context())).toBe(
      'coupon_expired',
    );
    expect(codeOf(coupon({ redeemBy: now }), context())).toBe('ok'); // redeemable up to the instant
    expect(codeOf(coupon({ maxRedemptions: 3, timesRedeemed: 3 }), context())).toBe(
      'coupon_exhausted',
    );
    expect(codeOf(coupon({ maxRedemptions: 3, timesRedeemed: 2 }), context())).toBe('ok');
    expect(codeOf(coupon({ minSubtotal: 12801 }), context())).toBe('coupon_minimum_not_met');
    expect(codeOf(coupon({ minSubtotal: 12800 }), context())).toBe('ok');
    expect(
      codeOf(
        coupon({ kind: 'amount', percentOff: null, amountOff: 500, currency: 'EUR' }),
        context(),
      ),
    ).toBe('coupon_currency_mismatch');
  });

  it('allows one non-stackable coupon per order, with any number of stackable ones', () => {
    const first = coupon({ id: 'cpn_a', code: 'A' });
    const stackable = coupon({ id: 'cpn_s', code: 'S', stackable: true });
    expect(codeOf(coupon({ id: 'cpn_b', code: 'B' }), context({ applied: [first] }))).toBe(
      'coupon_not_stackable',
    );
    expect(codeOf(stackable, context({ applied: [first] }))).toBe('ok');
    expect(codeOf(first, context({ applied: [stackable] }))).toBe('ok');
    expect(codeOf(first, context({ applied: [first] }))).toBe('coupon_already_applied');
  });
});
