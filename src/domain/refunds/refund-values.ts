// The refund's closed lists of values, each declared once: the wire schemas
// (`literalUnion`), the database row types, the console's options and the domain's rules
// all derive from these.

/** A refund's (and a refund part's) status; `refund-state.ts` says which moves are allowed. */
export const REFUND_STATUSES = [
  'pending',
  'requires_action',
  'succeeded',
  'failed',
  'canceled',
] as const;
export type RefundStatus = (typeof REFUND_STATUSES)[number];

/** Why the merchant refunds, as the client says it. */
export const REFUND_REASONS = ['duplicate', 'fraudulent', 'requested_by_customer'] as const;
export type RefundReason = (typeof REFUND_REASONS)[number];

/**
 * How a refund's money goes back: through the processor to the original payment method,
 * or outside Flint and only recorded here (an offline refund: succeeded at once, nothing
 * sent to the processor, no network reference number).
 */
export const OFFLINE_REFUND_METHODS = [
  'cash',
  'bank_transfer',
  'check',
  'store_credit',
  'other',
] as const;
export type OfflineRefundMethod = (typeof OFFLINE_REFUND_METHODS)[number];
/** Every method, the processor's first (the default). */
export const REFUND_METHODS = ['original_payment_method', ...OFFLINE_REFUND_METHODS] as const;
export type RefundMethod = (typeof REFUND_METHODS)[number];

/** Why a refund failed, in PRODUCT.md §3's words. */
export const REFUND_FAILURE_REASONS = [
  'insufficient_funds',
  'expired_or_canceled_card',
  'lost_or_stolen_card',
  'charge_for_pending_refund_disputed',
  'declined',
  'merchant_request',
  'unknown',
] as const;
export type RefundFailureReason = (typeof REFUND_FAILURE_REASONS)[number];

/** Whether the network's reference number (ARN) is known, still to come, or never coming. */
export const REFERENCE_STATUSES = ['pending', 'available', 'unavailable'] as const;
export type ReferenceStatus = (typeof REFERENCE_STATUSES)[number];
