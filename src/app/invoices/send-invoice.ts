import type { Kysely } from 'kysely';
import { selectInvoiceSettings } from '../../adapters/db/repos/invoices-repo.js';
import type { Database } from '../../adapters/db/schema.js';
import type { InvoiceRow } from '../../adapters/db/schema-invoices.js';
import { fail, ok, type Result } from '../../domain/errors.js';
import type { Tenant } from '../../domain/tenant.js';
import type { InvoiceView } from '../../resources/invoice.js';
import type { ChangeContext } from '../shared/command-context.js';
import { scheduleReminders } from './invoice-jobs.js';
import { buyerEmailOf, invoiceMail, queueInvoiceMail, reminderMail } from './invoice-mails.js';
import { moveInvoiceRow } from './invoice-moves.js';

/** What mailing an invoice acts on: the invoice, and where its links point. */
export interface SendInvoiceInput {
  readonly id: string;
  /** Flint's public address (`FLINT_PUBLIC_URL`, else the request's). */
  readonly baseUrl: string;
}

const NO_EMAIL = fail({
  code: 'invoice_email_missing',
  message:
    "The invoice has no buyer email: its customer_details.email (set on the draft) or its customer's email",
  loc: ['customer_details', 'email'],
});

/** Who the mail goes to and the zone its dates read in; no address is a 422. */
async function recipient(
  tx: Kysely<Database>,
  tenant: Tenant,
  invoice: InvoiceRow,
): Promise<Result<{ readonly to: string; readonly timeZone: string }>> {
  const to = await buyerEmailOf(tx, tenant, invoice);
  if (!to) return NO_EMAIL;
  const { time_zone: timeZone } = await selectInvoiceSettings(tx, tenant);
  return ok({ to, timeZone });
}

/**
 * Mails an open (or uncollectible) invoice to its buyer — its page, its PDF, amounts, number
 * and due date — and records `invoice.sent`; sending again mails again (a resend). An open
 * invoice with a due date gets its reminders scheduled, per the account's schedule, once
 * per step however often it is sent. The mail and the jobs are written in the move's
 * transaction: they exist exactly when it commits. A draft is a 409 naming the allowed
 * actions; an invoice without a buyer address a 422 `invoice_email_missing`.
 */
export function sendInvoice(
  ctx: ChangeContext,
  input: SendInvoiceInput,
): Promise<Result<InvoiceView>> {
  return moveInvoiceRow(ctx, {
    id: input.id,
    action: 'send',
    step: async (tx, { current: view, now }) => {
      const { invoice } = view;
      const buyer = await recipient(tx, ctx.tenant, invoice);
      if (!buyer.ok) return buyer;
      const mc = { baseUrl: input.baseUrl, timeZone: buyer.value.timeZone, now };
      await queueInvoiceMail(tx, ctx.tenant, {
        to: buyer.value.to,
        kind: 'invoice',
        view,
        template: invoiceMail(view, mc),
        now,
      });
      if (invoice.status === 'open' && invoice.due_date) {
        await scheduleReminders(tx, ctx, {
          invoiceId: invoice.id,
          dueDate: invoice.due_date,
          baseUrl: input.baseUrl,
          now,
        });
      }
      return ok([{ changes: { sent_at: now }, event: 'invoice.sent' }]);
    },
  });
}

/**
 * Mails the buyer of an open invoice a reminder now (the console's "Remind"), worded by
 * its due date; each call is a mail. Changes nothing on the invoice and records no event.
 */
export function remindInvoice(
  ctx: ChangeContext,
  input: SendInvoiceInput,
): Promise<Result<InvoiceView>> {
  return moveInvoiceRow(ctx, {
    id: input.id,
    action: 'remind',
    step: async (tx, { current: view, now }) => {
      const buyer = await recipient(tx, ctx.tenant, view.invoice);
      if (!buyer.ok) return buyer;
      const mc = { baseUrl: input.baseUrl, timeZone: buyer.value.timeZone, now };
      await queueInvoiceMail(tx, ctx.tenant, {
        to: buyer.value.to,
        kind: 'invoice_reminder',
        view,
        template: reminderMail(view, { ...mc, offsetDays: null }),
        now,
      });
      return ok([]);
    },
  });
}
