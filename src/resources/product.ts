import type { ProductRow } from '../adapters/db/schema.js';

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
    test_mode: row.mode === 'test',
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}
