import { writeAsOne } from '../../adapters/db/one-statement.js';
import { insertEventsQuery } from '../../adapters/db/repos/events-repo.js';
import { insertReturnQuery, selectReturnsByOrder } from '../../adapters/db/repos/returns-repo.js';
import type { ExchangeLine, ReturnRow } from '../../adapters/db/schema-returns.js';
import { type Failure, fail, missing, ok, type Result } from '../../domain/errors.js';
import { type Metadata, withoutEmptyValues } from '../../domain/metadata.js';
import {
  creditTotal,
  planReturnLines,
  type ReturnLineRequest,
} from '../../domain/returns/return-credit.js';
import type { ReturnReason, ReturnRefundStep } from '../../domain/returns/return-values.js';
import { returnResource } from '../../resources/return.js';
import { objectEvent } from '../events/record-events.js';
import { readLockedOrder, withOrderLock } from '../orders/change-order.js';
import { draftOrder } from '../orders/create-order.js';
import type { LineItemInput } from '../orders/order-lines.js';
import type { AnswerOption } from '../shared/answer-once.js';
import type { ChangeContext } from '../shared/command-context.js';
import { newOwnedRow } from '../shared/ids.js';
import { returnableLinesOf, returnedSoFar, returnLinesOf } from './return-lines.js';

export interface CreateReturnInput {
  readonly line_items: readonly ReturnLineRequest[];
  readonly reason: ReturnReason;
  /** Put the units back in stock when the return is received. */
  readonly restock?: boolean | undefined;
  /** When the return settles (its refund, its exchange); on completion by default. */
  readonly refund_on?: ReturnRefundStep | undefined;
  /** New lines the buyer takes instead, on a follow-up order when the return settles. */
  readonly exchange_line_items?: readonly LineItemInput[] | undefined;
  readonly metadata?: Metadata | undefined;
}

/** Only an order that was paid, and still holds money, takes returns. */
const RETURNABLE = new Set(['PAID', 'PARTIALLY_REFUNDED']);

/**
 * Opens a return of an order's lines (`requested`): under the order's lock, each line
 * within what was sold and not yet held by its other returns (canceled ones give theirs
 * back), so of concurrent returns that together exceed a line one wins and the other is
 * told the maximum. Each returned quantity is credited with what it was actually paid.
 * Exchange lines are checked as the follow-up order's, in the order's currency, and kept for the
 * follow-up order made when the return settles.
 */
export async function createReturn(
  ctx: ChangeContext,
  { orderId, input }: { readonly orderId: string; readonly input: CreateReturnInput },
  { answer }: AnswerOption<ReturnRow> = {},
): Promise<Result<ReturnRow>> {
  const { tenant } = ctx;
  return withOrderLock(ctx, orderId, async (tx, now) => {
    const view = await readLockedOrder(tx, tenant, orderId);
    if (!view) return fail(missing('order'));
    if (!RETURNABLE.has(view.order.status)) {
      return fail({
        code: 'order_state_invalid',
        message: `Only a paid order takes returns; this one is ${view.order.status}`,
        loc: ['status'],
        details: { status: view.order.status },
      });
    }
    if (view.order.credit > 0) {
      // Part of what it cost was the credit of the goods returned for it: a return would
      // refund only what the card paid and lose the rest. Refused until credit can go back.
      return fail({
        code: 'order_state_invalid',
        message:
          'This order was paid in part with the credit of goods returned for it (an exchange): a return could give back only what the card paid, not the credit, so it takes no returns; refund it instead',
        loc: ['status'],
        details: { status: view.order.status, credit: view.order.credit },
      });
    }
    const earlier = await selectReturnsByOrder(tx, tenant, orderId);
    const credits = planReturnLines(
      input.line_items,
      returnableLinesOf(view),
      returnedSoFar(earlier),
    );
    if (!credits.ok) return credits;
    const exchange = input.exchange_line_items ?? [];
    if (exchange.length > 0) {
      // Checked now as the follow-up order will be made: lines, currency, amounts.
      const followUp = await draftOrder(
        tx,
        { tenant, now },
        { currency: view.order.currency, line_items: exchange },
      );
      if (!followUp.ok) return fail(atExchange(followUp.error));
    }
    const row: ReturnRow = {
      ...newOwnedRow('ret', tenant),
      order_id: orderId,
      status: 'requested',
      reason: input.reason,
      restock: input.restock ?? false,
      refund_on: input.refund_on ?? 'completed',
      currency: view.order.currency,
      credit: creditTotal(credits.value),
      line_items: returnLinesOf(view, credits.value),
      exchange_line_items: exchange as unknown as ExchangeLine[],
      exchange_order_id: null,
      refund_id: null,
      credit_refund_id: null,
      settled_at: null,
      received_at: null,
      completed_at: null,
      canceled_at: null,
      metadata: withoutEmptyValues(input.metadata ?? {}),
      created_at: now,
      updated_at: now,
    };
    const event = objectEvent(ctx, {
      type: 'return.created',
      objectType: 'return',
      objectId: row.id,
      object: returnResource(row),
      now,
    });
    await writeAsOne(
      tx,
      [
        insertReturnQuery(tx, row),
        insertEventsQuery(tx, [event]),
        ...(answer ? [answer(tx, row)] : []),
      ],
      { last: true },
    );
    return ok(row);
  });
}

/** An exchange line's failure, pointed at the return's field instead of an order's. */
export function atExchange(failure: Failure): Failure {
  const loc = failure.loc ?? [];
  const rest = loc[0] === 'order' && loc[1] === 'line_items' ? loc.slice(2) : [];
  return { ...failure, loc: ['return', 'exchange_line_items', ...rest] };
}
