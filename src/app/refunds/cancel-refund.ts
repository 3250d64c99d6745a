import { selectPaymentIntentsByOrderIds } from '../../adapters/db/repos/payment-intents-repo.js';
import { type RefundAggregate, selectRefund } from '../../adapters/db/repos/refunds-repo.js';
import { fail, missing, type Result } from '../../domain/errors.js';
import type { PartAnswer } from '../../domain/refunds/refund-outcomes.js';
import { isCancelable } from '../../domain/refunds/refund-policy.js';
import type { CommandContext } from '../shared/command-context.js';
import { recordOutcomes } from './refund-outcomes.js';

/**
 * Cancels a pending refund: the processor stops it first (a refund it still holds would
 * otherwise pay out later), then its money goes back to the order.
 */
export async function cancelRefund(
  ctx: Pick<CommandContext, 'deps' | 'processors' | 'tenant' | 'actor'>,
  { refundId }: { readonly refundId: string },
): Promise<Result<RefundAggregate>> {
  const { deps, processors, tenant } = ctx;
  const found = await selectRefund(deps.db, tenant, refundId);
  if (!found) return fail(missing('refund'));
  const refused = (message: string) =>
    fail<RefundAggregate>({ code: 'refund_state_invalid', message, loc: ['status'] });
  if (!isCancelable(found.refund.status)) {
    return refused(`Only a pending refund can be canceled; this one is ${found.refund.status}`);
  }
  const payments = await selectPaymentIntentsByOrderIds(deps.db, [found.refund.order_id]);
  for (const item of found.items) {
    if (item.status !== 'pending') continue;
    if (!item.processor_refund_id)
      return refused('The refund is being sent to the processor; retry in a moment');
    const payment = payments.find((p) => p.id === item.payment_intent_id);
    let answer: { readonly status: 'canceled' | 'not_cancelable' };
    try {
      const processor = await processors.named(tenant, payment?.processor ?? '');
      answer = await processor.cancelRefund({
        processorRefundId: item.processor_refund_id,
        paymentSource: payment?.payment_source ?? null,
      });
    } catch {
      return fail({
        code: 'processor_unavailable',
        message: 'The processor did not answer; the refund stays pending',
      });
    }
    if (answer.status !== 'canceled')
      return refused('The processor can no longer cancel this refund');
  }
  const outcomes = new Map<string, PartAnswer>(
    found.items.map((i) => [i.payment_intent_id, { status: 'canceled' }]),
  );
  return recordOutcomes(ctx, { refundId, outcomes });
}
