import { selectPaymentIntentById } from '../../adapters/db/repos/payment-intents-repo.js';
import type { JobKind } from '../jobs/job-kinds.js';
import { cancelPaymentIntent } from '../payments/payment-actions.js';
import { type HoldPayload, PAYMENT_HOLD_EXPIRY } from '../payments/payment-holds.js';
import { recoverAutomatically } from './automatic-recovery.js';

/**
 * A payment's 3-D Secure hold ends (`PAYMENT_HOLD_MS` after it began): if the payment still
 * waits for the buyer, the processor cancels it and Flint records it canceled
 * (`payment_intent.canceled`), which frees the balance it held for any other payer. Then,
 * with automatic recovery on, the buyer gets a recovery link by mail. A payment the buyer
 * finished (or that failed) meanwhile is left as it is. Cancelling twice is harmless (only a
 * waiting intent is canceled), and the link is made once per payment, so a retry after a
 * crash repeats nothing.
 */
export const PAYMENT_HOLD_EXPIRY_JOB: JobKind<HoldPayload> = {
  ...PAYMENT_HOLD_EXPIRY,
  async run(ctx, job) {
    const { deps, tenant } = ctx;
    const id = job.payload.payment_intent_id;
    let intent = await selectPaymentIntentById(deps.db, tenant, id);
    if (intent?.status === 'requires_action') {
      if (!ctx.processors)
        throw new Error('a payment hold is canceled by a runner with processors');
      const canceled = await cancelPaymentIntent(
        { ...ctx, processors: ctx.processors },
        {
          paymentIntentId: id,
        },
      );
      intent = await selectPaymentIntentById(deps.db, tenant, id);
      // Still waiting: the processor would not cancel it now; try again later.
      if (!canceled.ok && intent?.status === 'requires_action')
        throw new Error(canceled.error.message);
    }
    if (intent?.status !== 'canceled') return;
    const { order_id: orderId } = intent;
    await ctx.complete((tx) =>
      recoverAutomatically(tx, ctx, {
        orderId,
        source: 'payment_abandoned',
        sourceId: id,
        payment: intent,
        now: deps.clock.now(),
      }),
    );
  },
};
