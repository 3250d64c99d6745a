/**
 * Expected outcomes a use case can return instead of a value. Each has a stable
 * snake_case `code`; the HTTP layer maps codes to statuses in one table
 * (src/http/errors.ts). Bugs and infrastructure failures are thrown, not returned.
 */
export type FailureCode =
  | 'resource_missing'
  | 'parameter_invalid'
  | 'metadata_invalid'
  | 'order_state_invalid'
  | 'coupon_inactive'
  | 'coupon_expired'
  | 'coupon_exhausted'
  | 'coupon_currency_mismatch'
  | 'coupon_minimum_not_met'
  | 'coupon_already_applied'
  | 'coupon_not_stackable'
  | 'currency_mismatch'
  | 'price_interval_mismatch'
  | 'out_of_stock'
  | 'resource_in_use'
  | 'amount_invalid'
  | 'refund_amount_invalid'
  | 'refund_state_invalid'
  | 'invoice_state_invalid'
  | 'recovery_link_state_invalid'
  | 'invoice_email_missing'
  | 'return_state_invalid'
  | 'return_quantity_invalid'
  | 'subscription_state_invalid'
  | 'payment_method_missing'
  | 'test_clock_state_invalid'
  | 'payment_in_progress'
  | 'split_payment_unsupported'
  | 'processor_unavailable'
  | 'processor_not_configured'
  | 'checkout_session_state_invalid'
  | 'checkout_session_incomplete'
  | 'payment_intent_state_invalid'
  | 'payment_method_detached'
  | 'encryption_key_missing'
  | 'webhook_account_unknown'
  | 'webhook_signature_invalid'
  | 'webhook_endpoint_disabled'
  | 'console_user_exists'
  | 'invite_invalid'
  | 'password_invalid';

export interface Failure {
  readonly code: FailureCode;
  readonly message: string;
  /** Where in the request the problem is, e.g. ["customer", "metadata"]. */
  readonly loc?: readonly (string | number)[];
  /** Structured facts a client can act on (e.g. `maximum_refundable`). */
  readonly details?: Readonly<Record<string, unknown>>;
}

export type Result<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: Failure };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail<T = never>(failure: Failure): Result<T> {
  return { ok: false, error: failure };
}

/** "<resource> does not exist", the refund guide's wording for any missing or foreign object. */
export function missing(resource: string): Failure {
  return { code: 'resource_missing', message: `${resource} does not exist` };
}
