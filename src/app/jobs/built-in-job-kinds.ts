import { INVOICE_OVERDUE_JOB, INVOICE_REMINDER_JOB } from '../invoices/invoice-jobs.js';
import type { AnyJobKind } from './job-kinds.js';

/**
 * The job kinds Flint runs: a capability that schedules work adds its kind here, and
 * every worker (`flint worker`, `flint serve`, `flint dev`) runs them. (Apart from
 * `job-kinds.ts`, which the kinds themselves import: no import cycle.)
 */
export const BUILT_IN_JOB_KINDS: readonly AnyJobKind[] = [
  INVOICE_REMINDER_JOB,
  INVOICE_OVERDUE_JOB,
];
