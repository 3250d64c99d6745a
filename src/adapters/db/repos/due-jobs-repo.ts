import { type ExpressionBuilder, type Kysely, sql } from 'kysely';
import { type DueJobStatus, dueJobStatusesBefore } from '../../../domain/due-jobs.js';
import type { Tenant } from '../../../domain/tenant.js';
import type { Database } from '../schema.js';
import type { DueJobRow } from '../schema-jobs.js';
import { scoped } from '../scoped.js';
import type { WorkerScope } from './webhook-outbox-repo.js';

// Every time here is the database's (`now()`) or a test clock's (`until`): workers on hosts
// whose clocks disagree still agree on when a job is due and when a lease has run out.

const DB_NOW = sql<Date>`now()`;

function nowPlus(ms: number) {
  return sql<Date>`now() + ${ms} * interval '1 millisecond'`;
}

/** A new job's row, as `insertDueJob` writes it. */
export interface NewDueJob {
  readonly id: string;
  readonly kind: string;
  readonly jobKey: string;
  readonly payload: object;
  /** Absent: due at once, by the database's clock. */
  readonly runAt: Date | undefined;
  readonly clockId: string | null;
  readonly maxAttempts: number;
}

/** Inserts a scheduled job; undefined when its key already has one (in whatever status). */
export async function insertDueJob(
  db: Kysely<Database>,
  tenant: Tenant,
  job: NewDueJob,
): Promise<DueJobRow | undefined> {
  return db
    .insertInto('due_jobs')
    .values({
      id: job.id,
      account_id: tenant.accountId,
      mode: tenant.mode,
      kind: job.kind,
      job_key: job.jobKey,
      payload: JSON.stringify(job.payload),
      run_at: job.runAt ?? DB_NOW,
      clock_id: job.clockId,
      status: 'scheduled',
      max_attempts: job.maxAttempts,
    })
    .onConflict((oc) => oc.columns(['account_id', 'mode', 'kind', 'job_key']).doNothing())
    .returningAll()
    .executeTakeFirst();
}

export interface JobKey {
  readonly kind: string;
  readonly key: string;
}

export async function selectDueJobByKey(
  db: Kysely<Database>,
  tenant: Tenant,
  { kind, key }: JobKey,
): Promise<DueJobRow | undefined> {
  return db
    .selectFrom('due_jobs')
    .selectAll()
    .$call(scoped(tenant))
    .where('kind', '=', kind)
    .where('job_key', '=', key)
    .executeTakeFirst();
}

/** Cancels a job not finished yet; false when there is none (or it has finished). */
export async function cancelDueJob(
  db: Kysely<Database>,
  tenant: Tenant,
  { kind, key }: JobKey,
): Promise<boolean> {
  const canceled = await db
    .updateTable('due_jobs')
    .set({
      status: 'canceled',
      locked_until: null,
      finished_at: DB_NOW,
      updated_at: DB_NOW,
    })
    .$call(scoped(tenant))
    .where('kind', '=', kind)
    .where('job_key', '=', key)
    .where('status', 'in', dueJobStatusesBefore('canceled'))
    .returning('id')
    .executeTakeFirst();
  return canceled !== undefined;
}

/** What a runner claims: its kinds, by one clock, up to a time. */
export interface JobClaim {
  readonly kinds: readonly string[];
  readonly scope: WorkerScope;
  /** The test clock whose jobs to run; null: real-time jobs. */
  readonly clockId: string | null;
  /** Jobs due up to this time; undefined: up to the database's now. */
  readonly until: Date | undefined;
  /** The instance that will run them (`flint_instances`), or null. */
  readonly owner: string | null;
  readonly leaseMs: number;
  readonly limit: number;
}

/** Whether the instance running a job is gone or its lease ran out, by the database's clock. */
function ownerDead(eb: ExpressionBuilder<Database, 'due_jobs'>) {
  return eb.and([
    eb('due_jobs.locked_by', 'is not', null),
    eb.not(
      eb.exists(
        eb
          .selectFrom('flint_instances')
          .select('flint_instances.id')
          .whereRef('flint_instances.id', '=', 'due_jobs.locked_by')
          .where('flint_instances.alive_until', '>', DB_NOW),
      ),
    ),
  ]);
}

/**
 * Takes up to `limit` jobs: scheduled ones that are due, and running ones whose worker
 * died (its lease ran out, or its instance did), oldest due first; jobs other workers are
 * claiming are skipped. Each comes back `running`, its attempt counted, leased to `owner`
 * for `leaseMs`. The claim commits by itself, before any job runs.
 */
