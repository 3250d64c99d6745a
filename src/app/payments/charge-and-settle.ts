import type { PaymentIntentRow } from '../../adapters/db/schema.js';
import { fail, type Result } from '../../domain/errors.js';
import type { ChargeOutcome, PaymentProcessor } from '../../ports/payment-processor.js';
import { chargeMetadata } from '../processors/processor-metadata.js';
import type { AnswerOption } from '../shared/answer-once.js';
import type { ChangeContext } from '../shared/command-context.js';
import { type PaymentResult, settle } from './settle-payment.js';

/**
 * Step 2 and 3: charge with the intent id as the processor's key (a charge sent before
 * is answered the same way), and record the answer. Also the settlement worker's re-drive.
 */
export async function chargeAndSettle(
  ctx: ChangeContext,
  {
    processor,
    intent,
  }: { readonly processor: PaymentProcessor; readonly intent: PaymentIntentRow },
  { answer }: AnswerOption<PaymentResult> = {},
): Promise<Result<PaymentResult>> {
  let outcome: ChargeOutcome;
  try {
    outcome = await processor.charge({
      idempotencyKey: intent.id,
      amount: intent.amount,
      currency: intent.currency,
      paymentSourceToken: intent.payment_source ?? '',
      buyerEmail: intent.buyer_email ?? undefined,
      metadata: chargeMetadata(intent),
      ...(intent.off_session ? { offSession: true as const } : {}),
      ...(intent.processor_customer_id
        ? { processorCustomerId: intent.processor_customer_id }
        : {}),
    });
  } catch {
    // The card may or may not have been charged: the intent stays `processing` with its
    // reservations, to be confirmed with the same idempotency key — never charged anew.
    return fail({
      code: 'processor_unavailable',
      message: 'The processor did not answer; the payment stays processing until it is confirmed',
      details: { payment_intent_id: intent.id },
    });
  }
  return settle(ctx, { intent, outcome }, { answer });
}
