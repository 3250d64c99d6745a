/**
 * Scheduled work: a due job's lifecycle and its retry backoff. Pure: the caller brings the
 * attempts made and the random number; the database's clock decides when a job is due.
 */

/** A due job's status. */
export const DUE_JOB_STATUSES = [
  'scheduled',
  'running',
  'succeeded',
  'failed',
  'canceled',
] as const;
export type DueJobStatus = (typeof DUE_JOB_STATUSES)[number];

/**
 * The due-job lifecycle as one table: where each status may move to. A job is `scheduled`
 * until it is due and claimed (`running`, under a lease); it then succeeds, goes back to
 * `scheduled` for a retry, or fails once its attempts are spent. A `running` job whose
 * lease ran out (its worker died) is claimed again: `running` → `running`. The ends are
 * final: a finished job is never run again, and scheduling its key again is a no-op.
 *
 *   scheduled ──▶ running ──▶ succeeded | failed
 *       ▲            │ ▲
 *       └── retry ───┘ └── lease expired, claimed again
 *   scheduled | running ──▶ canceled
 */
export const DUE_JOB_TRANSITIONS = {
  scheduled: ['running', 'canceled'],
  running: ['running', 'scheduled', 'succeeded', 'failed', 'canceled'],
  succeeded: [],
  failed: [],
  canceled: [],
} as const satisfies Record<DueJobStatus, readonly DueJobStatus[]>;

/** Whether a job in `from` may become `to`. */
export function canMoveDueJob(from: DueJobStatus, to: DueJobStatus): boolean {
  return (DUE_JOB_TRANSITIONS[from] as readonly DueJobStatus[]).includes(to);
}

/** The statuses a job may be in for a move to `to`: what the move's SQL filters on. */
export function dueJobStatusesBefore(to: DueJobStatus): DueJobStatus[] {
  return DUE_JOB_STATUSES.filter((from) => canMoveDueJob(from, to));
}

/** A status nothing moves out of. */
export function isFinalDueJobStatus(status: DueJobStatus): boolean {
  return DUE_JOB_TRANSITIONS[status].length === 0;
}

/** How a job kind waits between attempts: exponential from `baseMs`, capped at `maxMs`. */
export interface RetryBackoff {
  readonly baseMs: number;
  readonly maxMs: number;
}

export const DEFAULT_JOB_BACKOFF: RetryBackoff = { baseMs: 30_000, maxMs: 60 * 60_000 };

/** Attempts a job gets unless its kind says otherwise. */
export const DEFAULT_MAX_ATTEMPTS = 5;

/** Each delay moves by up to ±10 %, so jobs that failed together are not retried together. */
export const JOB_RETRY_JITTER = 0.1;

/** What a failed attempt leads to: another attempt after `delayMs`, or the job's failure. */
export type AfterFailure =
  | { readonly status: 'scheduled'; readonly delayMs: number }
  | { readonly status: 'failed' };

/**
 * After `attemptsMade` attempts (the one that just failed included) of at most
 * `maxAttempts`: the next one waits `baseMs · 2^(attemptsMade − 1)`, capped at `maxMs`,
 * jittered by `random` in [0, 1); with no attempt left the job has failed.
 */
export function afterFailure(
  attemptsMade: number,
  maxAttempts: number,
  backoff: RetryBackoff,
  random: number,
): AfterFailure {
  if (attemptsMade >= maxAttempts) return { status: 'failed' };
  const exponent = Math.min(Math.max(attemptsMade - 1, 0), 30);
  const base = Math.min(backoff.baseMs * 2 ** exponent, backoff.maxMs);
  const delayMs = Math.max(0, Math.round(base * (1 + JOB_RETRY_JITTER * (2 * random - 1))));
  return { status: 'scheduled', delayMs };
}
