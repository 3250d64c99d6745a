import type { Kysely } from 'kysely';
import { writeAsOne } from '../../adapters/db/one-statement.js';
import { insertEventsQuery } from '../../adapters/db/repos/events-repo.js';
import {
  lockInvoiceById,
  selectInvoiceById,
  selectInvoiceSettings,
} from '../../adapters/db/repos/invoices-repo.js';
import { lockOrder } from '../../adapters/db/repos/orders-repo.js';
import {
  lockSubscriptionById,
  selectSubscriptionById,
  selectSubscriptionSettings,
} from '../../adapters/db/repos/subscriptions-repo.js';
import type { Database } from '../../adapters/db/schema.js';
import type { InvoiceRow } from '../../adapters/db/schema-invoices.js';
import { moveInvoice } from '../../domain/invoices/invoice-state.js';
import { declineClass, nextAttemptAt } from '../../domain/subscriptions/dunning.js';
import type { DeclineClass } from '../../domain/subscriptions/subscription-values.js';
import { SYSTEM_ACTOR } from '../events/record-events.js';
import { buyerEmailOf, paymentFailedMail, queueInvoiceMail } from '../invoices/invoice-mails.js';
import { stagedWrites } from '../invoices/invoice-moves.js';
import { viewOf } from '../invoices/invoice-views.js';
import { chargeInvoice } from '../invoices/pay-invoice.js';
import type { JobContext, RunningJob } from '../jobs/job-kinds.js';
import type { ChangeContext, CommandContext } from '../shared/command-context.js';
import { paymentMethodOf } from './payment-method-of.js';
import { end, move } from './renew-subscription.js';
import {
  CHARGE,
  DUNNING_END,
  type SubscriptionJobPayload,
  scheduleSubscriptionJob,
} from './subscription-schedule.js';

const DAY_MS = 86_400_000;

/** Payment failures that are the account's, not the card's: the attempt is tried again later. */
const NOT_THE_CARDS = new Set(['payment_in_progress', 'processor_unavailable']);

/**
 * One automatic charge of a period's invoice (a `subscription.charge` job): the saved
 * payment method (the subscription's, else the customer's default) is charged off-session
 * through `chargeInvoice` (`payInvoice` given the invoice and method read here) — the same
 * pay reservation as the hosted page and the API, so a retry racing a buyer never charges
 * twice — with the job's key as the payment's request key (a worker that dies after the
 * charge finds the same payment on the job's next attempt). A success is recorded by the
 * invoice's payment, which moves the subscription (`subscriptionFollowsPayment`). A
 * decline is recorded here, once, with the job's end.
 */
export async function chargePeriod(
  ctx: JobContext,
  job: RunningJob<SubscriptionJobPayload>,
): Promise<void> {
  const { deps, tenant } = ctx;
  const invoiceId = job.payload.invoice_id;
  const attempt = job.payload.attempt ?? 1;
  if (!invoiceId) throw new Error(`charge job ${job.key} names no invoice`);
  const invoice = await selectInvoiceById(deps.db, tenant, invoiceId);
  const sub = await selectSubscriptionById(deps.db, tenant, job.payload.subscription_id);
  if (!invoice || !sub || !collectible(invoice) || sub.status === 'canceled') return;
  const method = await paymentMethodOf(deps.db, tenant, sub);
  let declineCode = 'no_payment_method';
  if (method) {
    if (!ctx.processors) throw new Error('a subscription is charged by a runner with processors');
    const command: CommandContext = {
      deps,
      tenant,
      processors: ctx.processors,
      actor: SYSTEM_ACTOR,
      requestKey: `job:${job.key}`,
    };
    const paid = await chargeInvoice(command, {
      id: invoiceId,
      payment: { payment_method_id: method.id, off_session: true },
      row: invoice,
      method,
    });
    if (!paid.ok) {
      if (NOT_THE_CARDS.has(paid.error.code)) throw new Error(paid.error.message);
      if (paid.error.code === 'invoice_state_invalid') return;
      declineCode = paid.error.code;
    } else {
      const { intent } = paid.value;
      if (!intent || intent.status === 'succeeded') return;
      if (intent.status !== 'failed') {
        if (intent.status === 'requires_action') declineCode = 'authentication_required';
        else throw new Error(`payment ${intent.id} is ${intent.status}: asked again later`);
      } else {
        declineCode = intent.failure_code ?? 'card_declined';
      }
    }
  }
  const firstFailure = job.payload.first_failed_at
    ? new Date(job.payload.first_failed_at)
    : deps.clock.now();
  await ctx.complete((tx) =>
    recordFailedAttempt(tx, ctx, {
      invoiceId,
      attempt,
      declineCode,
      firstFailure,
      now: deps.clock.now(),
    }),
  );
}

