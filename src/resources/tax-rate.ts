import type { TaxRateRow } from '../adapters/db/schema.js';

/** A tax rate as the API and its events show it. */
export function taxRateResource(row: TaxRateRow) {
  return {
    tax_rate_id: row.id,
    object: 'tax_rate' as const,
    display_name: row.display_name,
    percentage: row.percentage,
    inclusive: row.inclusive,
    jurisdiction: row.jurisdiction,
    default: row.is_default,
    active: row.active,
    metadata: row.metadata,
    test_mode: row.mode === 'test',
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}
