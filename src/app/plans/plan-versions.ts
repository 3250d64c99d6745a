import type { Kysely } from 'kysely';
import type { Page } from '../../adapters/db/pagination.js';
import {
  listPlanVersions as listVersionRows,
  selectPlanById,
  selectPlanVersion,
} from '../../adapters/db/repos/plans-repo.js';
import type { Database } from '../../adapters/db/schema.js';
import type { PlanVersionRow } from '../../adapters/db/schema-plans.js';
import { fail, missing, ok, type Result } from '../../domain/errors.js';
import type { PlanTerms } from '../../domain/plans/plan-terms.js';
import type { Tenant } from '../../domain/tenant.js';
import type { ListInput, TenantContext } from '../shared/command-context.js';

export type { PlanTerms };

/** A plan's versions, newest first; a plan not the caller's is "plan does not exist". */
export async function listPlanVersions(
  { deps, tenant }: TenantContext,
  { filter, page }: ListInput<{ readonly planId: string }>,
): Promise<Result<Page<PlanVersionRow>>> {
  const plan = await selectPlanById(deps.db, tenant, filter.planId);
  if (!plan) return fail(missing('plan'));
  return ok(await listVersionRows(deps.db, tenant, { plan_id: plan.id }, page));
}

/** One version of a plan, as it was made. */
export async function getPlanVersion(
  { deps, tenant }: TenantContext,
  { planId, version }: { readonly planId: string; readonly version: number },
): Promise<Result<PlanVersionRow>> {
  const row = await selectPlanVersion(deps.db, tenant, { planId, version });
  if (row) return ok(row);
  const plan = await selectPlanById(deps.db, tenant, planId);
  return fail(missing(plan ? 'plan version' : 'plan'));
}

/**
 * A plan's terms, frozen: its current version (no `version` given) or the one named.
 * What a subscription copies into its own rows and builds each period's order lines from:
 * the amounts are in it, so a later change to the plan or the catalog changes nothing
 * it copied. Takes the database or the caller's transaction. Inactive plans are answered
 * too (a subscription already on one keeps billing it): whether a new subscription may
 * start on one is the caller's rule (`getPlan(…).active`).
 */
export async function planTermsOf(
  db: Kysely<Database>,
  tenant: Tenant,
  { planId, version }: { readonly planId: string; readonly version?: number | undefined },
): Promise<Result<PlanTerms>> {
  if (version === undefined) {
    const plan = await selectPlanById(db, tenant, planId);
    if (!plan) return fail(missing('plan'));
    return ok(termsOf({ ...plan, plan_id: plan.id }));
  }
  const row = await selectPlanVersion(db, tenant, { planId, version });
  if (!row) return fail(missing('plan version'));
  return ok(termsOf(row));
}

function termsOf(row: Omit<PlanVersionRow, 'id' | 'account_id' | 'mode'>): PlanTerms {
  return {
    plan_id: row.plan_id,
    version: row.version,
    currency: row.currency,
    interval: row.interval,
    interval_count: row.interval_count,
    trial_period_days: row.trial_period_days,
    lines: row.line_items.map((line) => ({
      name: line.name,
      unit_amount: line.unit_amount,
      quantity: line.quantity,
      per_seat: line.per_seat,
      price_id: line.price_id,
      product_id: line.product_id,
      tax_rate_ids: line.tax_rate_ids === null ? null : [...line.tax_rate_ids],
      tax_exempt: line.tax_exempt,
    })),
  };
}
