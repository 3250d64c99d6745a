import {
  claimDueEmails,
  type EmailChanges,
  updateLeasedEmail,
} from '../../adapters/db/repos/emails-repo.js';
import type { WorkerScope } from '../../adapters/db/repos/webhook-outbox-repo.js';
import type { EmailRow } from '../../adapters/db/schema-mail.js';
import {
  DEFAULT_MAIL_RETRY_SCHEDULE_MS,
  nextMailAttemptDelay,
} from '../../domain/mail/mail-values.js';
import type { MailResult, MailTransport } from '../../ports/mail-transport.js';
import type { Deps } from '../shared/deps.js';

/** What sends live-mode mail: the SMTP transport, the sender, the retry schedule. */
export interface MailSender {
  readonly deps: Deps;
  readonly transport: MailTransport;
  /** `FLINT_MAIL_FROM`: `Shop <billing@shop.example>`. */
  readonly from: string;
  /** The delay before each attempt, the first counted from when the mail was queued. */
  readonly scheduleMs?: readonly number[] | undefined;
  /** How long a claim holds a mail: longer than one SMTP conversation with room to spare. */
  readonly leaseMs: number;
}

export interface MailPassCounts {
  readonly sent: number;
  readonly retrying: number;
  readonly failed: number;
}

type Claimed = EmailRow & { readonly locked_until: Date };

/** `<em_…@shop.example>`: the same on every attempt, so a resend is recognisably the same mail. */
export function messageIdOf(id: string, from: string): string {
  const address = from.match(/<([^>]+)>\s*$/)?.[1] ?? from;
  const domain = address.slice(address.lastIndexOf('@') + 1).trim() || 'flint.invalid';
  return `<${id}@${domain}>`;
}

function changesAfter(sender: MailSender, email: Claimed, result: MailResult): EmailChanges {
  const now = sender.deps.clock.now();
  const attempt = email.attempt_count + 1;
  const common = { attempt_count: attempt, locked_until: null, updated_at: now };
  if (result.ok) {
    return {
      ...common,
      status: 'sent',
      from_address: sender.from,
      provider_message_id: result.messageId,
      sent_at: now,
      next_attempt_at: null,
      last_error: null,
    };
  }
  const schedule = sender.scheduleMs ?? DEFAULT_MAIL_RETRY_SCHEDULE_MS;
  const delay = nextMailAttemptDelay(schedule, attempt, result.permanent);
  return delay === null
    ? { ...common, status: 'failed', last_error: result.error, next_attempt_at: null }
    : { ...common, last_error: result.error, next_attempt_at: new Date(now.getTime() + delay) };
}

/**
 * Sends one claimed mail and records the outcome, outside any transaction. Exactly once
 * but for one window: a crash after the server accepted the mail and before the outcome
 * is recorded leaves the lease to run out, and another worker sends it again (with the
 * same Message-ID). A lease that ran out while sending records nothing here: the worker
 * that took the mail over records its own attempt.
 */
async function attemptMail(sender: MailSender, email: Claimed): Promise<keyof MailPassCounts> {
  const result = await sender.transport.send({
    from: sender.from,
    to: email.to_address,
    subject: email.subject,
    text: email.text,
    html: email.html,
    messageId: messageIdOf(email.id, sender.from),
  });
  const changes = changesAfter(sender, email, result);
  await updateLeasedEmail(sender.deps.db, email, changes);
  if (changes.status === 'sent') return 'sent';
  return changes.status === 'failed' ? 'failed' : 'retrying';
}

/**
 * One pass of the SMTP worker: leases up to `limit` due live-mode mails, sends them and
 * records what the server answered (sent, a retry later, or failed for good).
 */
export async function deliverDueMail(
  sender: MailSender,
  { scope, limit }: { readonly scope: WorkerScope; readonly limit: number },
): Promise<MailPassCounts> {
  const claimed = await claimDueEmails(sender.deps.db, scope, {
    now: sender.deps.clock.now(),
    leaseMs: sender.leaseMs,
    limit,
  });
  // Side by side: each lease covers one conversation, however many mails were claimed.
  const outcomes = await Promise.all(claimed.map((email) => attemptMail(sender, email)));
  const counts = { sent: 0, retrying: 0, failed: 0 };
  for (const outcome of outcomes) counts[outcome] += 1;
  return counts;
}
