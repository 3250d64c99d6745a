import type { Kysely } from 'kysely';
import type { Write } from '../../adapters/db/one-statement.js';
import { closeOpenSessionsQuery } from '../../adapters/db/repos/checkout-sessions-repo.js';
import type { Database } from '../../adapters/db/schema.js';
import { ok, type Result } from '../../domain/errors.js';
import { completionWithoutPayment } from '../../domain/order-lifecycle.js';
import type { OrderView } from '../../resources/order.js';
import { closedSessionEvents } from '../checkout/checkout-session-events.js';
import { applyOrderChange } from '../orders/change-order.js';
import { linksEndedWithOrder } from '../recovery-links/links-follow-order.js';
import type { ChangeContext } from '../shared/command-context.js';
import { takeStock, writeReservation } from './reservations.js';

/** What the order facts of `completionWithoutPayment` are, read from an order's view. */
export function completionFactsOf(view: OrderView) {
  return {
    order: {
      status: view.order.status,
      total: view.pricing.net.total,
      paid: view.order.paid,
      refunded: view.order.refunded,
    },
    payments: view.payments,
  };
}

/**
 * Completes an order with nothing to pay (`completionWithoutPayment` decides), under the
 * order's lock the caller holds and in its transaction: no payment intent, no processor
 * call. It takes what a settling payment reserves, re-checked under lock (tracked stock,
 * coupon redemptions: a coupon used up meanwhile is its failure, which undoes it all),
 * then the order becomes PAID with `order.paid`, and its open checkout sessions complete
 * with `checkout.session.completed`, as when a payment settles it. Used by `/pay`, the
 * hosted checkout (through `payOrder`) and an invoice finalized with nothing to pay.
 */
export async function completeWithoutPayment(
  tx: Kysely<Database>,
  ctx: ChangeContext,
  {
    before,
    now,
    answer,
  }: {
    /** The order as read under its lock. */
    readonly before: OrderView;
    readonly now: Date;
    /** The request's answer for the completed order, written with the last writes. */
    readonly answer?: ((view: OrderView) => Write) | undefined;
  },
): Promise<Result<OrderView>> {
  const status = completionWithoutPayment(completionFactsOf(before));
  if (!status.ok) return status;
  const stock = await takeStock(tx, ctx.tenant, before);
  if (!stock.ok) return stock;
  const reserved = await writeReservation(tx, ctx.tenant, {
    view: before,
    writes: stock.value,
    completes: true,
    now,
  });
  if (!reserved.ok) return reserved;
  const links = linksEndedWithOrder(tx, ctx, {
    orderId: before.order.id,
    currency: before.order.currency,
    balance: 0,
    end: 'completed',
    now,
  });
  return applyOrderChange(tx, ctx, {
    before,
    now,
    change: {
      aggregate: { ...before, order: { ...before.order, status: status.value } },
      event: 'order.paid',
      ...(answer ? { answer } : {}),
      conditional: {
        writes: {
          sessions: closeOpenSessionsQuery(tx, before.order.id, 'complete', now),
          links: links.write,
        },
        decide: (rows) =>
          ok([
            ...closedSessionEvents(ctx, {
              type: 'checkout.session.completed',
              rows: rows.sessions,
              now,
              publicUrl: ctx.deps.publicUrl,
            }),
            ...links.events(rows.links),
          ]),
      },
    },
  });
}
