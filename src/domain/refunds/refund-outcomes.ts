import type { RefundPartFacts } from './refund-policy.js';
import { isFinalRefundStatus, moveRefund } from './refund-state.js';
import type { ReferenceStatus, RefundFailureReason, RefundStatus } from './refund-values.js';

// What an answer about a refund does: the processor's (or a test helper's, or a cancel's)
// word on each part, what it gives back to the order, and the refund's status after it.

/** A refund part as an answer changes it. */
export interface RefundItemState extends RefundPartFacts {
  readonly processor_refund_id: string | null;
  readonly reference_id: string | null;
  readonly reference_status: ReferenceStatus;
  readonly failure_reason: string | null;
}

/** A processor's answer about a refund (the port's `RefundOutcome`). */
export type RefundOutcome =
  | {
      readonly status: 'succeeded';
      readonly processorRefundId: string;
      /** The acquirer reference number, when the network has given one. */
      readonly referenceId: string | null;
    }
  | { readonly status: 'pending'; readonly processorRefundId: string }
  | {
      readonly status: 'failed';
      readonly processorRefundId: string | null;
      readonly failureReason: RefundFailureReason;
    }
  /** Stopped at the processor (Stripe cancels refunds that waited for an action). */
  | { readonly status: 'canceled'; readonly processorRefundId: string };

/** The word on one part: the processor's answer, or a cancel (ours has no processor id). */
export type PartAnswer =
  | RefundOutcome
  | { readonly status: 'canceled'; readonly processorRefundId?: string };

/** A refund's status from its parts: failed or canceled if any is; succeeded when all are. */
export function refundStatusOf(items: readonly { readonly status: RefundStatus }[]): RefundStatus {
  const statuses = new Set(items.map((i) => i.status));
  if (statuses.has('failed')) return 'failed';
  if (statuses.has('canceled')) return 'canceled';
  if (statuses.has('requires_action')) return 'requires_action';
  if (statuses.has('pending')) return 'pending';
  return 'succeeded';
}

export function referenceStatusOf(
  items: readonly { readonly reference_status: ReferenceStatus }[],
): ReferenceStatus {
  if (items.every((i) => i.reference_status === 'available')) return 'available';
  if (items.some((i) => i.reference_status === 'unavailable')) return 'unavailable';
  return 'pending';
}

/** The network's reference number often comes after the refund succeeded: record it once. */
function withReference<I extends RefundItemState>(item: I, referenceId: string | null): I {
  if (item.reference_id || !referenceId) return item;
  return { ...item, reference_id: referenceId, reference_status: 'available' };
}

/** A part still under way, after the word on it. */
function answeredItem<I extends RefundItemState>(item: I, answer: PartAnswer): I {
  if (answer.status === 'pending')
    return { ...item, processor_refund_id: answer.processorRefundId };
  const moved = moveRefund(item.status, answer.status);
  if (!moved.ok) return item;
  switch (answer.status) {
    case 'succeeded':
      return {
        ...item,
        status: moved.value,
        processor_refund_id: answer.processorRefundId,
        reference_id: answer.referenceId,
        reference_status: answer.referenceId ? 'available' : 'pending',
      };
    case 'failed':
      return {
        ...item,
        status: moved.value,
        processor_refund_id: answer.processorRefundId ?? item.processor_refund_id,
        reference_status: 'unavailable',
        failure_reason: answer.failureReason,
      };
    case 'canceled':
      return { ...item, status: moved.value, reference_status: 'unavailable' };
  }
}

/** A refund after the word on its parts. */
export interface AnsweredRefund<I extends RefundItemState> {
  readonly items: I[];
  /** Whether anything changed: false for an answer already recorded (a retry, a late webhook). */
  readonly changed: boolean;
  /** What goes back to the order: exactly the amounts of the parts that failed or were canceled now. */
  readonly givenBack: number;
  readonly status: RefundStatus;
  readonly failureReason: string | null;
  readonly referenceId: string | null;
  readonly referenceStatus: ReferenceStatus;
}

/**
 * Applies the word on a refund's parts (by payment intent id). Only parts still under
 * way change (and a succeeded part without a reference number may get one), so a late or
 * repeated answer never overwrites a final one. The refund's status follows its parts
 * through the transition table: a final status stays (a refund a processor canceled in
 * part stays canceled when another part then fails).
 */
export function answerRefund<I extends RefundItemState>(
  status: RefundStatus,
  before: readonly I[],
  answers: ReadonlyMap<string, PartAnswer>,
): AnsweredRefund<I> {
  let givenBack = 0;
  const items = before.map((item) => {
    const answer = answers.get(item.payment_intent_id);
    if (answer?.status === 'succeeded' && item.status === 'succeeded') {
      return withReference(item, answer.referenceId);
    }
    if (!answer || isFinalRefundStatus(item.status)) return item;
    const after = answeredItem(item, answer);
    if (after.status === 'failed' || after.status === 'canceled') givenBack += item.amount;
    return after;
  });
  const derived = refundStatusOf(items);
  const moved = derived === status ? status : moveRefund(status, derived);
  return {
    items,
    changed: JSON.stringify(items) !== JSON.stringify(before),
    givenBack,
    status: typeof moved === 'string' ? moved : moved.ok ? moved.value : status,
    failureReason: items.find((i) => i.failure_reason)?.failure_reason ?? null,
    referenceId: items.find((i) => i.reference_id)?.reference_id ?? null,
    referenceStatus: referenceStatusOf(items),
  };
}
