import type { Kysely } from 'kysely';
import { insertEmail } from '../../adapters/db/repos/emails-repo.js';
import type { Database } from '../../adapters/db/schema.js';
import type { EmailRow } from '../../adapters/db/schema-mail.js';
import { type EmailKind, initialEmailStatus } from '../../domain/mail/mail-values.js';
import type { Tenant } from '../../domain/tenant.js';
import { newOwnedRow } from '../shared/ids.js';
import type { RenderedMail } from './render-mail.js';

/** A mail to keep (test mode) or send (live mode): its rendering and what it is about. */
export interface MailInput extends RenderedMail {
  readonly to: string;
  readonly kind: EmailKind;
  /** The object the mail is about, shown with it and filtered on. */
  readonly object?: { readonly type: string; readonly id: string } | undefined;
  /**
   * Unique per account and mode: a mail whose key was already used is not written again
   * (`invoice:inv_…:reminder:before_due`). Without one, every call writes a mail.
   */
  readonly dedupeKey?: string | undefined;
  /** The transaction's time (`deps.clock.now()`). */
  readonly now: Date;
}

/** What queueing came to: the mail written, or the one its dedupe key already named. */
export interface QueuedMail {
  readonly email: EmailRow;
  readonly duplicate: boolean;
}

/** An address or subject that would span lines could add headers: a bug of the caller. */
function oneLine(name: string, value: string): string {
  if (/[\r\n]/.test(value)) throw new Error(`a mail's ${name} must be one line`);
  return value;
}

/**
 * Writes a mail in the caller's transaction (`transact`'s `tx`): the emails table is the
 * outbox, so the mail is kept exactly when the change it tells about commits, and a
 * rollback leaves nothing. Test-mode mail is kept in the mailbox and never sent; live-mode
 * mail is queued for the SMTP worker, which sends it after the commit.
 */
export async function queueMail(
  tx: Kysely<Database>,
  tenant: Tenant,
  mail: MailInput,
): Promise<QueuedMail> {
  if (!mail.to.includes('@')) throw new Error('a mail needs an address to go to');
  const status = initialEmailStatus(tenant.mode);
  const { row, duplicate } = await insertEmail(tx, {
    ...newOwnedRow('em', tenant),
    kind: mail.kind,
    to_address: oneLine('address', mail.to),
    from_address: null,
    subject: oneLine('subject', mail.subject),
    text: mail.text,
    html: mail.html,
    object_type: mail.object?.type ?? null,
    object_id: mail.object?.id ?? null,
    dedupe_key: mail.dedupeKey ?? null,
    status,
    attempt_count: 0,
    next_attempt_at: status === 'queued' ? mail.now : null,
    locked_until: null,
    last_error: null,
    provider_message_id: null,
    sent_at: null,
    created_at: mail.now,
    updated_at: mail.now,
  });
  return { email: row, duplicate };
}
