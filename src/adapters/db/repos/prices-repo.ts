import type { Kysely } from 'kysely';
import type { Tenant } from '../../../domain/tenant.js';
import { fetchPage, type Page, type PageRequest } from '../pagination.js';
import type { Database, PriceRow } from '../schema.js';
import { scoped } from '../scoped.js';

export async function insertPrice(db: Kysely<Database>, row: PriceRow): Promise<void> {
  await db
    .insertInto('prices')
    .values({ ...row, metadata: JSON.stringify(row.metadata) })
    .execute();
}

function prices(db: Kysely<Database>, scope: Tenant) {
  return db.selectFrom('prices').selectAll().$call(scoped(scope));
}

export async function selectPriceById(
  db: Kysely<Database>,
  scope: Tenant,
  id: string,
): Promise<PriceRow | undefined> {
  return prices(db, scope).where('id', '=', id).executeTakeFirst();
}

/** Reads a price and locks its row until the transaction ends. */
export async function lockPriceById(
  db: Kysely<Database>,
  scope: Tenant,
  id: string,
): Promise<PriceRow | undefined> {
  return prices(db, scope).where('id', '=', id).forNoKeyUpdate().executeTakeFirst();
}

/** Only these change: amount, currency, product and recurrence are immutable. */
export type PriceChanges = Partial<Pick<PriceRow, 'active' | 'metadata'>> &
  Pick<PriceRow, 'updated_at'>;

export async function updatePrice(
  db: Kysely<Database>,
  scope: Tenant,
  id: string,
  changes: PriceChanges,
): Promise<void> {
  const { metadata, ...rest } = changes;
  await db
    .updateTable('prices')
    .set(metadata === undefined ? rest : { ...rest, metadata: JSON.stringify(metadata) })
    .$call(scoped(scope))
    .where('id', '=', id)
    .execute();
}

export interface PriceFilter {
  readonly productId?: string | undefined;
  readonly active?: boolean | undefined;
  /** Upper-case ISO 4217. */
  readonly currency?: string | undefined;
}

export async function listPrices(
  db: Kysely<Database>,
  scope: Tenant,
  filter: PriceFilter,
  page: PageRequest,
): Promise<Page<PriceRow>> {
  let query = prices(db, scope);
  if (filter.productId !== undefined) query = query.where('product_id', '=', filter.productId);
  if (filter.active !== undefined) query = query.where('active', '=', filter.active);
  if (filter.currency !== undefined) query = query.where('currency', '=', filter.currency);
  return fetchPage(query, 'id', page);
}
