import type { PriceRow } from '../adapters/db/schema.js';
import { modeAndTimes } from './object-times.js';

/** A price as the API and its events show it. */
export function priceResource(row: PriceRow) {
  return {
    price_id: row.id,
    object: 'price' as const,
    product_id: row.product_id,
    unit_amount: row.unit_amount,
    currency: row.currency,
    recurring:
      row.recurring_interval === null
        ? null
        : { interval: row.recurring_interval, interval_count: row.recurring_interval_count ?? 1 },
    active: row.active,
    metadata: row.metadata,
    ...modeAndTimes(row),
  };
}
