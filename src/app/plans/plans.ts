import type { Kysely } from 'kysely';
import { writeAsOne } from '../../adapters/db/one-statement.js';
import type { Page } from '../../adapters/db/pagination.js';
import { insertEventsQuery } from '../../adapters/db/repos/events-repo.js';
import {
  insertPlanQuery,
  insertPlanVersionQuery,
  listPlans as listPlanRows,
  lockPlanById,
  selectPlanById,
  updatePlanQuery,
} from '../../adapters/db/repos/plans-repo.js';
import type { Database } from '../../adapters/db/schema.js';
import type { PlanRow, PlanVersionRow } from '../../adapters/db/schema-plans.js';
import { normalizeCurrency } from '../../domain/currency.js';
import { fail, ok, type Result } from '../../domain/errors.js';
import { type Metadata, updatedMetadata, withoutEmptyValues } from '../../domain/metadata.js';
import {
  checkInterval,
  type PlanTermsFields,
  termsChanged,
} from '../../domain/plans/plan-terms.js';
import type { Tenant } from '../../domain/tenant.js';
import type { RecurringInterval } from '../../domain/value-lists.js';
import { planResource } from '../../resources/plan.js';
import { type EventAuthor, objectEvent } from '../events/record-events.js';
import type { ChangeContext, ListInput, TenantContext, Update } from '../shared/command-context.js';
import { newOwnedRow } from '../shared/ids.js';
import { readById } from '../shared/reads.js';
import { type MetadataUpdate, withLockedRow } from '../shared/updates.js';
import { checkKeptLines, type PlanLineInput, resolvePlanLines } from './plan-lines.js';

export interface CreatePlanInput {
  readonly name: string;
  readonly description?: string | null | undefined;
  readonly currency: string;
  readonly interval: RecurringInterval;
  readonly interval_count?: number | undefined;
  readonly trial_period_days?: number | null | undefined;
  readonly line_items: readonly PlanLineInput[];
  readonly active?: boolean | undefined;
  readonly metadata?: Metadata | undefined;
}

/**
 * Name, description, active and metadata change the plan as it is; a change of its terms
 * (currency, interval, interval_count, trial_period_days, line_items — which replaces every
 * line) makes a new version, and the versions before stay as they were.
 */
export interface UpdatePlanInput extends MetadataUpdate {
  readonly name?: string | undefined;
  readonly description?: string | null | undefined;
  readonly active?: boolean | undefined;
  readonly currency?: string | undefined;
  readonly interval?: RecurringInterval | undefined;
  readonly interval_count?: number | undefined;
  readonly trial_period_days?: number | null | undefined;
  readonly line_items?: readonly PlanLineInput[] | undefined;
}

function currencyOf(given: string): Result<string> {
  const currency = normalizeCurrency(given);
  return currency
    ? ok(currency)
    : fail({
        code: 'parameter_invalid',
        message: `Unknown currency: ${given}`,
        loc: ['plan', 'currency'],
      });
}

/** The version row of a plan's terms as they now are. */
function versionOf(plan: PlanRow, now: Date): PlanVersionRow {
  return {
    ...newOwnedRow('planv', { accountId: plan.account_id, mode: plan.mode }),
    plan_id: plan.id,
    version: plan.version,
    currency: plan.currency,
    interval: plan.interval,
    interval_count: plan.interval_count,
    trial_period_days: plan.trial_period_days,
    line_items: plan.line_items,
    created_at: now,
    updated_at: now,
  };
}

function planEvent(
  author: EventAuthor,
  { row, before }: { readonly row: PlanRow; readonly before?: PlanRow },
) {
  return objectEvent(author, {
    type: before ? 'plan.updated' : 'plan.created',
    objectType: 'plan',
    objectId: row.id,
    object: planResource(row),
    now: row.updated_at,
    previous: before ? planResource(before) : undefined,
  });
}

