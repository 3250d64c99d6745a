import { selectOrderAggregate } from '../../adapters/db/repos/orders-repo.js';
import { selectReturnById } from '../../adapters/db/repos/returns-repo.js';
import type { ReturnRow } from '../../adapters/db/schema-returns.js';
import { fail, missing, ok, type Result } from '../../domain/errors.js';
import { viewOrder } from '../orders/order-pricing.js';
import { createRefund } from '../refunds/create-refund.js';
import type { CommandContext } from '../shared/command-context.js';
import { creditsOf } from './return-lines.js';
import { moveLockedReturn, moveReturnRow } from './return-moves.js';
import { refundOfCredits, type SettleInput } from './return-refunds.js';
import { settleExchange } from './settle-exchange.js';

/**
 * Settles a return at its `refund_on` step: an itemized refund of what its units were
 * paid, through the refund engine (its plan, automatic tax and processor steps), capped by
 * what the order has left to refund; the return's move, restock and event are written in
 * the refund's transaction (`attach`), so a refused move undoes the refund and a refused
 * refund moves nothing. With nothing left to refund the return just moves, settled.
 */
export async function settleReturn(
  ctx: CommandContext,
  { row, action }: Omit<SettleInput, 'view'>,
): Promise<Result<ReturnRow>> {
  const aggregate = await selectOrderAggregate(ctx.deps.db, ctx.tenant, row.order_id);
  if (!aggregate) return fail(missing('order'));
  const view = await viewOrder(ctx.deps.db, ctx.tenant, aggregate);
  if (row.exchange_line_items.length > 0) return settleExchange(ctx, { row, action, view });
  const request = await refundOfCredits(ctx, view, creditsOf(row));
  const settled = (refundId: string | null) => (_: ReturnRow, now: Date) =>
    ok({ settled_at: now, refund_id: refundId });
  if (!request) {
    return moveReturnRow(ctx, { orderId: row.order_id, id: row.id, action, step: settled(null) });
  }
  const refunded = await createRefund(
    ctx,
    {
      order_id: row.order_id,
      line_items: request.line_items,
      amount_tax: request.amount_tax,
      reason: 'requested_by_customer',
      metadata: { return_id: row.id },
    },
    {
      attach: async (tx, { refund, now }) =>
        moveLockedReturn(tx, ctx, {
          id: row.id,
          action,
          now,
          step: settled(refund.refund.id),
        }),
    },
  );
  if (!refunded.ok) return refunded;
  const after = await selectReturnById(ctx.deps.db, ctx.tenant, row.id);
  if (!after) throw new Error(`return ${row.id} vanished`);
  return ok(after);
}