export async function claimDueJobs(db: Kysely<Database>, claim: JobClaim): Promise<DueJobRow[]> {
  const { kinds, scope } = claim;
  if (kinds.length === 0 || scope.accountIds?.length === 0) return [];
  const dueBy = claim.until ?? DB_NOW;
  let due = db
    .selectFrom('due_jobs')
    .select('id')
    .where('clock_id', claim.clockId === null ? 'is' : '=', claim.clockId)
    .where('status', 'in', dueJobStatusesBefore('running'))
    .where((eb) =>
      eb.or([
        eb.and([eb('status', '=', 'scheduled'), eb('run_at', '<=', dueBy)]),
        eb.and([
          eb('status', '=', 'running'),
          eb.or([eb('locked_until', '<=', DB_NOW), ownerDead(eb)]),
        ]),
      ]),
    )
    .where('kind', 'in', kinds);
  if (scope.accountIds) due = due.where('account_id', 'in', scope.accountIds);
  const claimed = await db
    .updateTable('due_jobs')
    .set((eb) => ({
      status: 'running',
      attempts: eb('attempts', '+', 1),
      locked_until: nowPlus(claim.leaseMs),
      locked_by: claim.owner,
      updated_at: DB_NOW,
    }))
    .where(
      'id',
      'in',
      due.orderBy('run_at').orderBy('id').limit(claim.limit).forUpdate().skipLocked(),
    )
    .returningAll()
    .execute();
  // An update answers in no particular order: run them in due order.
  return claimed.sort(
    (a, b) => a.run_at.getTime() - b.run_at.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
}

/** The claim a runner holds on a job: its id and the attempt it claimed. */
export interface JobLease {
  readonly id: string;
  readonly attempts: number;
}

/** How a claimed job ends its attempt. */
export type JobEnd =
  | { readonly status: 'succeeded' }
  | { readonly status: 'failed'; readonly error: string }
  | { readonly status: 'scheduled'; readonly error: string; readonly delayMs: number };

/**
 * Records the end of an attempt, only while the runner still holds the job: running, and
 * not claimed again since (its attempt is the one claimed). False otherwise: the lease ran
 * out and another worker took the job, or it was canceled. In a transaction, the row stays
 * locked until it ends, so the job's own writes commit with its end or not at all.
 */
export async function endDueJobAttempt(
  db: Kysely<Database>,
  lease: JobLease,
  end: JobEnd,
): Promise<boolean> {
  const ended = await db
    .updateTable('due_jobs')
    .set({ ...endColumns(end), locked_until: null, locked_by: null, updated_at: DB_NOW })
    .where('id', '=', lease.id)
    .where('attempts', '=', lease.attempts)
    .where('status', 'in', dueJobStatusesBefore(end.status))
    .returning('id')
    .executeTakeFirst();
  return ended !== undefined;
}

function endColumns(end: JobEnd) {
  const status: DueJobStatus = end.status;
  switch (end.status) {
    case 'succeeded':
      return { status, finished_at: DB_NOW };
    case 'failed':
      return { status, last_error: end.error, finished_at: DB_NOW };
    case 'scheduled':
      // A test clock's job retries by its own time, a real one by the database's.
      return {
        status,
        last_error: end.error,
        run_at: sql<Date>`(case when clock_id is null then now() else run_at end)
          + ${end.delayMs} * interval '1 millisecond'`,
      };
  }
}

/**
 * Makes a tenant's real-time jobs whose key starts with `keyPrefix` and that are due by
 * `until` (all of them when absent) due now, by the database's clock: a test helper's
 * "as if that time had come". Answers how many.
 */
export async function advanceDueJobs(
  db: Kysely<Database>,
  tenant: Tenant,
  { keyPrefix, until }: { readonly keyPrefix: string; readonly until: Date | undefined },
): Promise<number> {
  let query = db
    .updateTable('due_jobs')
    .set({ run_at: DB_NOW, updated_at: DB_NOW })
    .$call(scoped(tenant))
    .where('status', '=', 'scheduled')
    .where('clock_id', 'is', null)
    .where(sql<string>`left(job_key, ${keyPrefix.length})`, '=', keyPrefix);
  if (until) query = query.where('run_at', '<=', until);
  const rows = await query.returning('id').execute();
  return rows.length;
}
