import type { Kysely } from 'kysely';
import { type Write, writeAsOne } from '../../adapters/db/one-statement.js';
import { insertEventsQuery } from '../../adapters/db/repos/events-repo.js';
import {
  lockInvoiceById,
  selectInvoiceById,
  takeInvoiceNumber,
  updateInvoiceQuery,
} from '../../adapters/db/repos/invoices-repo.js';
import type { Database, NewEventRow } from '../../adapters/db/schema.js';
import type { InvoiceRow } from '../../adapters/db/schema-invoices.js';
import { fail, missing, ok, type Result } from '../../domain/errors.js';
import { dueDateOf, invoiceAmounts, invoiceNumber } from '../../domain/invoices/invoice-amounts.js';
import { moveInvoice } from '../../domain/invoices/invoice-state.js';
import type { InvoiceAction, InvoiceStatus } from '../../domain/invoices/invoice-values.js';
import { completionWithoutPayment } from '../../domain/order-lifecycle.js';
import type { InvoiceView } from '../../resources/invoice.js';
import { readLockedOrder, withOrderLock } from '../orders/change-order.js';
import { completeWithoutPayment, completionFactsOf } from '../payments/complete-without-payment.js';
import type { ChangeContext } from '../shared/command-context.js';
import { type InvoiceEventType, invoiceEvent, viewOf } from './invoice-views.js';

/** The columns a move changes (its status among them) and the event it records. */
export interface InvoiceStage {
  readonly changes: Partial<Omit<InvoiceRow, 'id' | 'account_id' | 'mode' | 'created_at'>>;
  readonly event: InvoiceEventType;
}

/** What a move does once the table allowed it: its stages, in order (none refuses). */
export type InvoiceStep = (
  tx: Kysely<Database>,
  p: {
    readonly current: InvoiceView;
    readonly to: InvoiceStatus;
    readonly now: Date;
    /** Who moves it, for a step that changes the order too (under the lock it holds). */
    readonly ctx: ChangeContext;
  },
) => Promise<Result<readonly InvoiceStage[]>>;

/**
 * One move of an invoice, written once for every action: under its order's lock (the
 * order is what a finalized invoice freezes, and what a payment changes) and its own, the
 * transition table decides whether `action` is allowed (a 409 naming those that are);
 * `step` gives the columns and events; each stage's event carries the invoice as that
 * stage left it, and everything is written in one statement sent with the commit.
 */
export async function moveInvoiceRow(
  ctx: ChangeContext,
  {
    id,
    action,
    step,
  }: { readonly id: string; readonly action: InvoiceAction; readonly step: InvoiceStep },
): Promise<Result<InvoiceView>> {
  const { deps, tenant } = ctx;
  const found = await selectInvoiceById(deps.db, tenant, id);
  if (!found) return fail(missing('invoice'));
  return withOrderLock(ctx, found.order_id, async (tx, now) => {
    const row = await lockInvoiceById(tx, tenant, id);
    if (!row) return fail(missing('invoice'));
    const current = await viewOf(tx, tenant, row);
    const to = moveInvoice(row.status, action, { approvalRequired: row.requires_approval });
    if (!to.ok) return to;
    const stages = await step(tx, { current, to: to.value, now, ctx });
    if (!stages.ok) return stages;
    const view = await writeStages(tx, ctx, { current, stages: stages.value, now });
    return ok(view);
  });
}

/**
 * Writes an invoice's stages in one statement sent with the commit (with `also`, the
 * request's answer, when given): each stage's event carries the invoice as that stage
 * left it. Answers the invoice after the last.
 */
export async function writeStages(
  tx: Kysely<Database>,
  author: ChangeContext,
  p: {
    readonly current: InvoiceView;
    readonly stages: readonly InvoiceStage[];
    readonly now: Date;
    readonly also?: (view: InvoiceView) => readonly Write[];
  },
): Promise<InvoiceView> {
  const { view, writes, events } = stagedWrites(tx, author, p);
  const all = events.length === 0 ? writes : [...writes, insertEventsQuery(tx, events)];
  await writeAsOne(tx, [...all, ...(p.also?.(view) ?? [])], { last: true });
  return view;
}

