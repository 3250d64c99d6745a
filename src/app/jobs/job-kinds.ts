import type { Kysely } from 'kysely';
import type { Database } from '../../adapters/db/schema.js';
import type { RetryBackoff } from '../../domain/due-jobs.js';
import type { ChangeContext } from '../shared/command-context.js';

/** A claimed job as its handler sees it. */
export interface RunningJob<P extends object> {
  readonly id: string;
  readonly kind: string;
  readonly key: string;
  readonly payload: P;
  /** When it was due: the database's time, or its test clock's. */
  readonly runAt: Date;
  readonly clockId: string | null;
  /** This attempt's number, from 1. */
  readonly attempt: number;
}

/** What a handler runs with: the job's tenant as the system actor, and its completion. */
export interface JobContext extends ChangeContext {
  /**
   * Runs `work` in one transaction that also marks the job succeeded: the job's writes and
   * its end commit together, or not at all (another worker took the job over, or `work`
   * threw: the attempt failed). A handler that does not call it is marked succeeded when
   * it returns. Nothing slow (mail, HTTP) belongs inside: do it before, then complete.
   */
  complete<T>(work: (tx: Kysely<Database>) => Promise<T>): Promise<T>;
}

/**
 * A kind of scheduled work: its name, its attempts and backoff, and its handler. A handler
 * that throws fails the attempt; the job is retried after the backoff until its attempts
 * are spent, then `failed`. It may run more than once only when a worker dies after its
 * outbound effects (a mail sent) and before `complete`: keep those idempotent by the job's
 * id or key.
 */
export interface JobKind<P extends object> {
  /** Unique, dotted: `invoice.reminder`, `subscription.renewal`. */
  readonly kind: string;
  /** Attempts before the job fails (default `DEFAULT_MAX_ATTEMPTS`). */
  readonly maxAttempts?: number;
  readonly backoff?: RetryBackoff;
  run(ctx: JobContext, job: RunningJob<P>): Promise<void>;
}

/** Any job kind, as a runner's list holds them. */
export type AnyJobKind = JobKind<object>;
