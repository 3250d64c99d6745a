import type { ProductRow } from '../adapters/db/schema.js';
import { modeAndTimes } from './object-times.js';

/** A product as the API and its events show it. */
export function productResource(row: ProductRow) {
  return {
    product_id: row.id,
    object: 'product' as const,
    name: row.name,
    description: row.description,
    active: row.active,
    inventory: { tracked: row.inventory_tracked, quantity: row.inventory_quantity },
    metadata: row.metadata,
    ...modeAndTimes(row),
  };
}
