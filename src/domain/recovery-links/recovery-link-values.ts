/** A recovery link's status: takes payment while `active`; the others are final. */
export const RECOVERY_LINK_STATUSES = ['active', 'completed', 'expired', 'deactivated'] as const;
export type RecoveryLinkStatus = (typeof RECOVERY_LINK_STATUSES)[number];

/** What moves a link: its order paid in full, its `expires_at` passed, the merchant's stop. */
export const RECOVERY_LINK_ACTIONS = ['update', 'complete', 'expire', 'deactivate'] as const;
export type RecoveryLinkAction = (typeof RECOVERY_LINK_ACTIONS)[number];

/**
 * Why a link was made: the merchant asked (`api`, the console too), or automatic recovery
 * after a checkout session expired or a payment's 3-D Secure hold was abandoned.
 */
export const RECOVERY_LINK_SOURCES = [
  'api',
  'checkout_session_expired',
  'payment_abandoned',
] as const;
export type RecoveryLinkSource = (typeof RECOVERY_LINK_SOURCES)[number];
