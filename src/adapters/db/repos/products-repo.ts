import type { Kysely } from 'kysely';
import type { Tenant } from '../../../domain/tenant.js';
import { fetchPage, type Page, type PageRequest } from '../pagination.js';
import type { Database, ProductRow } from '../schema.js';
import { scoped } from '../scoped.js';

export async function insertProduct(db: Kysely<Database>, row: ProductRow): Promise<void> {
  await db
    .insertInto('products')
    .values({ ...row, metadata: JSON.stringify(row.metadata) })
    .execute();
}

function products(db: Kysely<Database>, scope: Tenant) {
  return db.selectFrom('products').selectAll().$call(scoped(scope));
}

export async function selectProductById(
  db: Kysely<Database>,
  scope: Tenant,
  id: string,
): Promise<ProductRow | undefined> {
  return products(db, scope).where('id', '=', id).executeTakeFirst();
}

/** Reads a product and locks its row until the transaction ends. */
export async function lockProductById(
  db: Kysely<Database>,
  scope: Tenant,
  id: string,
): Promise<ProductRow | undefined> {
  return products(db, scope).where('id', '=', id).forNoKeyUpdate().executeTakeFirst();
}

/** The ids among `ids` that are products of this account and mode. */
export async function selectExistingProductIds(
  db: Kysely<Database>,
  scope: Tenant,
  ids: readonly string[],
): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db
    .selectFrom('products')
    .select('id')
    .$call(scoped(scope))
    .where('id', 'in', [...ids])
    .execute();
  return new Set(rows.map((r) => r.id));
}

export type ProductChanges = Partial<
  Pick<
    ProductRow,
    'name' | 'description' | 'active' | 'inventory_tracked' | 'inventory_quantity' | 'metadata'
  >
> &
  Pick<ProductRow, 'updated_at'>;

export async function updateProduct(
  db: Kysely<Database>,
  scope: Tenant,
  id: string,
  changes: ProductChanges,
): Promise<void> {
  const { metadata, ...rest } = changes;
  await db
    .updateTable('products')
    .set(metadata === undefined ? rest : { ...rest, metadata: JSON.stringify(metadata) })
    .$call(scoped(scope))
    .where('id', '=', id)
    .execute();
}

export interface ProductFilter {
  readonly active?: boolean | undefined;
}

export async function listProducts(
  db: Kysely<Database>,
  scope: Tenant,
  filter: ProductFilter,
  page: PageRequest,
): Promise<Page<ProductRow>> {
  let query = products(db, scope);
  if (filter.active !== undefined) query = query.where('active', '=', filter.active);
  return fetchPage(query, 'id', page);
}

/** Locks products (in id order, so concurrent payers never deadlock) until the transaction ends. */
export async function lockProductsByIds(
  db: Kysely<Database>,
  scope: Tenant,
  ids: readonly string[],
): Promise<ProductRow[]> {
  if (ids.length === 0) return [];
  return db
    .selectFrom('products')
    .selectAll()
    .$call(scoped(scope))
    .where('id', 'in', [...ids])
    .orderBy('id')
    .forNoKeyUpdate()
    .execute();
}

/** Moves tracked stock by `delta` (negative to sell); the caller holds the row lock. */
export async function adjustInventory(
  db: Kysely<Database>,
  id: string,
  delta: number,
): Promise<void> {
  await adjustInventoryQuery(db, id, delta).execute();
}

/** The update of `adjustInventory`, to run with other writes. */
export function adjustInventoryQuery(db: Kysely<Database>, id: string, delta: number) {
  return db
    .updateTable('products')
    .set((eb) => ({ inventory_quantity: eb('inventory_quantity', '+', delta) }))
    .where('id', '=', id)
    .where('inventory_tracked', '=', true);
}
