import type { FailureCode } from '../domain/errors.js';
import type { ErrorType, RequestErrorCode } from './error-vocabulary.js';

/**
 * Every `error.code` Flint itself sends: what a use case answers (`FailureCode`) and what the
 * HTTP layer finds (`RequestErrorCode`). Closed; the one open case is a processor's decline
 * code (`DeclineCode`), sent with the status and type of `payment_failed`.
 */
export type ApiErrorCode = FailureCode | RequestErrorCode;

/**
 * The one map from a code to its HTTP status and error type: an `ApiError` takes both from
 * here, so a code is always sent with the same status. Use cases' codes first, then the
 * HTTP layer's (the order of the OpenAPI error schema's enum).
 */
export const ERROR_STATUS: Readonly<
  Record<ApiErrorCode, { readonly status: number; readonly type: ErrorType }>
> = {
  resource_missing: { status: 404, type: 'not_found' },
  parameter_invalid: { status: 422, type: 'validation_error' },
  metadata_invalid: { status: 422, type: 'validation_error' },
  order_state_invalid: { status: 409, type: 'conflict' },
  coupon_inactive: { status: 422, type: 'validation_error' },
  coupon_expired: { status: 422, type: 'validation_error' },
  coupon_exhausted: { status: 422, type: 'validation_error' },
  coupon_currency_mismatch: { status: 422, type: 'validation_error' },
  coupon_minimum_not_met: { status: 422, type: 'validation_error' },
  coupon_already_applied: { status: 409, type: 'conflict' },
  coupon_not_stackable: { status: 422, type: 'validation_error' },
  currency_mismatch: { status: 422, type: 'validation_error' },
  price_interval_mismatch: { status: 422, type: 'validation_error' },
  out_of_stock: { status: 409, type: 'conflict' },
  resource_in_use: { status: 409, type: 'conflict' },
  amount_invalid: { status: 422, type: 'validation_error' },
  refund_amount_invalid: { status: 422, type: 'validation_error' },
  refund_state_invalid: { status: 409, type: 'conflict' },
  invoice_state_invalid: { status: 409, type: 'conflict' },
  recovery_link_state_invalid: { status: 409, type: 'conflict' },
  invoice_email_missing: { status: 422, type: 'validation_error' },
  return_state_invalid: { status: 409, type: 'conflict' },
  subscription_state_invalid: { status: 409, type: 'conflict' },
  payment_method_missing: { status: 422, type: 'validation_error' },
  return_quantity_invalid: { status: 422, type: 'validation_error' },
  test_clock_state_invalid: { status: 409, type: 'conflict' },
  payment_in_progress: { status: 409, type: 'conflict' },
  split_payment_unsupported: { status: 422, type: 'validation_error' },
  processor_unavailable: { status: 502, type: 'processor_error' },
  processor_not_configured: { status: 409, type: 'conflict' },
  checkout_session_state_invalid: { status: 409, type: 'conflict' },
  checkout_session_incomplete: { status: 422, type: 'validation_error' },
  payment_intent_state_invalid: { status: 409, type: 'conflict' },
  payment_method_detached: { status: 409, type: 'conflict' },
  encryption_key_missing: { status: 409, type: 'conflict' },
  webhook_account_unknown: { status: 400, type: 'invalid_request' },
  webhook_signature_invalid: { status: 400, type: 'invalid_request' },
  webhook_endpoint_disabled: { status: 409, type: 'conflict' },
  console_user_exists: { status: 409, type: 'conflict' },
  invite_invalid: { status: 410, type: 'invalid_request' },
  password_invalid: { status: 422, type: 'validation_error' },
  // Found by the HTTP layer:
  parameter_unknown: { status: 400, type: 'invalid_request' },
  body_malformed: { status: 400, type: 'invalid_request' },
  body_too_large: { status: 413, type: 'invalid_request' },
  body_too_deep: { status: 400, type: 'invalid_request' },
  unsupported_media_type: { status: 415, type: 'invalid_request' },
  url_malformed: { status: 400, type: 'invalid_request' },
  url_too_long: { status: 414, type: 'invalid_request' },
  route_not_found: { status: 404, type: 'not_found' },
  method_not_allowed: { status: 405, type: 'invalid_request' },
  api_key_invalid: { status: 401, type: 'unauthorized' },
  test_mode_only: { status: 403, type: 'forbidden' },
  live_key_required: { status: 403, type: 'forbidden' },
  idempotency_key_invalid: { status: 400, type: 'invalid_request' },
  idempotency_key_reused: { status: 422, type: 'idempotency_error' },
  idempotency_key_in_use: { status: 409, type: 'conflict' },
  rate_limited: { status: 429, type: 'rate_limited' },
  payment_failed: { status: 402, type: 'processor_error' },
  internal_error: { status: 500, type: 'api_error' },
};

/** Every closed code, in the map's order (the OpenAPI error schema's enum). */
export const API_ERROR_CODES = Object.keys(ERROR_STATUS) as ApiErrorCode[];
