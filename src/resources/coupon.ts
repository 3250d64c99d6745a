import type { CouponRow } from '../adapters/db/schema.js';
import { isCouponValid } from '../domain/coupons.js';
import { modeAndTimes } from './object-times.js';

/** A coupon as the API and its events show it; `valid` as of `now`. */
export function couponResource(row: CouponRow, now: Date) {
  return {
    coupon_id: row.id,
    object: 'coupon' as const,
    code: row.code,
    name: row.name,
    percent_off: row.percent_off,
    amount_off: row.amount_off,
    currency: row.currency,
    max_redemptions: row.max_redemptions,
    times_redeemed: row.times_redeemed,
    redeem_by: row.redeem_by === null ? null : row.redeem_by.toISOString(),
    min_subtotal: row.min_subtotal,
    applies_to: row.applies_to === null ? null : { products: row.applies_to },
    stackable: row.stackable,
    active: row.active,
    valid: isCouponValid(row, now),
    metadata: row.metadata,
    ...modeAndTimes(row),
  };
}
