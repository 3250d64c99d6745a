import { type Kysely, sql } from 'kysely';
import type { Tenant } from '../../../domain/tenant.js';
import { fetchPage, type Page, type PageRequest } from '../pagination.js';
import type { CouponRow, Database } from '../schema.js';
import { scoped } from '../scoped.js';
import { tableRows, type UpdateById } from '../table-rows.js';

/** The unique index on (account_id, mode, upper(code)) from migration 0002. */
const CODE_INDEX = 'coupons_account_mode_code';

const coupons = tableRows('coupons', { json: ['applies_to', 'metadata'] });

export const insertCoupon = coupons.insert;

/**
 * Whether a driver error is the unique violation of the coupon code index (pg and
 * PGlite both report SQLSTATE 23505; matched on `.code`, never with instanceof).
 */
export function isCouponCodeTaken(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, constraint } = error as { code?: unknown; constraint?: unknown };
  return code === '23505' && (constraint === undefined || constraint === CODE_INDEX);
}

// upper() on both sides, as the unique index does, so the comparison is the index's own.
function sameCode(code: string) {
  return sql<boolean>`upper(code) = upper(${code})`;
}

export const selectCouponById = coupons.byId;
/** Reads a coupon and locks its row until the transaction ends (redemptions count under it). */
export const lockCouponById = coupons.lockById;

/** The coupon with this code in any case (codes are unique per account and mode, ignoring case). */
export async function findCouponByCode(
  db: Kysely<Database>,
  scope: Tenant,
  code: string,
): Promise<CouponRow | undefined> {
  return coupons.rows(db, scope).where(sameCode(code)).executeTakeFirst();
}

/** Only these change: a coupon's terms are immutable once issued. */
export type CouponChanges = Partial<Pick<CouponRow, 'name' | 'active' | 'metadata'>> &
  Pick<CouponRow, 'updated_at'>;

export const updateCoupon: UpdateById<CouponChanges> = coupons.update;

export interface CouponFilter {
  readonly active?: boolean | undefined;
  /** Exact match in any case. */
  readonly code?: string | undefined;
}

export async function listCoupons(
  db: Kysely<Database>,
  scope: Tenant,
  filter: CouponFilter,
  page: PageRequest,
): Promise<Page<CouponRow>> {
  let query = coupons.rows(db, scope);
  if (filter.active !== undefined) query = query.where('active', '=', filter.active);
  if (filter.code !== undefined) {
    query = query.where(sameCode(filter.code));
  }
  return fetchPage(query, 'id', page);
}

/** Locks coupons (in id order) until the transaction ends. */
export const lockCouponsByIds = coupons.lockByIds;

/** Counts (or, with -1, gives back) a redemption; the caller holds the row lock. */
export async function adjustRedemptions(
  db: Kysely<Database>,
  id: string,
  delta: 1 | -1,
): Promise<void> {
  await db
    .updateTable('coupons')
    .set((eb) => ({ times_redeemed: eb('times_redeemed', '+', delta) }))
    .where('id', '=', id)
    .execute();
}

/**
 * Counts a redemption of each coupon (at least one) and returns the coupons as counted,
 * to run with other writes. The update takes the row locks itself, in no set order: for
 * several coupons, lock them first with `lockCouponsByIds` (id order), so that two
 * payments sharing coupons cannot deadlock. (Never lock a row twice in one statement, as
 * a locking subquery here would: under concurrent updates that deadlocks by itself.)
 */
export function redeemCouponsQuery(db: Kysely<Database>, scope: Tenant, ids: readonly string[]) {
  return db
    .updateTable('coupons')
    .set((eb) => ({ times_redeemed: eb('times_redeemed', '+', 1) }))
    .$call(scoped(scope))
    .where('id', 'in', [...ids])
    .returningAll();
}