/**
 * What an invoice's stages write, unsent: the invoice's update and its events (each
 * carrying the invoice as that stage left it), for a caller that sends them with its own
 * statement (a payment settled on the order). No stages, no writes.
 */
export function stagedWrites(
  tx: Kysely<Database>,
  { deps, tenant, actor }: ChangeContext,
  p: {
    readonly current: InvoiceView;
    readonly stages: readonly InvoiceStage[];
    readonly now: Date;
  },
): { readonly view: InvoiceView; readonly writes: Write[]; readonly events: NewEventRow[] } {
  let view = p.current;
  const events = p.stages.map((stage) => {
    const before = view;
    view = { ...view, invoice: { ...view.invoice, ...stage.changes, updated_at: p.now } };
    return invoiceEvent(
      { tenant, actor },
      { type: stage.event, view, before, publicUrl: deps.publicUrl },
    );
  });
  if (events.length === 0) return { view, writes: [], events };
  const { id, account_id, mode, created_at, ...changes } = view.invoice;
  return { view, writes: [updateInvoiceQuery(tx, tenant, id, changes)], events };
}

/**
 * Finalizing (or approving): the next number of the account's counter (taken in this
 * transaction: a rollback gives it back), the due date, `invoice.finalized` — and, when
 * nothing is left to pay (a 100 % coupon), `paid` at once with no processor call, its
 * order PAID with it (`completeOrderOf`). A draft that needs approval only asks for it.
 */
export const finalizeStep: InvoiceStep = async (tx, { current, to, now, ctx }) => {
  const { order, invoice } = current;
  if (order.status === 'CANCELED') {
    return fail({
      code: 'order_state_invalid',
      message: 'The invoice’s order is canceled: void the invoice instead',
      loc: ['status'],
      details: { status: order.status },
    });
  }
  if (to === 'awaiting_approval') {
    return ok([
      {
        changes: { status: to, approval_requested_at: now },
        event: 'invoice.approval_requested',
      },
    ]);
  }
  const { prefix, sequence } = await takeInvoiceNumber(tx, tenantOf(invoice));
  const finalized: InvoiceStage = {
    changes: {
      status: 'open',
      number: invoiceNumber(prefix, sequence),
      finalized_at: now,
      due_date: dueDateOf(now, { dueDate: invoice.due_date, daysUntilDue: invoice.days_until_due }),
      ...(invoice.status === 'awaiting_approval' ? { approved_at: now } : {}),
    },
    event: 'invoice.finalized',
  };
  if (invoiceAmounts(order).remaining > 0) return ok([finalized]);
  const completed = await completeOrderOf(tx, ctx, { orderId: order.id, now });
  if (!completed.ok) return completed;
  return ok([finalized, { changes: { status: 'paid', paid_at: now }, event: 'invoice.paid' }]);
};

/**
 * An invoice paid with nothing to pay takes its order with it, in the same transaction
 * (the order's lock is held): an order that can be completed without payment becomes PAID
 * by the code `/pay` uses (its stock and coupons taken, `order.paid`); one already paid
 * stays as it is. A reservation that fails (out of stock) is the move's failure.
 */
export async function completeOrderOf(
  tx: Kysely<Database>,
  ctx: ChangeContext,
  { orderId, now }: { readonly orderId: string; readonly now: Date },
): Promise<Result<void>> {
  const before = await readLockedOrder(tx, ctx.tenant, orderId);
  if (!before) return fail(missing('order'));
  if (!completionWithoutPayment(completionFactsOf(before)).ok) return ok(undefined);
  const completed = await completeWithoutPayment(tx, ctx, { before, now });
  return completed.ok ? ok(undefined) : completed;
}

function tenantOf(row: Pick<InvoiceRow, 'account_id' | 'mode'>) {
  return { accountId: row.account_id, mode: row.mode };
}
