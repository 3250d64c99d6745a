import type { Selectable } from 'kysely';
import type { EmailKind, EmailStatus } from '../../domain/mail/mail-values.js';
import type { Nullable, TenantColumns, Timestamps } from './schema-columns.js';

export type { EmailKind, EmailStatus };

/** One mail: the mailbox's message and, in live mode, the SMTP worker's outbox row. */
export interface EmailsTable extends TenantColumns, Timestamps {
  kind: EmailKind;
  to_address: string;
  /** The sender it went out as (`FLINT_MAIL_FROM`); null until sent. */
  from_address: Nullable<string>;
  subject: string;
  text: string;
  html: string;
  /** The object the mail is about (an invoice, an order). */
  object_type: Nullable<string>;
  object_id: Nullable<string>;
  /** Unique per account and mode: a second mail with the key is never written. */
  dedupe_key: Nullable<string>;
  status: EmailStatus;
  attempt_count: number;
  next_attempt_at: Nullable<Date>;
  /** The lease of the worker sending it now; once past, another worker may take it over. */
  locked_until: Nullable<Date>;
  last_error: Nullable<string>;
  /** The Message-ID the SMTP server accepted. */
  provider_message_id: Nullable<string>;
  sent_at: Nullable<Date>;
}

export type EmailRow = Selectable<EmailsTable>;
