import type { Kysely } from 'kysely';
import { selectCustomerById } from '../../adapters/db/repos/customers-repo.js';
import type { Database } from '../../adapters/db/schema.js';
import type { InvoiceRow } from '../../adapters/db/schema-invoices.js';
import { invoiceAmounts } from '../../domain/invoices/invoice-amounts.js';
import type { EmailKind } from '../../domain/mail/mail-values.js';
import { formatMoney } from '../../domain/money-format.js';
import type { Tenant } from '../../domain/tenant.js';
import { type InvoiceView, invoiceResource } from '../../resources/invoice.js';
import { queueMail } from '../mail/queue-mail.js';
import { type MailRow, type MailTemplate, renderMail } from '../mail/render-mail.js';

// The mails an invoice sends its buyer: the invoice itself, its reminders and a receipt
// per payment. Dates read in the account's time zone; amounts in the currency's exponent.

/**
 * Who the invoice goes to: the buyer's address on the invoice, else its customer's; null
 * when neither has one.
 */
export async function buyerEmailOf(
  db: Kysely<Database>,
  tenant: Tenant,
  invoice: Pick<InvoiceRow, 'customer_details' | 'customer_id'>,
): Promise<string | null> {
  const own = invoice.customer_details?.email;
  if (own) return own;
  if (invoice.customer_id === null) return null;
  const customer = await selectCustomerById(db, tenant, invoice.customer_id);
  return customer?.email ?? null;
}

/** What a mail about an invoice is rendered with besides the invoice. */
export interface InvoiceMailContext {
  /** Where the hosted page and PDF are; null: the mail carries no links. */
  readonly baseUrl: string | null;
  /** The account's IANA time zone, for the dates. */
  readonly timeZone: string;
  readonly now: Date;
}

/** A name or number for a subject: one line, whatever the merchant typed. */
const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();

/** One formatter per time zone: making an `Intl.DateTimeFormat` costs far more than using it. */
const longDates = new Map<string, Intl.DateTimeFormat>();

function longDate(date: Date, timeZone: string): string {
  let format = longDates.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { dateStyle: 'long', timeZone });
    longDates.set(timeZone, format);
  }
  return format.format(date);
}

/** What every invoice mail shows: number, amounts, due date, and its page and PDF. */
function invoiceParts(view: InvoiceView, mc: InvoiceMailContext) {
  const i = invoiceResource(view, mc.baseUrl ?? undefined);
  const m = (amount: number) => formatMoney(amount, i.currency);
  const name = oneLine(`Invoice ${i.number ?? ''}`);
  const seller = view.invoice.seller_details?.name;
  const rows: MailRow[] = [
    { label: 'Invoice number', value: i.number ?? '—' },
    { label: 'Amount due', value: m(i.amount_due.amount) },
    ...(i.amount_paid.amount > 0 ? [{ label: 'Paid', value: m(i.amount_paid.amount) }] : []),
    { label: 'Amount remaining', value: m(i.amount_remaining.amount) },
    ...(view.invoice.due_date
      ? [{ label: 'Due date', value: longDate(view.invoice.due_date, mc.timeZone) }]
      : []),
  ];
  const pay = i.hosted_invoice_url && { label: 'View and pay online', url: i.hosted_invoice_url };
  return {
    subjectName: seller ? `${name} from ${oneLine(seller)}` : name,
    name,
    remaining: m(i.amount_remaining.amount),
    rows,
    action: pay || undefined,
    links: i.invoice_pdf ? [{ label: 'Download the PDF', url: i.invoice_pdf }] : [],
    footer: view.invoice.footer ?? undefined,
  };
}

/** The invoice, mailed to the buyer (`POST /v1/invoices/{id}/send`). */
export function invoiceMail(view: InvoiceView, mc: InvoiceMailContext): MailTemplate {
  const p = invoiceParts(view, mc);
  const due = view.invoice.due_date;
  return {
    subject: p.subjectName,
    heading: p.name,
    paragraphs: [
      `You have a new invoice for ${p.remaining}${due ? `, due ${longDate(due, mc.timeZone)}` : ''}.`,
      ...(view.invoice.memo ? [view.invoice.memo] : []),
    ],
    rows: p.rows,
    action: p.action,
    links: p.links,
    footer: p.footer,
  };
}

/**
 * A reminder: `offsetDays` from the due day (negative before it), as its step says; null
 * for one an operator sends now, worded by the time it goes.
 */
