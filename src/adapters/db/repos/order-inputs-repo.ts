import type { Kysely } from 'kysely';
import type { Tenant } from '../../../domain/tenant.js';
import type { Database, PriceRow, ProductRow, TaxRateRow } from '../schema.js';

// Batch look-ups of what an order draws on (catalog, tax rates, coupons), always
// within the caller's account and mode.

export async function selectProductsByIds(
  db: Kysely<Database>,
  tenant: Tenant,
  ids: readonly string[],
): Promise<ProductRow[]> {
  if (ids.length === 0) return [];
  return db
    .selectFrom('products')
    .selectAll()
    .where('account_id', '=', tenant.accountId)
    .where('mode', '=', tenant.mode)
    .where('id', 'in', [...ids])
    .execute();
}

export async function selectPricesByIds(
  db: Kysely<Database>,
  tenant: Tenant,
  ids: readonly string[],
): Promise<PriceRow[]> {
  if (ids.length === 0) return [];
  return db
    .selectFrom('prices')
    .selectAll()
    .where('account_id', '=', tenant.accountId)
    .where('mode', '=', tenant.mode)
    .where('id', 'in', [...ids])
    .execute();
}

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
    .where('account_id', '=', tenant.accountId)
    .where('mode', '=', tenant.mode)
    .where('product_id', 'in', [...productIds])
    .where('currency', '=', currency)
    .where('active', '=', true)
    .orderBy('product_id')
    .orderBy('id', 'desc')
    .execute();
}

export async function selectTaxRatesByIds(
  db: Kysely<Database>,
  tenant: Tenant,
  ids: readonly string[],
): Promise<TaxRateRow[]> {
  if (ids.length === 0) return [];
  return db
    .selectFrom('tax_rates')
    .selectAll()
    .where('account_id', '=', tenant.accountId)
    .where('mode', '=', tenant.mode)
    .where('id', 'in', [...ids])
    .execute();
}
