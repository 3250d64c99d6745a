import { selectRefundsByOrder } from '../../adapters/db/repos/refunds-repo.js';
import type { ReturnRow } from '../../adapters/db/schema-returns.js';
import { moneyOf, requireAction } from '../../domain/order-lifecycle.js';
import { refundableOrderOf } from '../../domain/refunds/refund-planning.js';
import { refundable, refundableCharges } from '../../domain/refunds/refund-policy.js';
import type { LineCredit } from '../../domain/returns/return-credit.js';
import {
  type ReturnRefundRequest,
  returnRefundRequest,
} from '../../domain/returns/return-refund.js';
import type { OrderView } from '../../resources/order.js';
import { orderRefundFacts } from '../refunds/plan-refund.js';
import type { CommandContext } from '../shared/command-context.js';

// What a settling return refunds, read against its order's refunds so far.

/** What a settling return is: the return, the action that settles it, its order as read. */
export interface SettleInput {
  readonly row: ReturnRow;
  readonly action: 'receive' | 'complete';
  readonly view: OrderView;
}

/** The refund of (part of) a return's credits now, or null when the order has nothing left. */
export async function refundOfCredits(
  { deps }: Pick<CommandContext, 'deps'>,
  view: OrderView,
  credits: readonly LineCredit[],
): Promise<ReturnRefundRequest | null> {
  if (!requireAction(view.order.status, 'refund', moneyOf(view)).ok) return null;
  const refunds = await selectRefundsByOrder(deps.db, view.order.id);
  return returnRefundRequest(credits, refundableOrderOf(orderRefundFacts(view), refunds), {
    chargesLeft: refundable(refundableCharges(view.payments, refunds)),
  });
}
