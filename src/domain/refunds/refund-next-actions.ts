import type { RefundFailureReason, RefundStatus } from './refund-values.js';

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
