import { fail, ok, type Result } from '../errors.js';
import type { RefundStatus } from './refund-values.js';

/**
 * The refund lifecycle as one table: where each status may move to. A refund (and each
 * of its parts, one per charge) starts `pending` — or `succeeded` when it is offline,
 * money already returned outside Flint — and ends succeeded, failed or canceled; an end
 * is final.
 *
 *   pending ⇄ requires_action ──▶ succeeded | failed | canceled
 *   pending ──────────────────▶ succeeded | failed | canceled
 */
export const REFUND_TRANSITIONS = {
  pending: ['requires_action', 'succeeded', 'failed', 'canceled'],
  requires_action: ['pending', 'succeeded', 'failed', 'canceled'],
  succeeded: [],
  failed: [],
  canceled: [],
} as const satisfies Record<RefundStatus, readonly RefundStatus[]>;

/** Whether a refund in `from` may become `to`. */
export function canMoveRefund(from: RefundStatus, to: RefundStatus): boolean {
  return (REFUND_TRANSITIONS[from] as readonly RefundStatus[]).includes(to);
}

/** A status nothing moves out of: the money has gone, or has come back. */
export function isFinalRefundStatus(status: RefundStatus): boolean {
  return REFUND_TRANSITIONS[status].length === 0;
}

/** Moves a refund (or a part of one) from `from` to `to`, if the table allows it. */
export function moveRefund(from: RefundStatus, to: RefundStatus): Result<RefundStatus> {
  if (canMoveRefund(from, to)) return ok(to);
  return fail({
    code: 'refund_state_invalid',
    message: `A ${from} refund cannot become ${to}`,
    loc: ['status'],
  });
}