function collectible(invoice: Pick<InvoiceRow, 'status'>): boolean {
  return invoice.status === 'open' || invoice.status === 'uncollectible';
}

/**
 * A period's charge failed: under the order's lock, then the invoice's, then the
 * subscription's (the order every path takes), the invoice records the attempt and when
 * the next is due (`attempt_count`, `next_payment_attempt`), the subscription goes
 * `past_due`, and dunning follows the decline's class (`domain/subscriptions/dunning.ts`):
 * soft → the next attempt on the account's schedule, or, the schedule spent, the account's
 * `after_retries` now; hard or authentication → no blind retry: the buyer is mailed the
 * invoice's page (to pay with another card, or confirm with 3-D Secure), and the account's
 * `after_retries` applies at the schedule's last day if it is still unpaid.
 */
export async function recordFailedAttempt(
  tx: Kysely<Database>,
  ctx: ChangeContext,
  p: {
    readonly invoiceId: string;
    readonly attempt: number;
    readonly declineCode: string;
    readonly firstFailure: Date;
    readonly now: Date;
  },
): Promise<void> {
  const { tenant } = ctx;
  const found = await selectInvoiceById(tx, tenant, p.invoiceId);
  if (!found?.subscription_id) return;
  await lockOrder(tx, tenant, found.order_id);
  const invoice = await lockInvoiceById(tx, tenant, p.invoiceId);
  const sub = await lockSubscriptionById(tx, tenant, found.subscription_id);
  if (!invoice || !sub || !collectible(invoice) || sub.status === 'canceled') return;
  const settings = await selectSubscriptionSettings(tx, tenant);
  const cls = declineClass(p.declineCode);
  const next = nextAttemptAt({
    declineClass: cls,
    failedAttempts: p.attempt,
    firstFailure: p.firstFailure,
    retryDays: settings.retry_days,
  });
  const current = await viewOf(tx, tenant, invoice);
  const staged = stagedWrites(tx, ctx, {
    current,
    stages: [
      {
        changes: { attempt_count: p.attempt, next_payment_attempt: next },
        event: 'invoice.updated',
      },
    ],
    now: p.now,
  });
  await writeAsOne(tx, [...staged.writes, insertEventsQuery(tx, staged.events)]);
  await mailFailure(tx, ctx, {
    invoice: staged.view.invoice,
    baseUrl: sub.base_url,
    cls,
    next,
    attempt: p.attempt,
    now: p.now,
  });
  if (next) {
    await scheduleSubscriptionJob(tx, tenant, {
      row: sub,
      kind: CHARGE,
      step: `charge:${invoice.id}:${p.attempt + 1}`,
      runAt: next,
      payload: {
        invoice_id: invoice.id,
        attempt: p.attempt + 1,
        first_failed_at: p.firstFailure.toISOString(),
      },
    });
  }
  const failed =
    sub.status === 'past_due'
      ? sub
      : await move(tx, ctx, { current: sub, event: 'period_failed', changes: {}, now: p.now });
  if (next) return;
  const lastDay = Math.max(0, ...settings.retry_days);
  const deadline = new Date(p.firstFailure.getTime() + lastDay * DAY_MS);
  if (cls === 'soft' || deadline.getTime() <= p.now.getTime()) {
    await exhaust(tx, ctx, { row: failed, invoiceId: invoice.id, now: p.now });
    return;
  }
  await scheduleSubscriptionJob(tx, tenant, {
    row: sub,
    kind: DUNNING_END,
    step: `dunning_end:${invoice.id}`,
    runAt: deadline,
    payload: { invoice_id: invoice.id },
  });
}

/**
 * Dunning is over and the period is unpaid: the account's `after_retries` (the
 * subscription canceled, `unpaid`, or left `past_due`) and `invoice_after_retries` (the
 * invoice left open, or marked `uncollectible`: it can still be paid). In the caller's
 * transaction, which holds the order's, the invoice's and the subscription's locks.
 */
