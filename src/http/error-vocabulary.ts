import type { FailureCode } from '../domain/errors.js';

/**
 * The one vocabulary of the error shape `{"error": {type, message, code, errors?: [{loc,
 * msg, type}], request_id}}`: every value each of these fields can take, with what it
 * means. The README's table and the OpenAPI error schema are made from these lists.
 */

/** `error.type`: the kind of failure, and so what a client does about it. */
export const ERROR_TYPES = {
  invalid_request:
    'The request itself is unusable: malformed or too deeply nested JSON, an unknown field, a bad URL, a wrong method or content type, a bad idempotency key, a spent invite (400, 405, 410, 413, 414, 415)',
  validation_error:
    'Well-formed, but a value is wrong or a rule refuses it; `errors` names each field (422)',
  unauthorized: 'No valid API key or admin token (401)',
  forbidden: 'The key may not do this (403)',
  not_found:
    "No such object for this key (another account's object is the same), or no such route (404)",
  conflict: "The object's state forbids it now, or the same request is still running (409)",
  idempotency_error: 'An idempotency key reused with other parameters (422)',
  rate_limited: 'Too many requests: retry after `Retry-After` seconds (429)',
  processor_error: 'The card processor declined (402) or did not answer (502)',
  api_error: 'A fault in Flint; nothing to fix in the request (500)',
} as const;
export type ErrorType = keyof typeof ERROR_TYPES;

/** `errors[].type`: why the field at `loc` is refused. */
export const FIELD_ERROR_TYPES = {
  missing: 'A required field is absent',
  type_error: 'The field has the wrong JSON type (bodies are never coerced)',
  value_error:
    'The right type but a value the schema refuses: format, range, length, pattern, one of a list, or text Flint cannot store',
  unknown_field: 'A field the route does not take (with a 400 `parameter_unknown`)',
  invalid_request_error:
    "A well-formed value a business rule refuses: the refund guide's 422 (the session is not complete), a currency mismatch, an archived price…",
} as const;
export type FieldErrorType = keyof typeof FIELD_ERROR_TYPES;

/** `error.code` of failures the HTTP layer finds itself (use cases answer a `FailureCode`). */
export const REQUEST_ERROR_CODES = {
  parameter_unknown: 'A body field or query parameter the route does not take',
  body_malformed: 'The body is not valid JSON, or carries `__proto__`/`constructor.prototype`',
  body_too_large: 'The body is over the size limit (1 MiB)',
  body_too_deep: 'The body nests objects and arrays more than 64 levels deep',
  unsupported_media_type: 'The body is not `application/json`',
  url_malformed: 'The URL cannot be decoded',
  url_too_long: 'A path segment is too long',
  route_not_found: 'No route has this path',
  method_not_allowed: 'The path exists with other methods, listed in `Allow`',
  api_key_invalid: 'The API key or admin token is missing, unknown or revoked',
  test_mode_only: 'A test helper called with a live key',
  live_key_required:
    'An account-wide change (the account, its console users) made with a test key: only a live key or the admin token may',
  idempotency_key_invalid: 'A malformed idempotency key, or a header and a field that differ',
  idempotency_key_reused: 'An idempotency key reused with other parameters',
  idempotency_key_in_use: 'The first request with this idempotency key is still running',
  rate_limited: 'Too many requests',
  payment_failed: 'The processor refused the payment without a decline code of its own',
  internal_error: 'A fault in Flint',
} as const;
export type RequestErrorCode = keyof typeof REQUEST_ERROR_CODES;

/**
 * A card processor's own decline code (`card_declined`, `insufficient_funds`, …), passed
 * through as the `code` (and `decline_code`) of a 402: the one code outside Flint's lists.
 */
export type DeclineCode = string & { readonly __decline: unique symbol };
export const declineCode = (code: string) => code as DeclineCode;

/** Every `error.code`: the closed `ApiErrorCode` list (src/http/error-codes.ts) or a decline. */
export type ErrorCode = FailureCode | RequestErrorCode | DeclineCode;
