import type { Selectable } from 'kysely';
import type { PlanLine } from '../../domain/plans/plan-terms.js';
import type { RecurringInterval } from '../../domain/value-lists.js';
import type { Json, MetadataAndTimestamps, TenantColumns, Timestamps } from './schema-columns.js';

/** The terms a plan bills, on the plan (its current version) and on each version. */
interface PlanTermsColumns {
  version: number;
  /** Upper-case ISO 4217. */
  currency: string;
  interval: RecurringInterval;
  interval_count: number;
  trial_period_days: number | null;
  line_items: Json<PlanLine[]>;
}

export interface PlansTable extends TenantColumns, PlanTermsColumns, MetadataAndTimestamps {
  name: string;
  description: string | null;
  active: boolean;
}

/** One version of a plan's terms, written once and never changed. */
export interface PlanVersionsTable extends TenantColumns, PlanTermsColumns, Timestamps {
  plan_id: string;
}

export type PlanRow = Selectable<PlansTable>;
export type PlanVersionRow = Selectable<PlanVersionsTable>;
