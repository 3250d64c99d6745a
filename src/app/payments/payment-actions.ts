import { selectPaymentIntentById } from '../../adapters/db/repos/payment-intents-repo.js';
import type { PaymentIntentRow } from '../../adapters/db/schema.js';
import { sandboxId } from '../../adapters/processors/sandbox.js';
import { fail, missing, type Result } from '../../domain/errors.js';
import type { ChargeOutcome } from '../../ports/payment-processor.js';
import { SYSTEM_ACTOR } from '../events/record-events.js';
import type { CommandContext, TenantContext } from '../shared/command-context.js';
import { type PaymentResult, settle } from './settle-payment.js';

// What happens to a payment waiting for the buyer's action (3-D Secure): it is canceled,
// or — in test mode, on the sandbox — the buyer's authentication is played out.

async function waitingIntent(
  { deps, tenant }: TenantContext,
  id: string,
): Promise<Result<PaymentIntentRow>> {
  const intent = await selectPaymentIntentById(deps.db, tenant, id);
  if (!intent) return fail(missing('payment intent'));
  if (intent.status !== 'requires_action') {
    return fail({
      code: 'payment_intent_state_invalid',
      message: `Only a payment waiting for the buyer's action can be; this one is ${intent.status}`,
      loc: ['status'],
      details: { status: intent.status },
    });
  }
  return { ok: true, value: intent };
}

/**
 * Cancels a payment waiting for the buyer's action: the processor stops it first, then
 * it is recorded as canceled and what it reserved on the order (stock, coupon
 * redemptions) goes back.
 */
export async function cancelPaymentIntent(
  ctx: Pick<CommandContext, 'deps' | 'processors' | 'tenant' | 'actor'>,
  { paymentIntentId }: { readonly paymentIntentId: string },
): Promise<Result<PaymentResult>> {
  const { processors, tenant } = ctx;
  const waiting = await waitingIntent(ctx, paymentIntentId);
  if (!waiting.ok) return waiting;
  const intent = waiting.value;
  const processor = await processors.named(tenant, intent.processor);
  const answer = await processor.cancelPayment({
    processorPaymentId: intent.processor_payment_id ?? '',
    paymentSource: intent.payment_source,
  });
  if (answer.status !== 'canceled') {
    return fail({
      code: 'payment_intent_state_invalid',
      message: 'The processor can no longer cancel this payment',
      loc: ['status'],
    });
  }
  return settle(ctx, {
    intent,
    outcome: { status: 'canceled', processorPaymentId: intent.processor_payment_id },
  });
}

/** Test mode, sandbox: the buyer completes (or fails) the 3-D Secure challenge. */
export async function authenticateForTest(
  ctx: TenantContext,
  {
    paymentIntentId,
    result,
  }: { readonly paymentIntentId: string; readonly result: 'succeed' | 'fail' },
): Promise<Result<PaymentResult>> {
  const waiting = await waitingIntent(ctx, paymentIntentId);
  if (!waiting.ok) return waiting;
  const intent = waiting.value;
  if (intent.processor !== 'sandbox') {
    return fail({
      code: 'payment_intent_state_invalid',
      message: `This payment is with ${intent.processor}: the buyer authenticates there`,
      loc: ['processor'],
    });
  }
  const processorPaymentId = intent.processor_payment_id ?? intent.id;
  const outcome: ChargeOutcome =
    result === 'succeed'
      ? {
          status: 'succeeded',
          processorPaymentId,
          processorChargeId: sandboxId('ch', intent.id),
          amountReceived: intent.amount,
        }
      : {
          status: 'failed',
          processorPaymentId,
          declineCode: 'authentication_failed',
          message: 'The buyer did not complete 3-D Secure authentication.',
        };
  return settle({ ...ctx, actor: SYSTEM_ACTOR }, { intent, outcome });
}
