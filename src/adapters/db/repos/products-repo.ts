import type { Kysely } from 'kysely';
import type { Tenant } from '../../../domain/tenant.js';
import type { Database, ProductRow } from '../schema.js';
import { scoped } from '../scoped.js';
import { type ListRows, tableRows, type UpdateById } from '../table-rows.js';

const products = tableRows('products', { json: ['metadata'], filters: { active: 'active' } });

export const insertProduct = products.insert;
export const selectProductById = products.byId;
/** Reads a product and locks its row until the transaction ends. */
export const lockProductById = products.lockById;

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

export const updateProduct: UpdateById<ProductChanges> = products.update;

export interface ProductFilter {
  readonly active?: boolean | undefined;
}

export const listProducts: ListRows<ProductFilter, ProductRow> = products.list;

/** Locks products (in id order, so concurrent payers never deadlock) until the transaction ends. */
export const lockProductsByIds = products.lockByIds;

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
