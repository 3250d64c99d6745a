import type { TaxRateRow } from '../adapters/db/schema.js';
import { modeAndTimes } from './object-times.js';

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
    ...modeAndTimes(row),
  };
}