export async function exhaust(
  tx: Kysely<Database>,
  ctx: ChangeContext,
  p: {
    readonly row: Parameters<typeof move>[2]['current'];
    readonly invoiceId: string;
    readonly now: Date;
  },
): Promise<void> {
  const settings = await selectSubscriptionSettings(tx, ctx.tenant);
  if (settings.invoice_after_retries === 'uncollectible') {
    await markUncollectibleIn(tx, ctx, { invoiceId: p.invoiceId, now: p.now });
  }
  if (settings.after_retries === 'past_due') return;
  if (settings.after_retries === 'canceled') {
    await end(tx, ctx, {
      current: p.row,
      event: 'retries_exhausted_cancel',
      now: p.now,
      reason: 'payment_failed',
    });
    return;
  }
  await move(tx, ctx, {
    current: p.row,
    event: 'retries_exhausted_unpaid',
    changes: {},
    now: p.now,
  });
}

/** The invoice, still open, marked `uncollectible` (`invoice.marked_uncollectible`). */
async function markUncollectibleIn(
  tx: Kysely<Database>,
  ctx: ChangeContext,
  p: { readonly invoiceId: string; readonly now: Date },
): Promise<void> {
  const invoice = await selectInvoiceById(tx, ctx.tenant, p.invoiceId);
  if (!invoice || !moveInvoice(invoice.status, 'mark_uncollectible').ok) return;
  const staged = stagedWrites(tx, ctx, {
    current: await viewOf(tx, ctx.tenant, invoice),
    stages: [
      {
        changes: { status: 'uncollectible', marked_uncollectible_at: p.now },
        event: 'invoice.marked_uncollectible',
      },
    ],
    now: p.now,
  });
  await writeAsOne(tx, [...staged.writes, insertEventsQuery(tx, staged.events)]);
}

/**
 * The end of dunning for a decline that was not retried (a `subscription.dunning_end`
 * job): if the invoice is still unpaid and the subscription still past due, the account's
 * `after_retries` applies.
 */
export async function endDunning(
  ctx: JobContext,
  job: RunningJob<SubscriptionJobPayload>,
): Promise<void> {
  const { tenant } = ctx;
  const invoiceId = job.payload.invoice_id;
  if (!invoiceId) return;
  await ctx.complete(async (tx) => {
    const found = await selectInvoiceById(tx, tenant, invoiceId);
    if (!found) return;
    await lockOrder(tx, tenant, found.order_id);
    const invoice = await lockInvoiceById(tx, tenant, invoiceId);
    const sub = await lockSubscriptionById(tx, tenant, job.payload.subscription_id);
    if (!invoice || !sub || !collectible(invoice) || sub.status !== 'past_due') return;
    await exhaust(tx, ctx, { row: sub, invoiceId, now: ctx.deps.clock.now() });
  });
}

/**
 * The buyer hears of each failed attempt once (a dedupe key per invoice and attempt), with
 * a link to the invoice's page at the server's public URL, else the subscription's own
 * (`base_url`, its creating request's): a worker has no request to take a host from.
 */
async function mailFailure(
  tx: Kysely<Database>,
  { deps, tenant }: ChangeContext,
  p: {
    readonly invoice: InvoiceRow;
    readonly baseUrl: string | null;
    readonly cls: DeclineClass;
    readonly next: Date | null;
    readonly attempt: number;
    readonly now: Date;
  },
): Promise<void> {
  const to = await buyerEmailOf(tx, tenant, p.invoice);
  if (!to) return;
  const view = await viewOf(tx, tenant, p.invoice);
  const { time_zone: timeZone } = await selectInvoiceSettings(tx, tenant);
  const template = paymentFailedMail(view, {
    baseUrl: deps.publicUrl ?? p.baseUrl,
    timeZone,
    now: p.now,
    declineClass: p.cls,
    nextAttempt: p.next,
  });
  await queueInvoiceMail(tx, tenant, {
    to,
    kind: 'payment_failed',
    view,
    template,
    dedupeKey: `invoice:${p.invoice.id}:payment_failed:${p.attempt}`,
    now: p.now,
  });
}
