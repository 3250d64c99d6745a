import type { Mode } from '../tenant.js';

// Mail's closed lists and its retry rule: pure, shared by the table, the wire and the console.

/**
 * An email's status. `kept`: held in the mailbox and never sent (every test-mode mail);
 * `queued`: a live-mode mail waiting for the SMTP worker (held there until `FLINT_SMTP_URL`
 * is set); `sent`: the SMTP server accepted it; `failed`: refused for good, or every retry
 * failed.
 */
export const EMAIL_STATUSES = ['kept', 'queued', 'sent', 'failed'] as const;
export type EmailStatus = (typeof EMAIL_STATUSES)[number];

/** What a mail is about; a capability that sends a new kind of mail adds it here. */
export const EMAIL_KINDS = [
  'invoice',
  'invoice_reminder',
  'receipt',
  'recovery',
  'payment_failed',
  'test',
] as const;
export type EmailKind = (typeof EMAIL_KINDS)[number];

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** The delay before each attempt: the first at once, the last about a day after the first. */
export const DEFAULT_MAIL_RETRY_SCHEDULE_MS: readonly number[] = [
  0,
  MINUTE,
  5 * MINUTE,
  30 * MINUTE,
  2 * HOUR,
  6 * HOUR,
  16 * HOUR,
];

/**
 * The delay before the next attempt after `attemptsMade` failed ones, or null when the mail
 * has failed: a permanent refusal (an SMTP 5xx) is never retried, and the schedule ends.
 */
export function nextMailAttemptDelay(
  schedule: readonly number[],
  attemptsMade: number,
  permanent: boolean,
): number | null {
  if (permanent) return null;
  return schedule[attemptsMade] ?? null;
}

/** The initial status of a new mail: test mode keeps it; live mode queues it for SMTP. */
export function initialEmailStatus(mode: Mode): EmailStatus {
  return mode === 'test' ? 'kept' : 'queued';
}
