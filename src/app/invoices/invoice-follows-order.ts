import type { Kysely } from 'kysely';
import type { Write } from '../../adapters/db/one-statement.js';
import { lockPayableInvoiceOfOrder } from '../../adapters/db/repos/invoices-repo.js';
import type { Database, EventRow } from '../../adapters/db/schema.js';
import { invoiceAmounts } from '../../domain/invoices/invoice-amounts.js';
import { moveInvoice } from '../../domain/invoices/invoice-state.js';
import type { InvoiceOrder } from '../../resources/invoice.js';
import type { ChangeContext } from '../shared/command-context.js';
import { type InvoiceStage, stagedWrites } from './invoice-moves.js';

/** What a payment's answer changes on the order's invoice: writes and events, unsent. */
export interface InvoiceFollows {
  readonly writes: readonly Write[];
  readonly events: readonly EventRow[];
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
    readonly now: Date;
  },
): Promise<InvoiceFollows> {
  const row = await lockPayableInvoiceOfOrder(tx, ctx.tenant, p.order.id);
  if (!row) return NOTHING;
  const stages: InvoiceStage[] = [];
  if (p.outcome === 'failed') stages.push({ changes: {}, event: 'invoice.payment_failed' });
  if (p.outcome === 'succeeded') {
    stages.push({ changes: {}, event: 'invoice.payment_succeeded' });
    const to = moveInvoice(row.status, 'pay');
    if (to.ok && invoiceAmounts(p.order).remaining === 0) {
      stages.push({ changes: { status: to.value, paid_at: p.now }, event: 'invoice.paid' });
    }
  }
  const { writes, events } = stagedWrites(tx, ctx, {
    current: { invoice: row, order: p.order },
    stages,
    now: p.now,
  });
  return { writes, events };
}