export function reminderMail(
  view: InvoiceView,
  mc: InvoiceMailContext & { readonly offsetDays: number | null },
): MailTemplate {
  const p = invoiceParts(view, mc);
  const due = view.invoice.due_date;
  const offset = mc.offsetDays ?? (due && due < mc.now ? 1 : -1);
  const when = due ? longDate(due, mc.timeZone) : null;
  const [subject, line] =
    when === null
      ? [`Reminder: ${p.subjectName}`, `${p.remaining} is still to pay.`]
      : offset < 0
        ? [`Reminder: ${p.subjectName} is due ${when}`, `${p.remaining} is due on ${when}.`]
        : offset === 0
          ? [`${p.subjectName} is due today`, `${p.remaining} is due today, ${when}.`]
          : [`${p.subjectName} is overdue`, `${p.remaining} was due on ${when} and is unpaid.`];
  return {
    subject,
    heading: p.name,
    paragraphs: [line, 'If you have paid already, thank you — please ignore this reminder.'],
    rows: p.rows,
    action: p.action,
    links: p.links,
    footer: p.footer,
  };
}

/** A receipt for one payment of the invoice. */
export function receiptMail(
  view: InvoiceView,
  mc: InvoiceMailContext & { readonly amount: number },
): MailTemplate {
  const p = invoiceParts(view, mc);
  const paid = formatMoney(mc.amount, view.order.currency);
  const settled = invoiceAmounts(view.order).remaining === 0;
  return {
    subject: `Receipt: ${paid} paid on ${p.subjectName}`,
    heading: `Thank you for your payment`,
    paragraphs: [
      `We received ${paid} for ${p.name} on ${longDate(mc.now, mc.timeZone)}.`,
      settled ? 'The invoice is paid in full.' : `${p.remaining} remains to pay.`,
    ],
    rows: [{ label: 'Payment', value: paid }, ...p.rows.filter((r) => r.label !== 'Due date')],
    action: p.action && { label: 'View the invoice', url: p.action.url },
    links: p.links,
    footer: p.footer,
  };
}

/** Queues a mail about an invoice in the caller's transaction (see `queueMail`). */
export function queueInvoiceMail(
  tx: Kysely<Database>,
  tenant: Tenant,
  mail: {
    readonly to: string;
    readonly kind: EmailKind;
    readonly view: InvoiceView;
    readonly template: MailTemplate;
    readonly dedupeKey?: string | undefined;
    readonly now: Date;
  },
) {
  return queueMail(tx, tenant, {
    to: mail.to,
    kind: mail.kind,
    object: { type: 'invoice', id: mail.view.invoice.id },
    dedupeKey: mail.dedupeKey,
    now: mail.now,
    ...renderMail(mail.template),
  });
}

/**
 * A subscription's automatic charge failed: for a card that will not work again, the buyer
 * is asked to pay with another on the invoice's page (which can save it); for a bank that
 * wants the cardholder (3-D Secure), to confirm the payment there; for a soft decline,
 * told when it is tried again.
 */
export function paymentFailedMail(
  view: InvoiceView,
  mc: InvoiceMailContext & {
    readonly declineClass: 'soft' | 'hard' | 'authentication_required';
    readonly nextAttempt: Date | null;
  },
): MailTemplate {
  const p = invoiceParts(view, mc);
  const ask =
    mc.declineClass === 'authentication_required'
      ? [
          `Your bank asks you to confirm the payment of ${p.remaining} for ${p.name}.`,
          'Open the invoice and confirm it with your card: it takes a minute.',
        ]
      : mc.declineClass === 'hard'
        ? [
            `We could not charge your card for ${p.remaining} (${p.name}), and it cannot be charged again.`,
            'Please pay the invoice with another card.',
          ]
        : [
            `We could not charge your card for ${p.remaining} (${p.name}).`,
            mc.nextAttempt
              ? `We will try again on ${longDate(mc.nextAttempt, mc.timeZone)}, or you can pay now.`
              : 'Please pay the invoice online.',
          ];
  return {
    subject:
      mc.declineClass === 'authentication_required'
        ? `Confirm your payment: ${p.subjectName}`
        : `Payment failed: ${p.subjectName}`,
    heading:
      mc.declineClass === 'authentication_required' ? 'Confirm your payment' : 'Payment failed',
    paragraphs: ask,
    rows: p.rows,
    action: p.action && {
      label:
        mc.declineClass === 'authentication_required' ? 'Confirm the payment' : 'Pay the invoice',
      url: p.action.url,
    },
    links: p.links,
    footer: p.footer,
  };
}
