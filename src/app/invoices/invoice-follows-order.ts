import type { Kysely } from 'kysely';
import type { Write } from '../../adapters/db/one-statement.js';
import {
  lockPayableInvoiceOfOrder,
  selectInvoiceSettings,
} from '../../adapters/db/repos/invoices-repo.js';
import type { Database, NewEventRow } from '../../adapters/db/schema.js';
import { invoiceAmounts } from '../../domain/invoices/invoice-amounts.js';
import { moveInvoice } from '../../domain/invoices/invoice-state.js';
import type { InvoiceOrder, InvoiceView } from '../../resources/invoice.js';
import type { ChangeContext } from '../shared/command-context.js';
import { subscriptionFollowsPayment } from '../subscriptions/subscription-follows-payment.js';
import { buyerEmailOf, queueInvoiceMail, receiptMail } from './invoice-mails.js';
import { type InvoiceStage, stagedWrites } from './invoice-moves.js';

/** What a payment's answer changes on the order's invoice: writes and events, unsent. */
export interface InvoiceFollows {
  readonly writes: readonly Write[];
  readonly events: readonly NewEventRow[];
}

const NOTHING: InvoiceFollows = { writes: [], events: [] };

/**
 * An invoice follows its order, however the order is paid (`/pay`, a checkout session, a
 * payment link, the invoice's own `/pay`): when a payment of the order ends, under the
 * order's lock and in the transaction that records it on the order, the order's open (or
 * uncollectible) invoice records `invoice.payment_succeeded` or `.payment_failed`, and
 * moves to `paid` through its transition table once the order's balance is 0. Only an
 * intent still `processing` is settled, once, so these are recorded once; an invoice
 * already paid is not found here. One lookup on the invoice's `order_id` index, made only
 * when a payment ends (never when it waits for the buyer).
 */
export async function invoiceFollowsPayment(
  tx: Kysely<Database>,
  ctx: ChangeContext,
  p: {
    readonly outcome: 'succeeded' | 'failed';
    /** The order's totals and status after the payment. */
    readonly order: InvoiceOrder;
    /** The payment that ended: a receipt is mailed for each one that succeeded. */
    readonly payment: { readonly id: string; readonly amount: number };
    readonly now: Date;
  },
): Promise<InvoiceFollows> {
  const row = await lockPayableInvoiceOfOrder(tx, ctx.tenant, p.order.id);
  if (!row) return NOTHING;
  const stages: InvoiceStage[] = [];
  let paid = false;
  if (p.outcome === 'failed') stages.push({ changes: {}, event: 'invoice.payment_failed' });
  if (p.outcome === 'succeeded') {
    stages.push({ changes: {}, event: 'invoice.payment_succeeded' });
    const to = moveInvoice(row.status, 'pay');
    if (to.ok && invoiceAmounts(p.order).remaining === 0) {
      stages.push({
        changes: { status: to.value, paid_at: p.now, next_payment_attempt: null },
        event: 'invoice.paid',
      });
      paid = true;
    }
  }
  const current = { invoice: row, order: p.order };
  // A subscription's invoice paid: the subscription moves (and its receipt links to where
  // the subscription was made, when the server names no public URL).
  const sub = paid
    ? await subscriptionFollowsPayment(tx, ctx, { invoice: row, now: p.now })
    : { writes: [], events: [], baseUrl: null };
  if (p.outcome === 'succeeded') {
    await mailReceipt(tx, ctx, { view: current, baseUrl: sub.baseUrl, ...p });
  }
  const { writes, events } = stagedWrites(tx, ctx, { current, stages, now: p.now });
  return { writes: [...writes, ...sub.writes], events: [...events, ...sub.events] };
}

/**
 * The buyer's receipt for a payment of the invoice, in the transaction that records the
 * payment (so a settlement another path recorded first, which rolls back, mails nothing);
 * once per payment by its dedupe key. No buyer address: no receipt.
 */
async function mailReceipt(
  tx: Kysely<Database>,
  { deps, tenant }: ChangeContext,
  p: {
    readonly view: InvoiceView;
    readonly payment: { id: string; amount: number };
    /** Where links go without a public URL (a subscription's `base_url`). */
    readonly baseUrl: string | null;
    readonly now: Date;
  },
): Promise<void> {
  const to = await buyerEmailOf(tx, tenant, p.view.invoice);
  if (!to) return;
  const { time_zone: timeZone } = await selectInvoiceSettings(tx, tenant);
  const mc = {
    baseUrl: deps.publicUrl ?? p.baseUrl,
    timeZone,
    now: p.now,
    amount: p.payment.amount,
  };
  await queueInvoiceMail(tx, tenant, {
    to,
    kind: 'receipt',
    view: p.view,
    template: receiptMail(p.view, mc),
    dedupeKey: `invoice:${p.view.invoice.id}:receipt:${p.payment.id}`,
    now: p.now,
  });
}
