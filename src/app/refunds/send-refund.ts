import type { RefundAggregate } from '../../adapters/db/repos/refunds-repo.js';
import type { PaymentIntentRow } from '../../adapters/db/schema.js';
import type { Result } from '../../domain/errors.js';
import type { RefundOutcome } from '../../ports/payment-processor.js';
import { SYSTEM_ACTOR } from '../events/record-events.js';
import { refundMetadata } from '../processors/processor-metadata.js';
import type { AnswerOption } from '../shared/answer-once.js';
import type { CommandContext } from '../shared/command-context.js';
import { recordOutcomes } from './refund-outcomes.js';

/**
 * Asks the processor for each part not yet sent, with an idempotency key derived from
 * our ids (a part sent before is answered the same way, never refunded twice), and
 * records the answers — with the request's `answer`, if any (its Idempotency-Key completed
 * in the transaction that records the outcome).
 */
export async function sendRefund(
  ctx: Pick<CommandContext, 'deps' | 'processors' | 'tenant'>,
  {
    refund,
    payments,
  }: { readonly refund: RefundAggregate; readonly payments: readonly PaymentIntentRow[] },
  { answer }: AnswerOption<RefundAggregate> = {},
): Promise<Result<RefundAggregate>> {
  const { processors, tenant } = ctx;
  const outcomes = new Map<string, RefundOutcome>();
  for (const item of refund.items) {
    if (item.status !== 'pending' || item.processor_refund_id) continue;
    const intent = payments.find((p) => p.id === item.payment_intent_id);
    try {
      const processor = await processors.named(tenant, intent?.processor ?? '');
      outcomes.set(
        item.payment_intent_id,
        await processor.refund({
          idempotencyKey: `${refund.refund.id}:${item.payment_intent_id}`,
          processorPaymentId: intent?.processor_payment_id ?? '',
          paymentSource: intent?.payment_source ?? null,
          amount: item.amount,
          currency: refund.refund.currency,
          metadata: refundMetadata(refund.refund, item.payment_intent_id),
        }),
      );
    } catch {
      // No answer: the part stays pending (its money counted as refunded), to be sent
      // again with the same idempotency key — never refunded twice.
    }
  }
  return recordOutcomes(
    { ...ctx, actor: SYSTEM_ACTOR },
    { refundId: refund.refund.id, outcomes },
    { answer },
  );
}
