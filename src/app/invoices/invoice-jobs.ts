import type { Kysely } from 'kysely';
import { advanceDueJobs } from '../../adapters/db/repos/due-jobs-repo.js';
import {
  lockInvoiceById,
  selectInvoiceById,
  selectInvoiceSettings,
} from '../../adapters/db/repos/invoices-repo.js';
import type { Database } from '../../adapters/db/schema.js';
import type { Result } from '../../domain/errors.js';
import { invoiceAmounts } from '../../domain/invoices/invoice-amounts.js';
import { overdueAt, reminderSteps } from '../../domain/invoices/invoice-reminders.js';
import type { InvoiceView } from '../../resources/invoice.js';
import type { JobKind } from '../jobs/job-kinds.js';
import { runDueJobs } from '../jobs/run-due-jobs.js';
import { scheduleJobIn } from '../jobs/schedule-jobs.js';
import type { TenantContext } from '../shared/command-context.js';
import { buyerEmailOf, queueInvoiceMail, reminderMail } from './invoice-mails.js';
import { writeStages } from './invoice-moves.js';
import { getInvoice, viewOf } from './invoice-views.js';

// An invoice's scheduled work, on the due-jobs table: a reminder per step of the account's
// schedule (once each: the job's key, `invoice:<id>:reminder:<step>`, is unique, and so is
// its mail's dedupe key) and the overdue mark at the end of the due day. A job finds the
// invoice as it is when it runs: one paid, voided or uncollectible meanwhile gets nothing.

interface ReminderPayload {
  readonly invoice_id: string;
  readonly step: string;
  readonly offset_days: number;
  /** Where the links point when Flint has no `FLINT_PUBLIC_URL`: the sender's address. */
  readonly base_url: string | null;
}

interface OverduePayload {
  readonly invoice_id: string;
}

/** Mails one reminder step, with the job's completion, if the invoice is still open and owed. */
export const INVOICE_REMINDER_JOB: JobKind<ReminderPayload> = {
  kind: 'invoice.reminder',
  async run(ctx, job) {
    const { tenant, deps } = ctx;
    await ctx.complete(async (tx) => {
      const row = await selectInvoiceById(tx, tenant, job.payload.invoice_id);
      if (row?.status !== 'open') return;
      const view = await viewOf(tx, tenant, row);
      if (invoiceAmounts(view.order).remaining === 0) return;
      const to = await buyerEmailOf(tx, tenant, row);
      if (!to) return;
      const { time_zone: timeZone } = await selectInvoiceSettings(tx, tenant);
      const now = deps.clock.now();
      const mc = {
        baseUrl: deps.publicUrl ?? job.payload.base_url,
        timeZone,
        now,
        offsetDays: job.payload.offset_days,
      };
      await queueInvoiceMail(tx, tenant, {
        to,
        kind: 'invoice_reminder',
        view,
        template: reminderMail(view, mc),
        dedupeKey: job.key,
        now,
      });
    });
  },
};

/**
 * At the end of the due day, an invoice still open and owed records `invoice.overdue` and
 * shows `overdue: true`; its status stays `open` (as Stripe's: overdue is not a status).
 */
export const INVOICE_OVERDUE_JOB: JobKind<OverduePayload> = {
  kind: 'invoice.overdue',
  async run(ctx, job) {
    const { tenant, deps } = ctx;
    await ctx.complete(async (tx) => {
      const row = await lockInvoiceById(tx, tenant, job.payload.invoice_id);
      if (row?.status !== 'open' || row.overdue_at !== null) return;
      const current = await viewOf(tx, tenant, row);
      if (invoiceAmounts(current.order).remaining === 0) return;
      const now = deps.clock.now();
      await writeStages(tx, ctx, {
        current,
        stages: [{ changes: { overdue_at: now }, event: 'invoice.overdue' }],
        now,
      });
    });
  },
};

/** The job key of an invoice's step: `invoice:inv_…:reminder:before_due_3`, `…:overdue`. */
export const invoiceJobKey = (invoiceId: string, step: string) => `invoice:${invoiceId}:${step}`;

/** The test clock the jobs run by (`Clock.id`), if the deps' clock is one. */
const clockOf = (ctx: TenantContext) => ctx.deps.clock.id ?? null;

/**
 * Schedules an open invoice's overdue mark at the end of its due day in the account's time
 * zone, in the finalizing transaction.
 */
export async function scheduleOverdue(
  tx: Kysely<Database>,
  ctx: TenantContext,
  invoice: { readonly id: string; readonly dueDate: Date; readonly timeZone: string },
): Promise<void> {
  await scheduleJobIn(tx, ctx.tenant, {
    kind: INVOICE_OVERDUE_JOB,
    key: invoiceJobKey(invoice.id, 'overdue'),
    payload: { invoice_id: invoice.id },
    runAt: overdueAt(invoice.dueDate, invoice.timeZone),
    clockId: clockOf(ctx),
  });
}

/**
 * Schedules the reminders of the account's schedule that are still ahead, in the sending
 * transaction. A step already scheduled (an earlier send) keeps its job: each step mails
 * once per invoice however often the invoice is sent.
 */
export async function scheduleReminders(
  tx: Kysely<Database>,
  ctx: TenantContext,
  p: {
    readonly invoiceId: string;
    readonly dueDate: Date;
    readonly baseUrl: string | null;
    readonly now: Date;
  },
): Promise<void> {
  const { reminders, time_zone: timeZone } = await selectInvoiceSettings(tx, ctx.tenant);
  const steps = reminderSteps(p.dueDate, { schedule: reminders, timeZone, now: p.now });
  for (const step of steps) {
    await scheduleJobIn(tx, ctx.tenant, {
      kind: INVOICE_REMINDER_JOB,
      key: invoiceJobKey(p.invoiceId, `reminder:${step.step}`),
      payload: {
        invoice_id: p.invoiceId,
        step: step.step,
        offset_days: step.offsetDays,
        base_url: p.baseUrl,
      },
      runAt: step.runAt,
      clockId: clockOf(ctx),
    });
  }
}

/**
 * Test mode: runs an invoice's scheduled steps (reminders, overdue) due by `until` — all of
 * them when absent — now, as if that time had come, with the kinds' own handlers (so each
 * still goes out once). The account's other jobs already due run too, as a worker would.
 */
export async function advanceInvoiceSchedule(
  ctx: TenantContext,
  { id, until }: { readonly id: string; readonly until?: Date | undefined },
): Promise<Result<InvoiceView>> {
  const found = await getInvoice(ctx.deps, ctx.tenant, id);
  if (!found.ok) return found;
  await advanceDueJobs(ctx.deps.db, ctx.tenant, { keyPrefix: invoiceJobKey(id, ''), until });
  await runDueJobs(ctx.deps, {
    kinds: [INVOICE_REMINDER_JOB, INVOICE_OVERDUE_JOB],
    owner: null,
    scope: { accountIds: [ctx.tenant.accountId] },
  });
  return getInvoice(ctx.deps, ctx.tenant, id);
}
