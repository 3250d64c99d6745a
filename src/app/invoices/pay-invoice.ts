import { lockInvoiceById, selectInvoiceById } from '../../adapters/db/repos/invoices-repo.js';
import type { PaymentIntentRow } from '../../adapters/db/schema.js';
import type { InvoiceRow } from '../../adapters/db/schema-invoices.js';
import type { PaymentMethodRow } from '../../adapters/db/schema-payment-methods.js';
import { fail, missing, ok, type Result } from '../../domain/errors.js';
import { invoiceAmounts } from '../../domain/invoices/invoice-amounts.js';
import { moveInvoice } from '../../domain/invoices/invoice-state.js';
import type { InvoiceView } from '../../resources/invoice.js';
import { withOrderLock } from '../orders/change-order.js';
import { payOrder } from '../payments/pay-order.js';
import type { PayOrderInput } from '../payments/payment-request-checks.js';
import type { AnswerOption } from '../shared/answer-once.js';
import type { ChangeContext, CommandContext } from '../shared/command-context.js';
import { onOrderClock } from '../test-clocks/clock-time.js';
import {
  completeOrderOf,
  type InvoiceStage,
  moveInvoiceRow,
  writeStages,
} from './invoice-moves.js';
import { viewOf } from './invoice-views.js';

/** What paying an invoice answers: the invoice, and the payment made (none when none was needed). */
export interface InvoicePayment {
  readonly view: InvoiceView;
  readonly paymentIntent: PaymentIntentRow | null;
}

const PAID = (now: Date): InvoiceStage => ({
  changes: { status: 'paid', paid_at: now },
  event: 'invoice.paid',
});

/**
 * Pays an open (or uncollectible) invoice: its remaining amount — or `amount`, when the
 * invoice allows partial payments — through the order's own `payOrder` (so every way of
 * paying the order shares its balance and its once-only guarantees). The invoice records
 * the outcome (`invoice.payment_succeeded` or `.payment_failed`) and becomes `paid` once
 * the order's balance is 0. An invoice with nothing left to pay is paid without a
 * processor call.
 */
export async function payInvoice(
  request: CommandContext,
  input: PayInvoice,
  { answer }: AnswerOption<InvoicePayment> = {},
): Promise<Result<InvoicePayment>> {
  const paid = await chargeInvoice(request, input);
  if (!paid.ok) return paid;
  const { ctx, row, view, intent } = paid.value;
  if (view) return ok({ view, paymentIntent: null });
  return recordPayment(ctx, { id: row.id, orderId: row.order_id, intent }, { answer });
}

/** What `payInvoice` pays, and what its caller already read of it. */
export interface PayInvoice {
  readonly id: string;
  readonly payment: PayOrderInput;
  /** The invoice, when the caller has read it (a renewal's charge): not read again. */
  readonly row?: InvoiceRow | undefined;
  /** The saved method `payment.payment_method_id` names, when the caller has read it. */
  readonly method?: PaymentMethodRow | undefined;
}

/**
 * `payInvoice` without reading the invoice back: what a renewal's charge needs (the
 * payment's outcome; the invoice recorded it in the transaction that settled it).
 * Answers the payment made, null when nothing was left to pay.
 */
export async function chargeInvoice(
  request: CommandContext,
  { id, payment, row: known, method }: PayInvoice,
): Promise<
  Result<{
    readonly ctx: ChangeContext;
    readonly row: InvoiceRow;
    /** The invoice, paid with nothing left to pay; absent when a payment was made. */
    readonly view?: InvoiceView;
    readonly intent: PaymentIntentRow | null;
  }>
> {
  const { deps, tenant } = request;
  const row = known ?? (await selectInvoiceById(deps.db, tenant, id));
  if (!row) return fail(missing('invoice'));
  // In its customer's time: an invoice of a customer on a test clock is paid at the clock's.
  const ctx = await onOrderClock(request, row.order_id);
  const allowed = moveInvoice(row.status, 'pay');
  if (!allowed.ok) return allowed;
  const { remaining } = invoiceAmounts((await viewOf(deps.db, tenant, row)).order);
  if (remaining === 0) {
    const view = await moveInvoiceRow(ctx, {
      id,
      action: 'pay',
      step: async (tx, { now, ctx: author }) => {
        const completed = await completeOrderOf(tx, author, { orderId: row.order_id, now });
        return completed.ok ? ok([PAID(now)]) : completed;
      },
    });
    return view.ok ? ok({ ctx, row, view: view.value, intent: null }) : view;
  }
  if (payment.amount !== undefined && payment.amount < remaining && !row.allow_partial_payments) {
    return fail({
      code: 'amount_invalid',
      message: `This invoice is paid in full (${remaining}): it does not allow partial payments`,
      loc: ['payment', 'amount'],
      details: { amount_remaining: remaining },
    });
  }
  const paid = await payOrder(ctx, { orderId: row.order_id, payment, method });
  return paid.ok ? ok({ ctx, row, intent: paid.value.paymentIntent }) : paid;
}

/**
 * The invoice after its payment, with the request's answer written under the order's
 * lock: the payment's outcome (and `paid`) was recorded on the invoice in the transaction
 * that settled it on the order (`invoiceFollowsPayment`), as for any way of paying it.
 * With no answer to write, it is only read back (two statements, not a transaction).
 */
async function recordPayment(
  ctx: ChangeContext,
  {
    id,
    orderId,
    intent,
  }: { readonly id: string; readonly orderId: string; readonly intent: PaymentIntentRow | null },
  { answer }: AnswerOption<InvoicePayment>,
): Promise<Result<InvoicePayment>> {
  const { tenant } = ctx;
  if (!answer) {
    // No answer to write (a renewal's charge, a call without a key): the invoice as its
    // payment's transaction left it, read with no lock and no transaction.
    const row = await selectInvoiceById(ctx.deps.db, tenant, id);
    if (!row) return fail(missing('invoice'));
    return ok({ view: await viewOf(ctx.deps.db, tenant, row), paymentIntent: intent });
  }
  return withOrderLock(ctx, orderId, async (tx, now) => {
    const row = await lockInvoiceById(tx, tenant, id);
    if (!row) return fail(missing('invoice'));
    const current = await viewOf(tx, tenant, row);
    const view = await writeStages(tx, ctx, {
      current,
      stages: [],
      now,
      also: (after) => (answer ? [answer(tx, { view: after, paymentIntent: intent })] : []),
    });
    return ok({ view, paymentIntent: intent });
  });
}
