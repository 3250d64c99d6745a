import type { ColumnType, Generated, Selectable } from 'kysely';
import type { ReminderSchedule } from '../../domain/invoices/invoice-reminders.js';
import type {
  CollectionMethod,
  InvoiceBillingReason,
  InvoiceStatus,
} from '../../domain/invoices/invoice-values.js';
import type { Mode } from '../../domain/tenant.js';
import type { Json, MetadataAndTimestamps, Nullable, TenantColumns } from './schema-columns.js';

/** A party's details on an invoice, as the merchant gave them (the buyer's or the seller's). */
export interface InvoiceParty {
  readonly name?: string | undefined;
  readonly email?: string | undefined;
  readonly address?:
    | {
        readonly line1?: string | undefined;
        readonly line2?: string | undefined;
        readonly city?: string | undefined;
        readonly state?: string | undefined;
        readonly postal_code?: string | undefined;
        readonly country?: string | undefined;
      }
    | undefined;
  tax_ids?: { type: string; value: string }[] | undefined;
}

export interface InvoicesTable extends TenantColumns, MetadataAndTimestamps {
  order_id: string;
  customer_id: string | null;
  status: InvoiceStatus;
  /** Null until finalized; kept when voided. */
  number: string | null;
  collection_method: CollectionMethod;
  days_until_due: number | null;
  due_date: Nullable<Date>;
  allow_partial_payments: boolean;
  requires_approval: boolean;
  memo: string | null;
  footer: string | null;
  customer_details: Json<InvoiceParty | null>;
  seller_details: Json<InvoiceParty | null>;
  rejection_reason: string | null;
  approval_requested_at: Nullable<Date>;
  approved_at: Nullable<Date>;
  rejected_at: Nullable<Date>;
  finalized_at: Nullable<Date>;
  paid_at: Nullable<Date>;
  voided_at: Nullable<Date>;
  marked_uncollectible_at: Nullable<Date>;
  /** The unguessable token of the hosted invoice page. */
  hosted_token: string;
  /** When it was last mailed to the buyer (migration 0024). */
  sent_at: Nullable<Date>;
  /** When it became overdue, unpaid at the end of its due day (set once). */
  overdue_at: Nullable<Date>;
  /** The subscription whose period it bills (migration 0032), and why it was made. */
  subscription_id: string | null;
  billing_reason: InvoiceBillingReason | null;
  period_start: Nullable<Date>;
  period_end: Nullable<Date>;
  /** Automatic collection: attempts made, and when the next is due (null: none planned). */
  attempt_count: Generated<number>;
  next_payment_attempt: Nullable<Date>;
}

/** The numbering counter and invoice settings of one account and mode. */
export interface InvoiceSettingsTable {
  account_id: string;
  mode: Mode;
  number_prefix: string;
  /** The last number given; the next finalization takes the one after. */
  last_number: number;
  approval_required: boolean;
  /** The account's IANA time zone: reminders go out at 09:00 there (migration 0024). */
  time_zone: Generated<string>;
  /** Whether finalizing a `send_invoice` invoice mails it to the buyer too. */
  auto_send: Generated<boolean>;
  reminders: ColumnType<ReminderSchedule, string | undefined, string>;
}

export type InvoiceRow = Selectable<InvoicesTable>;
export type InvoiceSettingsRow = Selectable<InvoiceSettingsTable>;

/** An invoice's PDF, stored per version of what it says (migration 0023). */
export interface InvoicePdfsTable {
  invoice_id: string;
  account_id: string;
  mode: Mode;
  /** A digest of the document's text. */
  version: string;
  pdf: Uint8Array;
  created_at: Generated<Date>;
}
