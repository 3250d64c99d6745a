import { type Kysely, sql } from 'kysely';
import type { Tenant } from '../../../domain/tenant.js';
import { rowsFromJson } from '../json-rows.js';
import type { AccountRow, CouponRow, Database, PriceRow, TaxRateRow } from '../schema.js';
import { scoped } from '../scoped.js';
import { tableRows } from '../table-rows.js';

// Batch look-ups of what an order draws on (catalog, tax rates, coupons), always
// within the caller's account and mode.

export const selectProductsByIds = tableRows('products', { json: ['metadata'] }).byIds;

export const selectPricesByIds = tableRows('prices', { json: ['metadata'] }).byIds;

/** The newest active one-off price of each product in a currency. */
export async function selectCurrentPrices(
  db: Kysely<Database>,
  tenant: Tenant,
  productIds: readonly string[],
  currency: string,
): Promise<PriceRow[]> {
  if (productIds.length === 0) return [];
  return db
    .selectFrom('prices')
    .selectAll()
    .distinctOn('product_id')
    .$call(scoped(tenant))
    .where('product_id', 'in', [...productIds])
    .where('currency', '=', currency)
    .where('active', '=', true)
    .orderBy('product_id')
    .orderBy('id', 'desc')
    .execute();
}

export const selectTaxRatesByIds = tableRows('tax_rates', { json: ['metadata'] }).byIds;

/** What every new order starts from, read in one statement. */
export interface OrderContext {
  readonly account: AccountRow;
  /** The account's active default tax rates, by id. */
  readonly defaultRates: TaxRateRow[];
  /** The coupon each code names (any case), in the order of the codes; undefined if none. */
  readonly coupons: (CouponRow | undefined)[];
}

/**
 * The account, its default tax rates and the coupons named by code, as one statement
 * (the parts as JSON columns, as the order aggregate is read).
 */
export async function selectOrderContext(
  db: Kysely<Database>,
  tenant: Tenant,
  couponCodes: readonly string[],
): Promise<OrderContext | undefined> {
  const codes = couponCodes.map((code, i) => sql`(${code}::text, ${i}::int)`);
  const coupons =
    codes.length === 0
      ? sql<unknown>`'[]'::json`
      : sql<unknown>`(select coalesce(json_agg(json_build_object('i', k.i, 'coupon', c)), '[]')
          from (values ${sql.join(codes)}) as k(code, i)
          join coupons c on c.account_id = accounts.id and c.mode = ${tenant.mode}
            and upper(c.code) = upper(k.code))`;
  const row = await db
    .selectFrom('accounts')
    .selectAll('accounts')
    .select([
      sql<unknown>`(select coalesce(json_agg(t order by t.id), '[]') from tax_rates t
        where t.account_id = accounts.id and t.mode = ${tenant.mode}
          and t.is_default and t.active)`.as('ctx_default_rates'),
      coupons.as('ctx_coupons'),
    ])
    .where('id', '=', tenant.accountId)
    .executeTakeFirst();
  if (!row) return undefined;
  const { ctx_default_rates, ctx_coupons, ...account } = row;
  const found = rowsFromJson<{ i: number; coupon: CouponRow }>(ctx_coupons, []);
  return {
    account,
    defaultRates: rowsFromJson<TaxRateRow>(ctx_default_rates, ['created_at', 'updated_at']),
    coupons: couponCodes.map((_, i) => {
      const coupon = found.find((f) => f.i === i)?.coupon;
      return (
        coupon && rowsFromJson<CouponRow>([coupon], ['redeem_by', 'created_at', 'updated_at'])[0]
      );
    }),
  };
}
