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
import { transact } from '../../adapters/db/transact.js';
import { fail, missing, ok, type Result } from '../../domain/errors.js';
import { type Metadata, updatedMetadata, withoutEmptyValues } from '../../domain/metadata.js';
import { parsePercentage } from '../../domain/percentage.js';
import type { Tenant } from '../../domain/tenant.js';
import type { TenantContext, Update } from '../shared/command-context.js';
import type { Deps } from '../shared/deps.js';
import { newId } from '../shared/ids.js';
import { readById, readPage } from '../shared/reads.js';

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
export interface UpdateTaxRateInput {
  readonly display_name?: string | undefined;
  readonly jurisdiction?: string | null | undefined;
  readonly default?: boolean | undefined;
  readonly active?: boolean | undefined;
  /** Merged into the current metadata; a key set to "" is removed. */
  readonly metadata?: Metadata | undefined;
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
    id: newId('txr'),
    account_id: tenant.accountId,
    mode: tenant.mode,
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

export async function updateTaxRate(
  { deps, tenant }: TenantContext,
  { id, changes: input }: Update<UpdateTaxRateInput>,
): Promise<Result<TaxRateRow>> {
  return transact(deps.db, async (tx) => {
    const current = await lockTaxRateById(tx, tenant, id);
    if (!current) return fail(missing('tax rate'));
    const merged = updatedMetadata(current.metadata, input.metadata, 'tax_rate');
    if (!merged.ok) return merged;
    const metadata = merged.value;
    const next: TaxRateRow = {
      ...current,
      display_name: input.display_name ?? current.display_name,
      jurisdiction: input.jurisdiction === undefined ? current.jurisdiction : input.jurisdiction,
      is_default: input.default ?? current.is_default,
      active: input.active ?? current.active,
      metadata,
      updated_at: deps.clock.now(),
    };
    await updateTaxRateRow(tx, tenant, id, {
      display_name: next.display_name,
      jurisdiction: next.jurisdiction,
      is_default: next.is_default,
      active: next.active,
      metadata: next.metadata,
      updated_at: next.updated_at,
    });
    return ok(next);
  });
}
