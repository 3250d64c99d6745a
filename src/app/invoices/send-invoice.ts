import type { Kysely } from 'kysely';
import { selectInvoiceSettings } from '../../adapters/db/repos/invoices-repo.js';
import type { Database } from '../../adapters/db/schema.js';
import { fail, ok, type Result } from '../../domain/errors.js';
import type { EmailKind } from '../../domain/mail/mail-values.js';
import type { Tenant } from '../../domain/tenant.js';
import type { InvoiceView } from '../../resources/invoice.js';
import type { MailTemplate } from '../mail/render-mail.js';
import type { ChangeContext } from '../shared/command-context.js';
import { scheduleOverdue, scheduleReminders } from './invoice-jobs.js';
import {
  buyerEmailOf,
  type InvoiceMailContext,
  invoiceMail,
  queueInvoiceMail,
  reminderMail,
} from './invoice-mails.js';
import {
  finalizeStep,
  type InvoiceStage,
  type InvoiceStep,
  moveInvoiceRow,
} from './invoice-moves.js';

/** What mailing an invoice acts on: the invoice, and where its links point. */
export interface SendInvoiceInput {
  readonly id: string;
  /** Flint's public address (`FLINT_PUBLIC_URL`, else the request's). */
  readonly baseUrl: string;
  /**
   * The request's Idempotency-Key, if any: a retry of it (after a crash between the
   * commit and the stored answer) does not mail again — the mail's dedupe key names it.
   */
  readonly requestKey?: string | null | undefined;
}

const NO_EMAIL = fail({
  code: 'invoice_email_missing',
  message:
    "The invoice has no buyer email: its customer_details.email (set on the draft) or its customer's email",
  loc: ['customer_details', 'email'],
});

/**
 * Mails the invoice's buyer, in the move's transaction (the mail exists exactly when the
 * move commits): `template` renders it with the account's time zone. No buyer address is
 * a 422 `invoice_email_missing`, and nothing is written.
 */
async function mailBuyer(
  tx: Kysely<Database>,
  tenant: Tenant,
  p: {
    readonly view: InvoiceView;
    readonly kind: EmailKind;
    readonly template: (mc: InvoiceMailContext) => MailTemplate;
    readonly baseUrl: string;
    readonly requestKey?: string | null | undefined;
    readonly now: Date;
  },
): Promise<Result<void>> {
  const to = await buyerEmailOf(tx, tenant, p.view.invoice);
  if (!to) return NO_EMAIL;
  const { time_zone: timeZone } = await selectInvoiceSettings(tx, tenant);
  const template = p.template({ baseUrl: p.baseUrl, timeZone, now: p.now });
  const dedupeKey = p.requestKey
    ? `invoice:${p.view.invoice.id}:${p.kind}:request:${p.requestKey}`
    : undefined;
  await queueInvoiceMail(tx, tenant, {
    to,
    kind: p.kind,
    view: p.view,
    template,
    dedupeKey,
    now: p.now,
  });
  return ok(undefined);
}

/**
 * The invoice mailed to its buyer and, when it is open with a due date, its reminders
 * scheduled (each step once however often it is sent): the `invoice.sent` stage, or the
 * 422 of an invoice with no buyer address.
 */
async function deliver(
  tx: Kysely<Database>,
  ctx: ChangeContext,
  {
    view,
    ...p
  }: {
    readonly view: InvoiceView;
    readonly baseUrl: string;
    readonly requestKey?: string | null | undefined;
    readonly now: Date;
  },
): Promise<Result<InvoiceStage>> {
  const { baseUrl, now } = p;
  const template = (mc: InvoiceMailContext) => invoiceMail(view, mc);
  const mailed = await mailBuyer(tx, ctx.tenant, { ...p, view, kind: 'invoice', template });
  if (!mailed.ok) return mailed;
  const { id, status, due_date: dueDate } = view.invoice;
  if (status === 'open' && dueDate) {
    await scheduleReminders(tx, ctx, { invoiceId: id, dueDate, baseUrl, now });
  }
  return ok({ changes: { sent_at: now }, event: 'invoice.sent' });
}

/**
 * Mails an open (or uncollectible) invoice to its buyer — its page, its PDF, amounts, number
 * and due date — and records `invoice.sent`; sending again mails again (a resend). An open
 * invoice with a due date gets its reminders scheduled, per the account's schedule, once
 * per step however often it is sent, in the same transaction. A draft is a 409 naming the
 * allowed actions; an invoice without a buyer address a 422 `invoice_email_missing`.
 */
export function sendInvoice(
  ctx: ChangeContext,
  { id, baseUrl, requestKey }: SendInvoiceInput,
): Promise<Result<InvoiceView>> {
  return moveInvoiceRow(ctx, {
    id,
    action: 'send',
    step: async (tx, { current: view, now }) => {
      const sent = await deliver(tx, ctx, { view, baseUrl, requestKey, now });
      return sent.ok ? ok([sent.value]) : sent;
    },
  });
}

/**
 * Finalizing (or approving), then what a finalized invoice gets in the same transaction:
 * with a due date, its overdue mark at the end of the due day in the account's time zone;
 * when the settings say `auto_send` (Stripe's send on finalize), what `sendInvoice` does —
 * unless it has no buyer address, then it is finalized and not sent (`sent_at` stays
 * null). Nothing follows an invoice paid at once ($0) or waiting for approval.
 */
export const finalizeAndFollowUp =
  (baseUrl: string): InvoiceStep =>
  async (tx, p) => {
    const stages = await finalizeStep(tx, p);
    const last = stages.ok ? stages.value.at(-1)?.changes : undefined;
    if (!stages.ok || last?.status !== 'open') return stages;
    const { id } = p.current.invoice;
    const { now, ctx } = p;
    const settings = await selectInvoiceSettings(tx, ctx.tenant);
    const dueDate = last.due_date ?? null;
    if (dueDate) await scheduleOverdue(tx, ctx, { id, dueDate, timeZone: settings.time_zone });
    if (!settings.auto_send) return stages;
    const view = { ...p.current, invoice: { ...p.current.invoice, ...last } };
    const sent = await deliver(tx, ctx, { view, baseUrl, now });
    return sent.ok ? ok([...stages.value, sent.value]) : stages;
  };

/**
 * Mails the buyer of an open invoice a reminder now (the console's "Remind"), worded by
 * its due date; each call is a mail. Changes nothing on the invoice and records no event.
 */
export function remindInvoice(
  ctx: ChangeContext,
  { id, baseUrl, requestKey }: SendInvoiceInput,
): Promise<Result<InvoiceView>> {
  return moveInvoiceRow(ctx, {
    id,
    action: 'remind',
    step: async (tx, { current: view, now }) => {
      const template = (mc: InvoiceMailContext) => reminderMail(view, { ...mc, offsetDays: null });
      const kind = 'invoice_reminder';
      const mail = { view, kind, template, baseUrl, requestKey, now } as const;
      const mailed = await mailBuyer(tx, ctx.tenant, mail);
      return mailed.ok ? ok([]) : mailed;
    },
  });
}
