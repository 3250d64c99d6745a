import { writeAsOne } from '../../adapters/db/one-statement.js';
import { insertEventsQuery } from '../../adapters/db/repos/events-repo.js';
import { lockInvoiceById, selectInvoiceById } from '../../adapters/db/repos/invoices-repo.js';
import type { SubscriptionRow } from '../../adapters/db/schema-subscriptions.js';
import { ok } from '../../domain/errors.js';
import { stagedWrites } from '../invoices/invoice-moves.js';
import { viewOf } from '../invoices/invoice-views.js';
import { payInvoice } from '../invoices/pay-invoice.js';
import { withOrderLock } from '../orders/change-order.js';
import type { CommandContext } from '../shared/command-context.js';
import { paymentMethodOf } from './payment-method-of.js';

/**
 * The first period's charge, with the customer present (not off-session: the bank may ask
 * for 3-D Secure, which the buyer completes on the invoice's page). Its request key is the
 * subscription's own, so a create retried after a crash resumes this payment rather than
 * starting another. A success moves the subscription (`subscriptionFollowsPayment`); a
 * decline leaves it `incomplete` (no automatic retry, as Stripe), the invoice counting
 * the attempt.
 */
export async function payFirstPeriod(
  ctx: CommandContext,
  { row }: { readonly row: SubscriptionRow },
): Promise<void> {
  const invoiceId = row.latest_invoice_id;
  if (!invoiceId) return;
  const invoice = await selectInvoiceById(ctx.deps.db, ctx.tenant, invoiceId);
  if (invoice?.status !== 'open') return;
  const method = await paymentMethodOf(ctx.deps.db, ctx.tenant, row);
  if (!method) return;
  const paid = await payInvoice(
    { ...ctx, requestKey: `subscription:${row.id}:first_payment` },
    { id: invoiceId, payment: { payment_method_id: method.id } },
  );
  const failed = paid.ok
    ? paid.value.paymentIntent?.status === 'failed'
    : paid.error.code !== 'invoice_state_invalid';
  if (!failed) return;
  await withOrderLock(ctx, invoice.order_id, async (tx, now) => {
    const locked = await lockInvoiceById(tx, ctx.tenant, invoiceId);
    if (locked?.status !== 'open' || locked.attempt_count > 0) return ok(undefined);
    const current = await viewOf(tx, ctx.tenant, locked);
    const staged = stagedWrites(tx, ctx, {
      current,
      stages: [{ changes: { attempt_count: 1 }, event: 'invoice.updated' }],
      now,
    });
    await writeAsOne(tx, [...staged.writes, insertEventsQuery(tx, staged.events)], { last: true });
    return ok(undefined);
  });
}
