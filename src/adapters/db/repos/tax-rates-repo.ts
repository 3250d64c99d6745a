import type { Kysely } from 'kysely';
import type { Tenant } from '../../../domain/tenant.js';
import { fetchPage, type Page, type PageRequest } from '../pagination.js';
import type { Database, TaxRateRow } from '../schema.js';
import { scoped } from '../scoped.js';

export async function insertTaxRate(db: Kysely<Database>, row: TaxRateRow): Promise<void> {
  await db
    .insertInto('tax_rates')
    .values({ ...row, metadata: JSON.stringify(row.metadata) })
    .execute();
}

function taxRates(db: Kysely<Database>, scope: Tenant) {
  return db.selectFrom('tax_rates').selectAll().$call(scoped(scope));
}

export async function selectTaxRateById(
  db: Kysely<Database>,
  scope: Tenant,
  id: string,
): Promise<TaxRateRow | undefined> {
  return taxRates(db, scope).where('id', '=', id).executeTakeFirst();
}

/** Reads a tax rate and locks its row until the transaction ends. */
export async function lockTaxRateById(
  db: Kysely<Database>,
  scope: Tenant,
  id: string,
): Promise<TaxRateRow | undefined> {
  return taxRates(db, scope).where('id', '=', id).forNoKeyUpdate().executeTakeFirst();
}

/** The account's active default rates, oldest first (a stable order for orders to apply). */
export async function selectDefaultTaxRates(
  db: Kysely<Database>,
  scope: Tenant,
): Promise<TaxRateRow[]> {
  return taxRates(db, scope)
    .where('is_default', '=', true)
    .where('active', '=', true)
    .orderBy('id', 'asc')
    .execute();
}

/** Only these change: percentage and inclusive are immutable. */
export type TaxRateChanges = Partial<
  Pick<TaxRateRow, 'display_name' | 'jurisdiction' | 'is_default' | 'active' | 'metadata'>
> &
  Pick<TaxRateRow, 'updated_at'>;

export async function updateTaxRate(
  db: Kysely<Database>,
  scope: Tenant,
  id: string,
  changes: TaxRateChanges,
): Promise<void> {
  const { metadata, ...rest } = changes;
  await db
    .updateTable('tax_rates')
    .set(metadata === undefined ? rest : { ...rest, metadata: JSON.stringify(metadata) })
    .$call(scoped(scope))
    .where('id', '=', id)
    .execute();
}

export interface TaxRateFilter {
  readonly active?: boolean | undefined;
  readonly isDefault?: boolean | undefined;
}

export async function listTaxRates(
  db: Kysely<Database>,
  scope: Tenant,
  filter: TaxRateFilter,
  page: PageRequest,
): Promise<Page<TaxRateRow>> {
  let query = taxRates(db, scope);
  if (filter.active !== undefined) query = query.where('active', '=', filter.active);
  if (filter.isDefault !== undefined) query = query.where('is_default', '=', filter.isDefault);
  return fetchPage(query, 'id', page);
}
