import { fail, ok, type Result } from '../errors.js';
import type { RefundMethod, RefundStatus } from './refund-values.js';

// What may be refunded, and when: what a charge has left, which refunds count against it,
// which refund may make good a failed one, and which refunds may be canceled.

/** The facts the rules read of a refund part (one per charge it draws on). */
export interface RefundPartFacts {
  readonly payment_intent_id: string;
  readonly amount: number;
  readonly status: RefundStatus;
}

/** The facts the rules read of a refund. */
export interface RefundFacts {
  readonly refund: {
    readonly id: string;
    readonly status: RefundStatus;
    readonly replaces_refund_id: string | null;
  };
  readonly items: readonly RefundPartFacts[];
}

/** A captured payment and what has already been refunded from it (pending refunds count). */
export interface RefundableCharge {
  readonly paymentIntentId: string;
  readonly captured: number;
  readonly refunded: number;
}

/** The statuses whose money is out of the charge, or on its way out. */
export const OUTSTANDING_STATUSES: readonly RefundStatus[] = [
  'pending',
  'requires_action',
  'succeeded',
];

/** Whether a part's money counts as refunded: out, or on its way (a failure gives it back). */
export function isOutstanding(status: RefundStatus): boolean {
  return OUTSTANDING_STATUSES.includes(status);
}

/** Refunds whose money is out or on its way: any part not failed or canceled. */
export function outstandingRefunds<R extends RefundFacts>(refunds: readonly R[]): R[] {
  return refunds.filter(({ items }) => items.some((i) => isOutstanding(i.status)));
}

/** What the refunds' outstanding parts took from each charge, by payment intent id. */
export function refundedByCharge(refunds: readonly RefundFacts[]): Map<string, number> {
  const refunded = new Map<string, number>();
  for (const { items } of refunds) {
    for (const item of items) {
      if (!isOutstanding(item.status)) continue;
      refunded.set(
        item.payment_intent_id,
        (refunded.get(item.payment_intent_id) ?? 0) + item.amount,
      );
    }
  }
  return refunded;
}

/** A payment of the order, as the rules read it. */
export interface PaymentFacts {
  readonly id: string;
  readonly status: string;
  readonly amount_received: number;
}

/** The order's captured charges, each with what its refunds took (pending ones count). */
export function refundableCharges(
  payments: readonly PaymentFacts[],
  refunds: readonly RefundFacts[],
): RefundableCharge[] {
  const refunded = refundedByCharge(refunds);
  return payments
    .filter((p) => p.status === 'succeeded')
    .map((p) => ({
      paymentIntentId: p.id,
      captured: p.amount_received,
      refunded: refunded.get(p.id) ?? 0,
    }));
}

/** What is left to refund on a charge. */
export function leftOn(charge: RefundableCharge): number {
  return Math.max(0, charge.captured - charge.refunded);
}

/** What can still be refunded across charges. */
export function refundable(charges: readonly RefundableCharge[]): number {
  return charges.reduce((n, c) => n + leftOn(c), 0);
}

/** Whether the money went back outside Flint (recorded only; nothing for the processor). */
export const isOffline = (method: RefundMethod): boolean => method !== 'original_payment_method';

/**
 * A new refund's status: offline money is back with the buyer already (succeeded); the
 * processor's is pending until it answers.
 */
export function initialRefundStatus(method: RefundMethod): RefundStatus {
  return isOffline(method) ? 'succeeded' : 'pending';
}

/**
 * Only a pending refund may be canceled (the processor stops it first) or settled by a
 * test-mode helper: one waiting for an action is the processor's to finish.
 */
export function isCancelable(status: RefundStatus): boolean {
  return status === 'pending';
}

/**
 * The refund that took a failed one's place, among its order's refunds. A canceled one
 * gave up (the failed refund is open again); a failed one took the obligation over (it,
 * not the first, is what is left to make good).
 */
export function replacementAmong<R extends RefundFacts>(
  refunds: readonly R[],
  failedId: string,
): R | undefined {
  return refunds.find(
    (r) => r.refund.replaces_refund_id === failedId && r.refund.status !== 'canceled',
  );
}

/** A refund may make good a failed refund of its order that nothing else made good. */
export function checkReplaceable(
  refunds: readonly RefundFacts[],
  failedId: string,
  loc: readonly (string | number)[],
): Result<void> {
  const failed = refunds.find((r) => r.refund.id === failedId);
  if (!failed) {
    return fail({
      code: 'parameter_invalid',
      message: 'No refund of this order has that id',
      loc,
    });
  }
  if (failed.refund.status !== 'failed') {
    return fail({
      code: 'refund_state_invalid',
      message: `The refund is ${failed.refund.status}; only a failed refund can be made good`,
      loc,
    });
  }
  const other = replacementAmong(refunds, failedId);
  if (other) {
    return fail({
      code: 'refund_state_invalid',
      message:
        other.refund.status === 'failed'
          ? `Refund ${other.refund.id} took the place of ${failedId} and failed too: make that one good instead`
          : `Refund ${other.refund.id} already makes good the failed refund ${failedId}`,
      loc,
    });
  }
  return ok(undefined);
}
