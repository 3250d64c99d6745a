/**
 * A saved payment method's statuses: `attached` (chargeable, may be the customer's
 * default) until detached, which is final — a detached method is never charged again.
 */
export const PAYMENT_METHOD_STATUSES = ['attached', 'detached'] as const;
export type PaymentMethodStatus = (typeof PAYMENT_METHOD_STATUSES)[number];
