import { fail, ok, type Result } from './errors.js';
import type { Decimal } from './money.js';

/** What the rules need to know of a coupon. */
export interface CouponRules {
  readonly id: string;
  readonly code: string;
  readonly kind: 'percent' | 'amount';
  readonly percentOff: Decimal | null;
  readonly amountOff: number | null;
  readonly currency: string | null;
  readonly maxRedemptions: number | null;
  readonly timesRedeemed: number;
  readonly redeemBy: Date | null;
  readonly minSubtotal: number | null;
  readonly appliesTo: readonly string[] | null;
  readonly stackable: boolean;
  readonly active: boolean;
}

export interface CouponContext {
  readonly currency: string;
  readonly subtotal: number;
  /** Coupons already on the order, in the order they were added. */
  readonly applied: readonly CouponRules[];
  readonly now: Date;
}

const loc = ['coupon_code'];

/**
 * Whether a coupon may be on an order now: active, not past `redeem_by`, redemptions
 * left, the order's subtotal at least `min_subtotal`, same currency for fixed amounts,
 * not already applied, and at most one non-stackable coupon per order.
 */
export function checkCoupon(coupon: CouponRules, context: CouponContext): Result<void> {
  if (!coupon.active) {
    return fail({
      code: 'coupon_inactive',
      message: `Coupon ${coupon.code} is no longer active`,
      loc,
    });
  }
  if (coupon.redeemBy && context.now > coupon.redeemBy) {
    return fail({ code: 'coupon_expired', message: `Coupon ${coupon.code} has expired`, loc });
  }
  if (coupon.maxRedemptions !== null && coupon.timesRedeemed >= coupon.maxRedemptions) {
    return fail({
      code: 'coupon_exhausted',
      message: `Coupon ${coupon.code} has been redeemed the maximum number of times`,
      loc,
    });
  }
  if (coupon.kind === 'amount' && coupon.currency !== context.currency) {
    return fail({
      code: 'coupon_currency_mismatch',
      message: `Coupon ${coupon.code} is in ${coupon.currency}, the order in ${context.currency}`,
      loc,
    });
  }
  if (coupon.minSubtotal !== null && context.subtotal < coupon.minSubtotal) {
    return fail({
      code: 'coupon_minimum_not_met',
      message: `Coupon ${coupon.code} needs a subtotal of at least ${coupon.minSubtotal}`,
      loc,
      details: { min_subtotal: coupon.minSubtotal, subtotal: context.subtotal },
    });
  }
  const others = context.applied.filter((c) => c.id !== coupon.id);
  if (others.length < context.applied.length) {
    return fail({
      code: 'coupon_already_applied',
      message: `Coupon ${coupon.code} is already applied`,
      loc,
    });
  }
  if (!coupon.stackable && others.some((c) => !c.stackable)) {
    return fail({
      code: 'coupon_not_stackable',
      message: 'An order can have only one non-stackable coupon',
      loc,
    });
  }
  return ok(undefined);
}

/** What decides whether a coupon can still be redeemed (a coupon row has these fields). */
export interface CouponLimits {
  readonly active: boolean;
  readonly redeem_by: Date | null;
  readonly max_redemptions: number | null;
  readonly times_redeemed: number;
}

export function isCouponValid(coupon: CouponLimits, now: Date): boolean {
  const expired = coupon.redeem_by !== null && now > coupon.redeem_by;
  const exhausted =
    coupon.max_redemptions !== null && coupon.times_redeemed >= coupon.max_redemptions;
  return coupon.active && !expired && !exhausted;
}
