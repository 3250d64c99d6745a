import type { Kysely } from 'kysely';
import type { Tenant } from '../../../domain/tenant.js';
import type { Database, TaxRateRow } from '../schema.js';
import { type ListRows, tableRows, type UpdateById } from '../table-rows.js';

const taxRates = tableRows('tax_rates', {
  json: ['metadata'],
  filters: { active: 'active', isDefault: 'is_default' },
});

export const insertTaxRate = taxRates.insert;
export const selectTaxRateById = taxRates.byId;
/** Reads a tax rate and locks its row until the transaction ends. */
export const lockTaxRateById = taxRates.lockById;

/** The account's active default rates, oldest first (a stable order for orders to apply). */
export async function selectDefaultTaxRates(
  db: Kysely<Database>,
  scope: Tenant,
): Promise<TaxRateRow[]> {
  return taxRates
    .rows(db, scope)
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

export const updateTaxRate: UpdateById<TaxRateChanges> = taxRates.update;

export interface TaxRateFilter {
  readonly active?: boolean | undefined;
  readonly isDefault?: boolean | undefined;
}

export const listTaxRates: ListRows<TaxRateFilter, TaxRateRow> = taxRates.list;
