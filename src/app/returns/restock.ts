import type { Kysely } from 'kysely';
import type { Write } from '../../adapters/db/one-statement.js';
import { adjustInventoryQuery, lockProductsByIds } from '../../adapters/db/repos/products-repo.js';
import type { Database } from '../../adapters/db/schema.js';
import type { ReturnRow } from '../../adapters/db/schema-returns.js';
import { quantitiesByProduct } from '../../domain/inventory.js';
import type { Tenant } from '../../domain/tenant.js';

/**
 * The writes that put a received return's units back in stock: tracked products only, by
 * the quantities returned, under the products' locks (in id order, as a payment takes
 * them), so a concurrent payment's stock check sees them.
 */
export async function restockWrites(
  tx: Kysely<Database>,
  tenant: Tenant,
  row: ReturnRow,
): Promise<Write[]> {
  const back = quantitiesByProduct(row.line_items);
  const products = await lockProductsByIds(tx, tenant, [...back.keys()]);
  return products
    .filter((product) => product.inventory_tracked)
    .map((product) => adjustInventoryQuery(tx, product.id, back.get(product.id) ?? 0));
}
