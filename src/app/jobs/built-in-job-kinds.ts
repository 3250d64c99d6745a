import { INVOICE_OVERDUE_JOB, INVOICE_REMINDER_JOB } from '../invoices/invoice-jobs.js';
import { PAYMENT_HOLD_EXPIRY_JOB } from '../recovery-links/payment-hold-expiry.js';
import { RECOVERY_LINK_EXPIRY } from '../recovery-links/recovery-link-jobs.js';
import { SUBSCRIPTION_JOB_KINDS } from '../subscriptions/subscription-jobs.js';
import type { AnyJobKind } from './job-kinds.js';

/**
 * The job kinds Flint runs: a capability that schedules work adds its kind here (a file of
 * its own, so that kinds may use the job types without an import cycle), and every worker
 * (`flint worker`, `flint serve`, `flint dev`) runs them.
 */
export const BUILT_IN_JOB_KINDS: readonly AnyJobKind[] = [
  // Invoices: a reminder step; the due day's end.
  INVOICE_REMINDER_JOB,
  INVOICE_OVERDUE_JOB,
  // Recovery links: a link's expiry; a payment's 3-D Secure hold ended.
  RECOVERY_LINK_EXPIRY as AnyJobKind,
  PAYMENT_HOLD_EXPIRY_JOB as AnyJobKind,
  // Subscriptions: renewals, charges and dunning, trial and upcoming notices, expiries.
  ...(SUBSCRIPTION_JOB_KINDS as AnyJobKind[]),
];
