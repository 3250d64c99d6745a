import type { Kysely } from 'kysely';
import {
  claimDueJobs,
  endDueJobAttempt,
  type JobEnd,
  type JobLease,
} from '../../adapters/db/repos/due-jobs-repo.js';
import type { WorkerScope } from '../../adapters/db/repos/webhook-outbox-repo.js';
import type { Database } from '../../adapters/db/schema.js';
import type { DueJobRow } from '../../adapters/db/schema-jobs.js';
import { transactValue } from '../../adapters/db/transact.js';
import { afterFailure, DEFAULT_JOB_BACKOFF } from '../../domain/due-jobs.js';
import type { Processors } from '../../ports/payment-processor.js';
import { SYSTEM_ACTOR } from '../events/record-events.js';
import type { Deps } from '../shared/deps.js';
import type { AnyJobKind, JobContext, RunningJob } from './job-kinds.js';

/** Where a runner reports a job that failed for good, or one it lost. */
export interface JobLogger {
  warn(details: object, message: string): void;
}

/** Who runs due jobs, and how. */
export interface DueJobRunner {
  /** The kinds it runs: a job of another kind is left to a runner that knows it. */
  readonly kinds: readonly AnyJobKind[];
  /** The instance running them (`flint_instances`): its death frees its jobs. Null: none. */
  readonly owner: string | null;
  /** How long a claim holds a job whose worker stops answering (default 5 minutes). */
  readonly leaseMs?: number;
  /** Jobs claimed at a time (default 20). */
  readonly batch?: number;
  /** Accounts served (default all): tests sharing a database run their own. */
  readonly scope?: WorkerScope;
  readonly logger?: JobLogger | undefined;
  /** The jitter of retry delays, in [0, 1) (default `Math.random`). */
  readonly random?: () => number;
  /** True once the runner should stop: it ends after the job under way. */
  readonly stopping?: () => boolean;
  /** The accounts' processors, for kinds that move money (a payment's hold canceled). */
  readonly processors?: Processors | undefined;
}

/** Which jobs to run: those of one clock due up to a time. */
export interface DueJobsWindow {
  /** Up to this time; absent: the database's now. */
  readonly until?: Date | undefined;
  /** A test clock's jobs; absent or null: real-time jobs. */
  readonly clockId?: string | null | undefined;
}

/** What a run did: attempts that succeeded, were retried, failed for good, were lost. */
export interface DueJobCounts {
  succeeded: number;
  retried: number;
  failed: number;
  /** Attempts whose end was not recorded: the job was taken over or canceled meanwhile. */
  lost: number;
}

type AttemptOutcome = keyof DueJobCounts;

/** How an attempt that did not succeed ends. */
type UnsuccessfulEnd = Exclude<JobEnd, { readonly status: 'succeeded' }>;

const DEFAULT_LEASE_MS = 5 * 60_000;
const DEFAULT_BATCH = 20;

/**
 * Runs every job due in the window, oldest due first, until none is left (a retry due
 * within the window runs again, a job a handler schedules within it runs too), and answers
 * when it is done. Any number of runners, in one process or many, may run at once: each
 * claims jobs the others are not holding, and a job runs to success once.
 */
export async function runDueJobs(
  deps: Deps,
  runner: DueJobRunner,
  window: DueJobsWindow = {},
): Promise<DueJobCounts> {
  const kinds = new Map(runner.kinds.map((kind) => [kind.kind, kind]));
  const counts: DueJobCounts = { succeeded: 0, retried: 0, failed: 0, lost: 0 };
  const claim = {
    kinds: [...kinds.keys()],
    scope: runner.scope ?? {},
    clockId: window.clockId ?? null,
    until: window.until,
    owner: runner.owner,
    leaseMs: runner.leaseMs ?? DEFAULT_LEASE_MS,
    limit: runner.batch ?? DEFAULT_BATCH,
  };
  for (;;) {
    const claimed = await claimDueJobs(deps.db, claim);
    if (claimed.length === 0) return counts;
    for (const row of claimed) {
      const kind = kinds.get(row.kind);
      if (!kind) throw new Error(`claimed a job of kind ${row.kind}, which this runner lacks`);
      counts[await runAttempt(deps, runner, kind, row)] += 1;
      // The jobs claimed and not run go back once the lease runs out or the instance retires.
      if (runner.stopping?.()) return counts;
    }
  }
}

