import {
  selectPaymentIntentById,
  selectStaleProcessingIntents,
} from '../../adapters/db/repos/payment-intents-repo.js';
import { selectPendingRefundItems } from '../../adapters/db/repos/refunds-repo.js';
import type { RefundOutcome } from '../../ports/payment-processor.js';
import { SYSTEM_ACTOR } from '../events/record-events.js';
import { refundMetadata } from '../processors/processor-metadata.js';
import { recordOutcomes } from '../refunds/refund-outcomes.js';
import type { CommandContext } from '../shared/command-context.js';
import { chargeAndSettle } from './charge-and-settle.js';

/**
 * Payments the processor never answered: ask again with the same idempotency key (the
 * intent id), so the processor returns what it did the first time, and record it.
 * Returns how many were settled.
 */
export interface SettlementScope {
  readonly limit?: number;
  /** Only this account's (tests share one database); every account when absent. */
  readonly accountId?: string;
}

/** A settlement run: what it re-drives (rows older than `olderThanMs`), and where. */
export interface SettlementRun {
  readonly olderThanMs: number;
  readonly scope?: SettlementScope | undefined;
}

export async function settleStalePayments(
  { deps, processors }: Pick<CommandContext, 'deps' | 'processors'>,
  { olderThanMs, scope = {} }: SettlementRun,
): Promise<number> {
  const before = new Date(deps.clock.now().getTime() - olderThanMs);
  let settled = 0;
  const stale = await selectStaleProcessingIntents(
    deps.db,
    before,
    scope.limit ?? 100,
    scope.accountId,
  );
  for (const intent of stale) {
    const tenant = { accountId: intent.account_id, mode: intent.mode };
    try {
      const processor = await processors.named(tenant, intent.processor);
      const ctx = { deps, tenant, actor: SYSTEM_ACTOR };
      const result = await chargeAndSettle(ctx, { processor, intent });
      // No answer again (processor_unavailable): the next run tries with the same key.
      if (result.ok) settled += 1;
    } catch {
      // The account's processor cannot be opened now: the next run tries again.
    }
  }
  return settled;
}

/**
 * Pending refunds: send again the parts the processor never received (same idempotency
 * key), and ask where the others stand; record what changed. Returns refunds looked at.
 */
export async function settlePendingRefunds(
  { deps, processors }: Pick<CommandContext, 'deps' | 'processors'>,
  { olderThanMs, scope = {} }: SettlementRun,
): Promise<number> {
  const before = new Date(deps.clock.now().getTime() - olderThanMs);
  const byRefund = new Map<string, PendingPart[]>();
  const pending = await selectPendingRefundItems(
    deps.db,
    before,
    scope.limit ?? 100,
    scope.accountId,
  );
  for (const part of pending) {
    byRefund.set(part.refund_id, [...(byRefund.get(part.refund_id) ?? []), part]);
  }
  for (const [refundId, parts] of byRefund) {
    const first = parts[0];
    if (!first) continue;
    const tenant = { accountId: first.account_id, mode: first.mode };
    const outcomes = new Map<string, RefundOutcome>();
    for (const part of parts) {
      const intent = await selectPaymentIntentById(deps.db, tenant, part.payment_intent_id);
      if (!intent) continue;
      try {
        const processor = await processors.named(tenant, intent.processor);
        const paymentSource = intent.payment_source;
        const outcome = part.processor_refund_id
          ? await processor.refundStatus({
              processorRefundId: part.processor_refund_id,
              paymentSource,
            })
          : await processor.refund({
              idempotencyKey: `${refundId}:${part.payment_intent_id}`,
              processorPaymentId: intent.processor_payment_id ?? '',
              paymentSource,
              amount: part.amount,
              currency: part.currency,
              metadata: refundMetadata(
                {
                  id: refundId,
                  account_id: part.account_id,
                  mode: part.mode,
                  order_id: part.order_id,
                },
                part.payment_intent_id,
              ),
            });
        outcomes.set(part.payment_intent_id, outcome);
      } catch {
        // No answer: left pending for the next run.
      }
    }
    await recordOutcomes({ deps, tenant, actor: SYSTEM_ACTOR }, { refundId, outcomes });
  }
  return byRefund.size;
}

type PendingPart = Awaited<ReturnType<typeof selectPendingRefundItems>>[number];
