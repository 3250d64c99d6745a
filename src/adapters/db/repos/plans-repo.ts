import type { Kysely } from 'kysely';
import type { Tenant } from '../../../domain/tenant.js';
import type { Database } from '../schema.js';
import type { PlanRow, PlanVersionRow } from '../schema-plans.js';
import { type ListRows, tableRows } from '../table-rows.js';

const plans = tableRows('plans', {
  json: ['line_items', 'metadata'],
  filters: { active: 'active' },
});
const versions = tableRows('plan_versions', {
  json: ['line_items'],
  filters: { plan_id: 'plan_id' },
});

/** The insert of a new plan, to run with its first version and event. */
export const insertPlanQuery = plans.insertQuery;
export const selectPlanById = plans.byId;
/** Reads a plan and locks its row until the transaction ends. */
export const lockPlanById = plans.lockById;
/** The update of a plan, to run with its new version (if any) and event. */
export const updatePlanQuery = plans.updateQuery;

export const listPlans: ListRows<{ readonly active?: boolean | undefined }, PlanRow> = plans.list;

/** The insert of a version of a plan's terms. */
export const insertPlanVersionQuery = versions.insertQuery;

/** A plan's versions, newest first. */
export const listPlanVersions: ListRows<{ readonly plan_id: string }, PlanVersionRow> =
  versions.list;

/** One version of a plan (its plan's tenant only). */
export async function selectPlanVersion(
  db: Kysely<Database>,
  tenant: Tenant,
  { planId, version }: { readonly planId: string; readonly version: number },
): Promise<PlanVersionRow | undefined> {
  return versions
    .rows(db, tenant)
    .where('plan_id', '=', planId)
    .where('version', '=', version)
    .executeTakeFirst();
}
