import type { Kysely } from 'kysely';
import { writeAsOne } from '../../adapters/db/one-statement.js';
import { insertEventsQuery } from '../../adapters/db/repos/events-repo.js';
import { selectOrderAggregate } from '../../adapters/db/repos/orders-repo.js';
import { selectReturnById } from '../../adapters/db/repos/returns-repo.js';
import type { Database } from '../../adapters/db/schema.js';
import type { ReturnRow } from '../../adapters/db/schema-returns.js';
import { fail, missing, ok, type Result } from '../../domain/errors.js';
import { exchangeDifference } from '../../domain/returns/return-credit.js';
import { takeFromCredits } from '../../domain/returns/return-refund.js';
import type { OrderView } from '../../resources/order.js';
import { withOrderLock } from '../orders/change-order.js';
import { draftOrder, newOrderWrites } from '../orders/create-order.js';
import type { LineItemInput } from '../orders/order-lines.js';
import { priceWith, withTotals } from '../orders/order-pricing.js';
import { completeWithoutPayment } from '../payments/complete-without-payment.js';
import { createRefund } from '../refunds/create-refund.js';
import type { ChangeContext, CommandContext } from '../shared/command-context.js';
import { atExchange } from './create-return.js';
import { creditsOf } from './return-lines.js';
import { moveLockedReturn, recordReturnRefund } from './return-moves.js';
import { refundOfCredits, type SettleInput } from './return-refunds.js';

/**
 * Settles a return with an exchange (CONVENTIONS, "Returns and exchanges"): its new lines
 * go on a follow-up order in the original's currency, for its customer, linked to it and
 * credited with what the returned units were paid, up to what the follow-up comes to. The
 * credit is recorded on the original as a `store_credit` refund (nothing reaches the
 * processor), in one transaction with the follow-up (PAID at once when nothing is left to
 * pay on it) and the return's move. What the credit exceeds the follow-up by is then
 * refunded on the original through the processor.
 */
export async function settleExchange(
  ctx: CommandContext,
  { row, action, view }: SettleInput,
): Promise<Result<ReturnRow>> {
  const { deps, tenant } = ctx;
  const drafted = await draftOrder(
    deps.db,
    { tenant, now: deps.clock.now() },
    {
      currency: row.currency,
      customer_id: view.order.customer_id ?? undefined,
      line_items: row.exchange_line_items as unknown as LineItemInput[],
      metadata: { return_id: row.id },
    },
  );
  if (!drafted.ok) return fail(atExchange(drafted.error));
  const { refund: toCard } = exchangeDifference(row.credit, drafted.value.pricing.net.total);
  const { rest } = takeFromCredits(creditsOf(row), toCard);
  const credit = await refundOfCredits(ctx, view, rest);
  const followUp = credited(drafted.value, { credit: credit?.total ?? 0, of: row.order_id });
  const exchange = async (tx: Kysely<Database>, now: Date, creditRefundId: string | null) => {
    const made = await makeFollowUp(tx, ctx, { view: followUp, now });
    if (!made.ok) return made;
    return moveLockedReturn(tx, ctx, {
      id: row.id,
      action,
      now,
      step: () =>
        ok({
          settled_at: now,
          exchange_order_id: followUp.order.id,
          credit_refund_id: creditRefundId,
        }),
    });
  };
  const settled = credit
    ? await createRefund(
        keyed(ctx, 'credit'),
        {
          order_id: row.order_id,
          method: 'store_credit',
          line_items: credit.line_items,
          amount_tax: credit.amount_tax,
          reason: 'requested_by_customer',
          metadata: { return_id: row.id, exchange_order_id: followUp.order.id },
        },
        { attach: (tx, { refund, now }) => exchange(tx, now, refund.refund.id) },
      )
    : await withOrderLock(ctx, row.order_id, async (tx, now) => {
        const moved = await exchange(tx, now, null);
        if (!moved.ok) return moved;
        const { writes, events } = moved.value;
        await writeAsOne(tx, [...writes, insertEventsQuery(tx, events)], { last: true });
        return ok(undefined);
      });
  if (!settled.ok) return settled;
  const finished = await refundExchangeRest(ctx, row.id);
  return finished.ok ? ok(finished.value.row) : finished;
}

/**
 * Refunds what an exchange's credit exceeded its follow-up by, once (the return records
 * the refund in its transaction); a return with nothing more to refund is answered as is.
 * Also what a retry runs when the process stopped between the exchange and this refund.
 */
export async function refundExchangeRest(
  ctx: CommandContext,
  returnId: string,
): Promise<Result<{ readonly row: ReturnRow; readonly refunded: boolean }>> {
  const row = await selectReturnById(ctx.deps.db, ctx.tenant, returnId);
  if (!row) return fail(missing('return'));
  if (!row.exchange_order_id || row.refund_id) return ok({ row, refunded: false });
  const [original, followUp] = await Promise.all([
    selectOrderAggregate(ctx.deps.db, ctx.tenant, row.order_id),
    selectOrderAggregate(ctx.deps.db, ctx.tenant, row.exchange_order_id),
  ]);
  if (!original || !followUp) throw new Error(`return ${row.id} lost an order`);
  const { taken } = takeFromCredits(creditsOf(row), row.credit - followUp.order.credit);
  const view = { ...original, pricing: priceWith(original, original.taxRates) };
  const request = await refundOfCredits(ctx, view, taken);
  if (!request) return ok({ row, refunded: false });
  const refunded = await createRefund(
    keyed(ctx, 'rest'),
    {
      order_id: row.order_id,
      line_items: request.line_items,
      amount_tax: request.amount_tax,
      reason: 'requested_by_customer',
      metadata: { return_id: row.id, exchange_order_id: row.exchange_order_id },
    },
    {
      attach: (tx, { refund, now }) =>
        recordReturnRefund(tx, ctx, { id: row.id, refundId: refund.refund.id, now }),
    },
  );
  if (!refunded.ok) return refunded;
  const after = await selectReturnById(ctx.deps.db, ctx.tenant, row.id);
  return after ? ok({ row: after, refunded: true }) : fail(missing('return'));
}

/** The follow-up order with its credit and its link to the order it is an exchange for. */
function credited(view: OrderView, { credit, of }: { credit: number; of: string }): OrderView {
  const order = { ...view.order, credit, exchange_for_order_id: of };
  const pricing = priceWith({ ...view, order }, view.taxRates);
  return { ...view, order: withTotals(order, pricing), pricing };
}

/** Writes the follow-up order; with nothing left to pay on it, it is PAID at once. */
async function makeFollowUp(
  tx: Kysely<Database>,
  ctx: ChangeContext,
  { view, now }: { readonly view: OrderView; readonly now: Date },
): Promise<Result<OrderView>> {
  await writeAsOne(tx, newOrderWrites(tx, ctx, view));
  if (view.pricing.net.total > 0) return ok(view);
  return completeWithoutPayment(tx, ctx, { before: view, now });
}

/**
 * Each refund a settlement makes gets its own request key, derived from the request's:
 * a retry with the same Idempotency-Key resumes each one, and never takes one for another.
 */
function keyed(ctx: CommandContext, part: string): CommandContext {
  return { ...ctx, requestKey: ctx.requestKey ? `${ctx.requestKey}:${part}` : null };
}
