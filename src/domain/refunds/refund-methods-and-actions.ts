/** Why a refund failed, in PRODUCT.md §3's words. */
export type RefundFailureReason =
  | 'insufficient_funds'
  | 'expired_or_canceled_card'
  | 'lost_or_stolen_card'
  | 'charge_for_pending_refund_disputed'
  | 'declined'
  | 'merchant_request'
  | 'unknown';

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
export type RefundMethod = 'original_payment_method' | OfflineRefundMethod;
/** Every method, the processor's first (the default). */
export const REFUND_METHODS: readonly RefundMethod[] = [
  'original_payment_method',
  ...OFFLINE_REFUND_METHODS,
];

/** Whether the money went back outside Flint (recorded only; nothing for the processor). */
export const isOffline = (method: RefundMethod): boolean => method !== 'original_payment_method';

export type RefundStatus = 'pending' | 'requires_action' | 'succeeded' | 'failed' | 'canceled';
export type ReferenceStatus = 'pending' | 'available' | 'unavailable';

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

export interface NextAction {
  readonly action: string;
  readonly description: string;
}

/** What an operator should do now about a refund (PRODUCT.md §3). */
export function nextActionsOf(
  status: RefundStatus,
  failureReason: RefundFailureReason | null,
): NextAction[] {
  switch (status) {
    case 'pending':
      return [
        {
          action: 'wait_for_processor',
          description:
            'The processor is handling the refund; most settle within 24 hours. Check back, or subscribe to refund.succeeded and refund.failed.',
        },
      ];
    case 'requires_action':
      return [
        {
          action: 'complete_required_action',
          description: 'The processor needs an action before the refund can go on.',
        },
      ];
    case 'succeeded':
    case 'canceled':
      return [];
    case 'failed':
      if (failureReason === 'charge_for_pending_refund_disputed') {
        return [
          {
            action: 'respond_to_dispute',
            description: 'The charge is disputed: handle the dispute instead of refunding.',
          },
        ];
      }
      return [...failedRefundActions(failureReason), RECORD_OFFLINE];
  }
}

/** Once the money went back another way, the order should say so. */
const RECORD_OFFLINE: NextAction = {
  action: 'record_offline_refund',
  description:
    'If you return the money outside Flint (cash, bank transfer, check, store credit), record it as an offline refund (POST /v1/refunds with method, and replaces_refund_id naming this refund) so the order shows it refunded, once.',
};

function failedRefundActions(failureReason: RefundFailureReason | null): NextAction[] {
  switch (failureReason) {
    case 'insufficient_funds':
      return [
        {
          action: 'retry_after_top_up',
          description: 'Top up the account balance, then create the refund again.',
        },
      ];
    case 'expired_or_canceled_card':
    case 'lost_or_stolen_card':
      return [
        {
          action: 'refund_by_other_method',
          description: 'The card can no longer receive funds: refund the customer another way.',
        },
        {
          action: 'contact_customer',
          description: 'Ask the customer how they want to be refunded.',
        },
      ];
    default:
      return [
        {
          action: 'contact_customer',
          description: 'Tell the customer the refund failed and agree how to return the money.',
        },
        {
          action: 'retry_refund',
          description: 'Create the refund again once the cause is resolved.',
        },
      ];
  }
}
