import type { ColumnType, Selectable } from 'kysely';
import type { DueJobStatus } from '../../domain/due-jobs.js';
import type { Json, Nullable, TenantColumns } from './schema-columns.js';

export type { DueJobStatus };

/** A time the database sets (`now()` by default), read back as a Date. */
type DatabaseTime = ColumnType<Date, Date | undefined, Date>;

/** One piece of scheduled work; its times are the database's (`now()`) or a test clock's. */
export interface DueJobsTable extends TenantColumns {
  kind: string;
  /** Unique per account, mode and kind, e.g. `invoice:inv_123:reminder:before_due`. */
  job_key: string;
  payload: Json<Record<string, unknown>>;
  run_at: DatabaseTime;
  /** The test clock the job runs by; null: real time. */
  clock_id: string | null;
  status: DueJobStatus;
  /** Attempts started, the one running included. */
  attempts: ColumnType<number, number | undefined, number>;
  max_attempts: number;
  last_error: Nullable<string>;
  /** The lease of the worker running it, by the database's clock. */
  locked_until: Nullable<Date>;
  /** The instance (`flint_instances`) running it, or null for a runner that names none. */
  locked_by: Nullable<string>;
  finished_at: Nullable<Date>;
  created_at: DatabaseTime;
  updated_at: DatabaseTime;
}

export type DueJobRow = Selectable<DueJobsTable>;