export async function createPlan(
  { deps, tenant, actor }: ChangeContext,
  input: CreatePlanInput,
): Promise<Result<PlanRow>> {
  const currency = currencyOf(input.currency);
  if (!currency.ok) return currency;
  const intervalCount = input.interval_count ?? 1;
  const interval = checkInterval(input.interval, intervalCount);
  if (!interval.ok) return interval;
  const terms = {
    currency: currency.value,
    interval: input.interval,
    interval_count: intervalCount,
  };
  const lines = await resolvePlanLines(deps.db, tenant, { terms, inputs: input.line_items });
  if (!lines.ok) return lines;
  const now = deps.clock.now();
  const row: PlanRow = {
    ...newOwnedRow('plan', tenant),
    name: input.name,
    description: input.description ?? null,
    active: input.active ?? true,
    version: 1,
    ...terms,
    trial_period_days: input.trial_period_days ?? null,
    line_items: lines.value,
    metadata: withoutEmptyValues(input.metadata ?? {}),
    created_at: now,
    updated_at: now,
  };
  await writeAsOne(deps.db, [
    insertPlanQuery(deps.db, row),
    insertPlanVersionQuery(deps.db, versionOf(row, now)),
    insertEventsQuery(deps.db, [planEvent({ tenant, actor }, { row })]),
  ]);
  return ok(row);
}

export const getPlan = readById('plan', selectPlanById);

export async function listPlans(
  { deps, tenant }: TenantContext,
  { filter, page }: ListInput<{ readonly active?: boolean | undefined }>,
): Promise<Page<PlanRow>> {
  return listPlanRows(deps.db, tenant, filter, page);
}

const TERMS_KEYS = [
  'currency',
  'interval',
  'interval_count',
  'trial_period_days',
  'line_items',
] as const;

/** The plan's terms after `input`, checked (its new lines resolved under the plan's lock). */
async function nextTerms(
  tx: Kysely<Database>,
  tenant: Tenant,
  { current, input }: { readonly current: PlanRow; readonly input: UpdatePlanInput },
): Promise<Result<PlanTermsFields>> {
  let currency = current.currency;
  if (input.currency !== undefined) {
    const given = currencyOf(input.currency);
    if (!given.ok) return given;
    currency = given.value;
  }
  const interval = input.interval ?? current.interval;
  const intervalCount = input.interval_count ?? current.interval_count;
  const checked = checkInterval(interval, intervalCount);
  if (!checked.ok) return checked;
  const terms = { currency, interval, interval_count: intervalCount };
  const trial =
    input.trial_period_days === undefined ? current.trial_period_days : input.trial_period_days;
  if (input.line_items) {
    const lines = await resolvePlanLines(tx, tenant, {
      terms,
      inputs: input.line_items,
      kept: current.line_items,
    });
    return lines.ok ? ok({ ...terms, trial_period_days: trial, line_items: lines.value }) : lines;
  }
  if (currency !== current.currency) {
    // The lines' amounts are in the old currency's units: new ones must be given.
    return fail({
      code: 'parameter_invalid',
      message: 'A new currency needs new line_items',
      loc: ['plan', 'line_items'],
    });
  }
  const kept = await checkKeptLines(tx, tenant, { terms, lines: current.line_items });
  if (!kept.ok) return kept;
  return ok({ ...terms, trial_period_days: trial, line_items: current.line_items });
}

/**
 * Updates a plan under its row lock. A change of its terms bumps `version` and writes the
 * new version's row beside it; what subscriptions copied from earlier versions stays.
 */
export function updatePlan(
  { deps, tenant, actor }: ChangeContext,
  { id, changes: input }: Update<UpdatePlanInput>,
): Promise<Result<PlanRow>> {
  return withLockedRow(deps, 'plan', lockPlanById, [tenant, id], async (tx, current) => {
    let terms: PlanTermsFields = current;
    if (TERMS_KEYS.some((key) => input[key] !== undefined)) {
      const next = await nextTerms(tx, tenant, { current, input });
      if (!next.ok) return next;
      terms = next.value;
    }
    const metadata = updatedMetadata(current.metadata, input.metadata, 'plan');
    if (!metadata.ok) return metadata;
    const bump = termsChanged(current, terms);
    const now = deps.clock.now();
    const changes = {
      name: input.name ?? current.name,
      description: input.description === undefined ? current.description : input.description,
      active: input.active ?? current.active,
      version: bump ? current.version + 1 : current.version,
      currency: terms.currency,
      interval: terms.interval,
      interval_count: terms.interval_count,
      trial_period_days: terms.trial_period_days,
      line_items: [...terms.line_items],
      metadata: metadata.value,
      updated_at: now,
    };
    const next: PlanRow = { ...current, ...changes };
    await writeAsOne(
      tx,
      [
        updatePlanQuery(tx, tenant, id, changes),
        ...(bump ? [insertPlanVersionQuery(tx, versionOf(next, now))] : []),
        insertEventsQuery(tx, [planEvent({ tenant, actor }, { row: next, before: current })]),
      ],
      { last: true },
    );
    return ok(next);
  });
}
