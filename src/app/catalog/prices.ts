import type { Page } from '../../adapters/db/pagination.js';
import {
  insertPrice,
  listPrices as listPriceRows,
  lockPriceById,
  selectPriceById,
  updatePrice as updatePriceRow,
} from '../../adapters/db/repos/prices-repo.js';
import { selectProductById } from '../../adapters/db/repos/products-repo.js';
import type { PriceRow, RecurringInterval } from '../../adapters/db/schema.js';
import { transact } from '../../adapters/db/transact.js';
import { normalizeCurrency } from '../../domain/currency.js';
import { fail, missing, ok, type Result } from '../../domain/errors.js';
import { type Metadata, withoutEmptyValues } from '../../domain/metadata.js';
import type { Tenant } from '../../domain/tenant.js';
import type { ListInput, TenantContext } from '../shared/command-context.js';
import type { Deps } from '../shared/deps.js';
import { newOwnedRow } from '../shared/ids.js';
import { readById } from '../shared/reads.js';
import { given, type MetadataUpdate, updateById } from '../shared/updates.js';

export interface CreatePriceInput {
  readonly product_id: string;
  readonly unit_amount: number;
  readonly currency: string;
  readonly recurring?:
    | { readonly interval: RecurringInterval; readonly interval_count?: number | undefined }
    | undefined;
  readonly active?: boolean | undefined;
  readonly metadata?: Metadata | undefined;
}

/** Amount, currency, product and recurrence are immutable, as in Stripe: make a new price. */
export interface UpdatePriceInput extends MetadataUpdate {
  readonly active?: boolean | undefined;
}

export interface PriceListFilter {
  readonly product?: string | undefined;
  readonly active?: boolean | undefined;
  /** ISO 4217 in either case. */
  readonly currency?: string | undefined;
}

function unknownCurrency(currency: string, loc: readonly string[]) {
  return fail({ code: 'parameter_invalid', message: `Unknown currency: ${currency}`, loc });
}

export async function createPrice(
  deps: Deps,
  tenant: Tenant,
  input: CreatePriceInput,
): Promise<Result<PriceRow>> {
  const currency = normalizeCurrency(input.currency);
  if (!currency) return unknownCurrency(input.currency, ['price', 'currency']);
  return transact(deps.db, async (tx) => {
    // Products are never deleted, so one that exists now still exists at commit.
    const product = await selectProductById(tx, tenant, input.product_id);
    if (!product) return fail({ ...missing('product'), loc: ['price', 'product_id'] });
    const now = deps.clock.now();
    const row: PriceRow = {
      ...newOwnedRow('price', tenant),
      product_id: product.id,
      unit_amount: input.unit_amount,
      currency,
      recurring_interval: input.recurring?.interval ?? null,
      recurring_interval_count: input.recurring ? (input.recurring.interval_count ?? 1) : null,
      active: input.active ?? true,
      metadata: withoutEmptyValues(input.metadata ?? {}),
      created_at: now,
      updated_at: now,
    };
    await insertPrice(tx, row);
    return ok(row);
  });
}

export const getPrice = readById('price', selectPriceById);

export async function listPrices(
  { deps, tenant }: TenantContext,
  { filter, page }: ListInput<PriceListFilter>,
): Promise<Result<Page<PriceRow>>> {
  let currency: string | undefined;
  if (filter.currency !== undefined) {
    const normalized = normalizeCurrency(filter.currency);
    if (!normalized) return unknownCurrency(filter.currency, ['currency']);
    currency = normalized;
  }
  return ok(
    await listPriceRows(
      deps.db,
      tenant,
      { productId: filter.product, active: filter.active, currency },
      page,
    ),
  );
}

export const updatePrice = updateById({
  name: 'price',
  lock: lockPriceById,
  apply: (current: PriceRow, input: UpdatePriceInput) => ok(given(current, input, ['active'])),
  write: updatePriceRow,
});
