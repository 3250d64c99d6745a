import type { PlanRow, PlanVersionRow } from '../adapters/db/schema-plans.js';
import type { PlanLine } from '../domain/plans/plan-terms.js';
import { modeAndTimes } from './object-times.js';

/** A plan's line on the wire, its keys in one order (a JSON column returns them sorted). */
export function planLineResource(line: PlanLine) {
  return {
    name: line.name,
    unit_amount: line.unit_amount,
    quantity: line.quantity,
    per_seat: line.per_seat,
    price_id: line.price_id,
    product_id: line.product_id,
    tax_rate_ids: line.tax_rate_ids === null ? null : [...line.tax_rate_ids],
    tax_exempt: line.tax_exempt,
  };
}

/** A plan as the API and its events show it: its current version's terms. */
export function planResource(row: PlanRow) {
  return {
    plan_id: row.id,
    object: 'plan' as const,
    name: row.name,
    description: row.description,
    active: row.active,
    version: row.version,
    currency: row.currency,
    interval: row.interval,
    interval_count: row.interval_count,
    trial_period_days: row.trial_period_days,
    line_items: row.line_items.map(planLineResource),
    metadata: row.metadata,
    ...modeAndTimes(row),
  };
}

/** One version of a plan's terms, as it was made and ever after. */
export function planVersionResource(row: PlanVersionRow) {
  return {
    plan_version_id: row.id,
    object: 'plan_version' as const,
    plan_id: row.plan_id,
    version: row.version,
    currency: row.currency,
    interval: row.interval,
    interval_count: row.interval_count,
    trial_period_days: row.trial_period_days,
    line_items: row.line_items.map(planLineResource),
    ...modeAndTimes(row),
  };
}
