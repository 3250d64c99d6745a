import type { Kysely } from 'kysely';
import {
  insertTaxRate,
  listTaxRates as listTaxRateRows,
  lockTaxRateById,
  selectDefaultTaxRates,
  selectTaxRateById,
  updateTaxRate as updateTaxRateRow,
} from '../../adapters/db/repos/tax-rates-repo.js';
import type { Database, TaxRateRow } from '../../adapters/db/schema.js';
import { fail, ok, type Result } from '../../domain/errors.js';
import { type Metadata, withoutEmptyValues } from '../../domain/metadata.js';
import { parsePercentage } from '../../domain/percentage.js';
import type { Tenant } from '../../domain/tenant.js';
import type { Deps } from '../shared/deps.js';
import { newOwnedRow } from '../shared/ids.js';
import { readById, readPage } from '../shared/reads.js';
import { given, type MetadataUpdate, updateById } from '../shared/updates.js';

export interface CreateTaxRateInput {
  readonly display_name: string;
  /** A decimal string, 0–100 with at most four decimals. */
  readonly percentage: string;
  readonly inclusive: boolean;
  readonly jurisdiction?: string | null | undefined;
  readonly default?: boolean | undefined;
  readonly active?: boolean | undefined;
  readonly metadata?: Metadata | undefined;
}

/** Percentage and inclusive are immutable: orders already taxed at a rate must not change. */
export interface UpdateTaxRateInput extends MetadataUpdate {
  readonly display_name?: string | undefined;
  readonly jurisdiction?: string | null | undefined;
  readonly default?: boolean | undefined;
  readonly active?: boolean | undefined;
}

export async function createTaxRate(
  deps: Deps,
  tenant: Tenant,
  input: CreateTaxRateInput,
): Promise<Result<TaxRateRow>> {
  const percentage = parsePercentage(input.percentage, { allowZero: true });
  if (!percentage) {
    return fail({
      code: 'parameter_invalid',
      message: 'percentage must be a decimal string from 0 to 100 with at most 4 decimals',
      loc: ['tax_rate', 'percentage'],
    });
  }
  const now = deps.clock.now();
  const row: TaxRateRow = {
    ...newOwnedRow('txr', tenant),
    display_name: input.display_name,
    percentage: percentage.text,
    inclusive: input.inclusive,
    jurisdiction: input.jurisdiction ?? null,
    is_default: input.default ?? false,
    active: input.active ?? true,
    metadata: withoutEmptyValues(input.metadata ?? {}),
    created_at: now,
    updated_at: now,
  };
  await insertTaxRate(deps.db, row);
  return ok(row);
}

export const getTaxRate = readById('tax rate', selectTaxRateById);

export const listTaxRates = readPage(listTaxRateRows);

/**
 * The rates a new order is taxed at unless its lines say otherwise: the account's
 * active default rates, oldest first. Pass `{ db: tx }` to read inside a transaction.
 */
export async function listDefaultTaxRates(
  deps: { readonly db: Kysely<Database> },
  tenant: Tenant,
): Promise<TaxRateRow[]> {
  return selectDefaultTaxRates(deps.db, tenant);
}

export const updateTaxRate = updateById({
  name: 'tax rate',
  lock: lockTaxRateById,
  apply: (current: TaxRateRow, input: UpdateTaxRateInput) =>
    ok({
      ...given(current, input, ['display_name', 'jurisdiction']),
      is_default: input.default ?? current.is_default,
      active: input.active ?? current.active,
    }),
  write: updateTaxRateRow,
});
