import type { Kysely } from 'kysely';
import {
  insertCoupon,
  isCouponCodeTaken,
  listCoupons as listCouponRows,
  lockCouponById,
  selectCouponById,
  updateCoupon as updateCouponRow,
} from '../../adapters/db/repos/coupons-repo.js';
import { selectExistingProductIds } from '../../adapters/db/repos/products-repo.js';
import type { CouponRow, Database } from '../../adapters/db/schema.js';
import { transact } from '../../adapters/db/transact.js';
import { normalizeCurrency } from '../../domain/currency.js';
import { type Failure, fail, missing, ok, type Result } from '../../domain/errors.js';
import { type Metadata, updatedMetadata, withoutEmptyValues } from '../../domain/metadata.js';
import { parsePercentage } from '../../domain/percentage.js';
import type { Tenant } from '../../domain/tenant.js';
import type { TenantContext, Update } from '../shared/command-context.js';
import type { Deps } from '../shared/deps.js';
import { newId } from '../shared/ids.js';
import { readById, readPage } from '../shared/reads.js';

export interface CreateCouponInput {
  readonly code: string;
  readonly name?: string | null | undefined;
  /** A decimal string, 0 < p ≤ 100; exclusive with amount_off. */
  readonly percent_off?: string | undefined;
  readonly amount_off?: number | undefined;
  readonly currency?: string | undefined;
  readonly max_redemptions?: number | undefined;
  /** RFC 3339; must be in the future. */
  readonly redeem_by?: string | undefined;
  readonly min_subtotal?: number | undefined;
  readonly applies_to?: { readonly products: readonly string[] } | undefined;
  readonly stackable?: boolean | undefined;
  readonly metadata?: Metadata | undefined;
}

/** A coupon's terms are immutable once issued (orders may carry it): only these change. */
export interface UpdateCouponInput {
  readonly name?: string | null | undefined;
  readonly active?: boolean | undefined;
  /** Merged into the current metadata; a key set to "" is removed. */
  readonly metadata?: Metadata | undefined;
}

function invalid(field: string, message: string): Failure {
  return { code: 'parameter_invalid', message, loc: ['coupon', field] };
}

type Discount = Pick<CouponRow, 'percent_off' | 'amount_off' | 'currency'>;

/** Exactly one of percent_off or amount_off (with its currency). */
function discountOf(input: CreateCouponInput): Result<Discount> {
  const { percent_off, amount_off, currency } = input;
  if (percent_off !== undefined && amount_off !== undefined) {
    return fail(invalid('amount_off', 'Pass percent_off or amount_off, not both'));
  }
  if (percent_off !== undefined) {
    if (currency !== undefined) {
      return fail(invalid('currency', 'currency goes only with amount_off'));
    }
    const percentage = parsePercentage(percent_off, { allowZero: false });
    if (!percentage) {
      return fail(
        invalid(
          'percent_off',
          'percent_off must be a decimal string above 0 and at most 100, with at most 4 decimals',
        ),
      );
    }
    return ok({ percent_off: percentage.text, amount_off: null, currency: null });
  }
  if (amount_off === undefined) {
    return fail(invalid('percent_off', 'Pass either percent_off or amount_off'));
  }
  if (currency === undefined) return fail(invalid('currency', 'amount_off needs a currency'));
  const code = normalizeCurrency(currency);
  if (!code) return fail(invalid('currency', `Unknown currency: ${currency}`));
  return ok({ percent_off: null, amount_off, currency: code });
}

function redeemByOf(input: CreateCouponInput, now: Date): Result<Date | null> {
  if (input.redeem_by === undefined) return ok(null);
  const at = new Date(input.redeem_by);
  if (Number.isNaN(at.getTime())) {
    return fail(invalid('redeem_by', 'redeem_by must be an RFC 3339 date-time'));
  }
  if (at <= now) return fail(invalid('redeem_by', 'redeem_by must be in the future'));
  return ok(at);
}

/** The index of the first id that is not a product of this tenant, or -1. */
async function firstForeignProduct(
  db: Kysely<Database>,
  tenant: Tenant,
  ids: readonly string[],
): Promise<number> {
  // Products are never deleted, so the ones found now still exist at commit.
  const found = await selectExistingProductIds(db, tenant, ids);
  return ids.findIndex((id) => !found.has(id));
}

export async function createCoupon(
  deps: Deps,
  tenant: Tenant,
  input: CreateCouponInput,
): Promise<Result<CouponRow>> {
  const discount = discountOf(input);
  if (!discount.ok) return discount;
  const now = deps.clock.now();
  const redeemBy = redeemByOf(input, now);
  if (!redeemBy.ok) return redeemBy;
  const products = input.applies_to ? [...new Set(input.applies_to.products)] : null;
  const row: CouponRow = {
    id: newId('cpn'),
    account_id: tenant.accountId,
    mode: tenant.mode,
    code: input.code,
    name: input.name ?? null,
    ...discount.value,
    max_redemptions: input.max_redemptions ?? null,
    times_redeemed: 0,
    redeem_by: redeemBy.value,
    min_subtotal: input.min_subtotal ?? null,
    applies_to: products,
    stackable: input.stackable ?? false,
    active: true,
    metadata: withoutEmptyValues(input.metadata ?? {}),
    created_at: now,
    updated_at: now,
  };
  try {
    return await transact(deps.db, async (tx) => {
      const foreign = await firstForeignProduct(tx, tenant, input.applies_to?.products ?? []);
      if (foreign >= 0) {
        return fail<CouponRow>({
          ...missing('product'),
          loc: ['coupon', 'applies_to', 'products', foreign],
        });
      }
      await insertCoupon(tx, row);
      return ok(row);
    });
  } catch (error) {
    // The unique index decides between concurrent creates, so exactly one wins.
    if (!isCouponCodeTaken(error)) throw error;
    return fail({
      code: 'resource_in_use',
      message: `A coupon with code ${input.code} already exists`,
      loc: ['coupon', 'code'],
    });
  }
}

export const getCoupon = readById('coupon', selectCouponById);

export const listCoupons = readPage(listCouponRows);

export async function updateCoupon(
  { deps, tenant }: TenantContext,
  { id, changes: input }: Update<UpdateCouponInput>,
): Promise<Result<CouponRow>> {
  return transact(deps.db, async (tx) => {
    const current = await lockCouponById(tx, tenant, id);
    if (!current) return fail(missing('coupon'));
    const merged = updatedMetadata(current.metadata, input.metadata, 'coupon');
    if (!merged.ok) return merged;
    const metadata = merged.value;
    const next: CouponRow = {
      ...current,
      name: input.name === undefined ? current.name : input.name,
      active: input.active ?? current.active,
      metadata,
      updated_at: deps.clock.now(),
    };
    await updateCouponRow(tx, tenant, id, {
      name: next.name,
      active: next.active,
      metadata: next.metadata,
      updated_at: next.updated_at,
    });
    return ok(next);
  });
}

/** Whether a coupon can be applied now: active, not past redeem_by, redemptions left. */