/** The job's end could not be recorded: another worker holds it now, or it was canceled. */
class LeaseLost extends Error {}

/** One attempt of a claimed job: its handler, then its end, recorded under its lease. */
async function runAttempt(
  deps: Deps,
  runner: DueJobRunner,
  kind: AnyJobKind,
  row: DueJobRow,
): Promise<AttemptOutcome> {
  const lease: JobLease = { id: row.id, attempts: row.attempts };
  if (row.attempts > row.max_attempts) {
    // Claimed again after its worker died on the last attempt: nothing left to try.
    const error = 'its worker stopped during the last attempt';
    return endAttempt(deps.db, runner, row, { status: 'failed', error });
  }
  let completed = false;
  const ctx: JobContext = {
    deps: depsOfJob(deps, row),
    tenant: { accountId: row.account_id, mode: row.mode },
    actor: SYSTEM_ACTOR,
    processors: runner.processors,
    complete: async <T>(work: (tx: Kysely<Database>) => Promise<T>) => {
      // The end is written first: it locks the job's row, so nobody takes the job over
      // while `work` runs, and a lost lease skips `work` altogether.
      const value = await transactValue(deps.db, async (tx) => {
        if (!(await endDueJobAttempt(tx, lease, { status: 'succeeded' }))) throw new LeaseLost();
        return work(tx);
      });
      completed = true;
      return value;
    },
  };
  try {
    await kind.run(ctx, runningJob(row));
    if (completed) return 'succeeded';
    // Nothing to write with the end: one statement, atomic by itself (no transaction).
    if (!(await endDueJobAttempt(deps.db, lease, { status: 'succeeded' }))) throw new LeaseLost();
    completed = true;
    return 'succeeded';
  } catch (err) {
    if (completed) {
      runner.logger?.warn({ err, job: row.id }, 'due job threw after it completed');
      return 'succeeded';
    }
    if (err instanceof LeaseLost) return lost(runner, row);
    return endAttempt(deps.db, runner, row, failedAttempt(runner, kind, row, err));
  }
}

/** What a failed attempt leads to: a retry after the kind's backoff, or the job's failure. */
function failedAttempt(
  runner: DueJobRunner,
  kind: AnyJobKind,
  row: DueJobRow,
  err: unknown,
): UnsuccessfulEnd {
  const error = (err instanceof Error ? err.message : String(err)).slice(0, 1000);
  const random = (runner.random ?? Math.random)();
  const next = afterFailure(
    row.attempts,
    row.max_attempts,
    kind.backoff ?? DEFAULT_JOB_BACKOFF,
    random,
  );
  return next.status === 'failed' ? { status: 'failed', error } : { ...next, error };
}

async function endAttempt(
  db: Kysely<Database>,
  runner: DueJobRunner,
  row: DueJobRow,
  end: UnsuccessfulEnd,
): Promise<AttemptOutcome> {
  const lease = { id: row.id, attempts: row.attempts };
  if (!(await endDueJobAttempt(db, lease, end))) return lost(runner, row);
  if (end.status === 'scheduled') return 'retried';
  runner.logger?.warn(
    { job: row.id, kind: row.kind, key: row.job_key, attempts: row.attempts, error: end.error },
    'due job failed',
  );
  return 'failed';
}

function lost(runner: DueJobRunner, row: DueJobRow): AttemptOutcome {
  runner.logger?.warn({ job: row.id, attempt: row.attempts }, 'due job taken over or canceled');
  return 'lost';
}

/**
 * What a handler runs with: a test clock's job sees that clock's time as its `run_at`, so
 * whatever it stamps or schedules (carrying `deps.clock.id`) is in the clock's time; a
 * real-time job's clock is real time. Either is `resolved`: the job's row is the truth.
 */
function depsOfJob(deps: Deps, row: DueJobRow): Deps {
  if (row.clock_id === null) {
    // Real time, as the job's row says: its commands look no customer's clock up.
    const base = deps.clock;
    return base.resolved ? deps : { ...deps, clock: { now: () => base.now(), resolved: true } };
  }
  const runAt = row.run_at;
  return { ...deps, clock: { id: row.clock_id, now: () => runAt, resolved: true } };
}

function runningJob(row: DueJobRow): RunningJob<object> {
  return {
    id: row.id,
    kind: row.kind,
    key: row.job_key,
    payload: row.payload,
    runAt: row.run_at,
    clockId: row.clock_id,
    attempt: row.attempts,
  };
}
