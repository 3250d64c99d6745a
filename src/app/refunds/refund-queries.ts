import { writeAsOne } from '../../adapters/db/one-statement.js';
import { insertEventsQuery } from '../../adapters/db/repos/events-repo.js';
import {
  listRefunds as listRefundRows,
  type RefundAggregate,
  selectRefund,
  selectRefundsByOrder,
  updateRefundQueries,
} from '../../adapters/db/repos/refunds-repo.js';
import type { RefundRow } from '../../adapters/db/schema.js';
import { fail, missing, ok, type Result } from '../../domain/errors.js';
import { type Metadata, updatedMetadata } from '../../domain/metadata.js';
import { replacementAmong } from '../../domain/refunds/refund-policy.js';
import type { RefundReason } from '../../domain/refunds/refund-values.js';
import { refundResource } from '../../resources/refund.js';
import { objectEvent } from '../events/record-events.js';
import { withOrderLock } from '../orders/change-order.js';
import type { ChangeContext } from '../shared/command-context.js';
import type { Deps } from '../shared/deps.js';
import { readById, readPage } from '../shared/reads.js';

/** Changes only `reason` and `metadata`; amount and status never change here. */
export async function updateRefundDetails(
  ctx: ChangeContext,
  {
    refundId,
    changes: input,
  }: {
    readonly refundId: string;
    readonly changes: {
      readonly reason?: RefundReason | null | undefined;
      readonly metadata?: Metadata | undefined;
    };
  },
): Promise<Result<RefundAggregate>> {
  const { tenant } = ctx;
  // Only the refund changes, under its order's lock: the order gets no new version.
  return withOrderLock(ctx, { refundId }, async (tx, now) => {
    const fresh = await selectRefund(tx, tenant, refundId);
    if (!fresh) return fail(missing('refund'));
    const merged = updatedMetadata(fresh.refund.metadata, input.metadata, 'refund');
    if (!merged.ok) return merged;
    const metadata = merged.value;
    const reason = input.reason === undefined ? fresh.refund.reason : input.reason;
    const updated = { ...fresh, refund: { ...fresh.refund, reason, metadata, updated_at: now } };
    const event = objectEvent(ctx, {
      type: 'refund.updated',
      objectType: 'refund',
      objectId: refundId,
      object: refundResource(updated),
      now,
      previous: refundResource(fresh),
    });
    await writeAsOne(tx, [...updateRefundQueries(tx, updated), insertEventsQuery(tx, [event])]);
    return ok(updated);
  });
}

export const getRefund = readById('refund', selectRefund);

export const listRefunds = readPage(listRefundRows);

/** The refund that took a failed refund's place (a retry or an offline refund), if any. */
export async function replacementOf(
  deps: Deps,
  failed: RefundRow,
): Promise<RefundAggregate | undefined> {
  return replacementAmong(await selectRefundsByOrder(deps.db, failed.order_id), failed.id);
}
