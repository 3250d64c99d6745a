import type { Kysely } from 'kysely';
import {
  cancelDueJob,
  insertDueJob,
  type JobKey,
  selectDueJobByKey,
} from '../../adapters/db/repos/due-jobs-repo.js';
import type { Database } from '../../adapters/db/schema.js';
import type { DueJobRow } from '../../adapters/db/schema-jobs.js';
import { DEFAULT_MAX_ATTEMPTS } from '../../domain/due-jobs.js';
import type { Tenant } from '../../domain/tenant.js';
import type { TenantContext } from '../shared/command-context.js';
import { newId } from '../shared/ids.js';
import type { JobKind } from './job-kinds.js';

/** A job to schedule: its kind, its key (unique per account, mode and kind), its payload. */
export interface ScheduleJob<P extends object> {
  /** The kind's name and attempts (its handler is the runner's business). */
  readonly kind: Pick<JobKind<P>, 'kind' | 'maxAttempts'>;
  /** What the job is about and which step, e.g. `invoice:inv_123:reminder:before_due`. */
  readonly key: string;
  readonly payload: P;
  /** When it is due; absent: at once, by the database's clock. */
  readonly runAt?: Date | undefined;
  /** The test clock it runs by; absent or null: real time. */
  readonly clockId?: string | null | undefined;
}

/** The job a key names, and whether this call scheduled it (false: it already existed). */
export interface ScheduledJob {
  readonly job: DueJobRow;
  readonly scheduled: boolean;
}

/** Longer keys are a bug in the caller: they name a job, they do not carry data. */
const MAX_KEY_LENGTH = 255;

/**
 * Schedules a job in the caller's transaction, so it exists exactly when the change that
 * asks for it commits. Idempotent on the key: a key that already has a job (scheduled,
 * running or finished) keeps it as it is, and a finished job is never run again.
 */
export async function scheduleJobIn<P extends object>(
  tx: Kysely<Database>,
  tenant: Tenant,
  input: ScheduleJob<P>,
): Promise<ScheduledJob> {
  const { kind, key } = input;
  if (key.length === 0 || key.length > MAX_KEY_LENGTH) {
    throw new Error(`a job key has 1 to ${MAX_KEY_LENGTH} characters: ${JSON.stringify(key)}`);
  }
  if (input.clockId && !input.runAt) {
    throw new Error(`job ${kind.kind} ${key} is on test clock ${input.clockId}: give its runAt`);
  }
  const inserted = await insertDueJob(tx, tenant, {
    id: newId('job'),
    kind: kind.kind,
    jobKey: key,
    payload: input.payload,
    runAt: input.runAt,
    clockId: input.clockId ?? null,
    maxAttempts: kind.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
  });
  if (inserted) return { job: inserted, scheduled: true };
  // The insert waited for any other transaction writing the key: the row is there now.
  const existing = await selectDueJobByKey(tx, tenant, { kind: kind.kind, key });
  if (!existing) throw new Error(`job ${kind.kind} ${key} neither inserted nor found`);
  return { job: existing, scheduled: false };
}

/** `scheduleJobIn` on its own: one statement (two when the key already has a job). */
export function scheduleJob<P extends object>(
  ctx: TenantContext,
  input: ScheduleJob<P>,
): Promise<ScheduledJob> {
  return scheduleJobIn(ctx.deps.db, ctx.tenant, input);
}

/**
 * Cancels a job that has not finished; false when its key has none (or it has finished).
 * A running job's worker then cannot complete it: its writes roll back.
 */
export function cancelJob(ctx: TenantContext, job: JobKey): Promise<boolean> {
  return cancelDueJob(ctx.deps.db, ctx.tenant, job);
}

/** The job a key names, in whatever status. */
export function findJob(ctx: TenantContext, job: JobKey): Promise<DueJobRow | undefined> {
  return selectDueJobByKey(ctx.deps.db, ctx.tenant, job);
}
