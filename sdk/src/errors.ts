// Typed errors mirroring the API's one error shape:
// {"error": {type, message, code, errors?: [{loc, msg, type}], request_id, ...details}}.

export interface FieldError {
  readonly loc: readonly (string | number)[];
  readonly msg: string;
  readonly type: string;
}

export interface ErrorBody {
  readonly type?: string;
  readonly message?: string;
  readonly code?: string;
  readonly errors?: readonly FieldError[];
  readonly request_id?: string;
  readonly [detail: string]: unknown;
}

export class FlintError extends Error {
  override readonly name: string = 'FlintError';
  /** HTTP status; 0 when no answer came (network). */
  readonly status: number;
  /** The error's `type` (`invalid_request`, `validation_error`, …): what decides its class. */
  readonly type: string;
  /** The stable snake_case code (`parameter_invalid`, `amount_too_large`, …). */
  readonly code: string;
  readonly requestId: string | null;
  /** Field errors: where (`loc`) and what. */
  readonly errors: readonly FieldError[];
  /** The first refused field's place, dotted (`order.line_items.0.quantity`), as stripe's `param`. */
  readonly param: string | null;
  /** Everything else the error carried (`maximum_refundable`, `decline_code`, …). */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(status: number, body: ErrorBody, fallback = 'The request failed') {
    super(body.message ?? fallback);
    this.status = status;
    this.type = body.type ?? 'api_error';
    this.code = body.code ?? 'unknown';
    this.requestId = body.request_id ?? null;
    this.errors = body.errors ?? [];
    const loc = this.errors[0]?.loc;
    this.param = loc && loc.length > 0 ? loc.join('.') : null;
    const { type: _t, message: _m, code: _c, errors: _e, request_id: _r, ...details } = body;
    this.details = details;
  }

  /** The typed error for an answer, chosen by its `error.type` (stripe's `StripeError.generate`). */
  static generate(status: number, body: ErrorBody): FlintError {
    return errorOf(status, body);
  }
}

/**
 * The request is wrong: `validation_error` (422, a value or a rule refuses it; `errors`
 * names each field), and the parent of `FlintInvalidRequestError`.
 */
export class FlintValidationError extends FlintError {
  override readonly name: string = 'FlintValidationError';
}
/**
 * `invalid_request`: the request itself is unusable (400 unknown field or malformed JSON,
 * 405, 410 spent invite, 413, 414, 415). A `FlintValidationError` too, as a 400 always was.
 */
export class FlintInvalidRequestError extends FlintValidationError {
  override readonly name = 'FlintInvalidRequestError';
}
/** `unauthorized` (401): no key, or a key Flint does not know. */
export class FlintAuthenticationError extends FlintError {
  override readonly name = 'FlintAuthenticationError';
}
/** `forbidden` (403): the key may not do this (`live_key_required`, `test_mode_only`). */
export class FlintPermissionError extends FlintError {
  override readonly name = 'FlintPermissionError';
}
/** `not_found` (404): no such object for this key's account and mode, or no such route. */
export class FlintNotFoundError extends FlintError {
  override readonly name = 'FlintNotFoundError';
}
/** `conflict` (409): the object's state does not allow it (or the same request is still running). */
export class FlintConflictError extends FlintError {
  override readonly name = 'FlintConflictError';
}
/** `idempotency_error` (422): the key was used with other parameters. */
export class FlintIdempotencyError extends FlintError {
  override readonly name = 'FlintIdempotencyError';
}
/** `processor_error` with a 402: the processor declined (`details.decline_code`). */
export class FlintCardError extends FlintError {
  override readonly name = 'FlintCardError';
}
/** `rate_limited` (429): too many requests (retried, honouring Retry-After, before this is thrown). */
export class FlintRateLimitError extends FlintError {
  override readonly name = 'FlintRateLimitError';
}
/** `api_error` (5xx): Flint failed (retried before this is thrown). */
export class FlintApiError extends FlintError {
  override readonly name: string = 'FlintApiError';
}
/** Stripe's spelling of `FlintApiError`: the same class. */
export const FlintAPIError = FlintApiError;
export type FlintAPIError = FlintApiError;
/**
 * `processor_error` with a 5xx (502 `processor_unavailable`): the processor did not answer;
 * the money may or may not have moved (retried with the same key before this is thrown).
 */
export class FlintProcessorError extends FlintApiError {
  override readonly name = 'FlintProcessorError';
}
/** No answer at all: the network failed or the request timed out (retried first). */
export class FlintConnectionError extends FlintError {
  override readonly name = 'FlintConnectionError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(0, { type: 'connection_error', code: 'connection_failed', message });
    if (options?.cause !== undefined) (this as { cause?: unknown }).cause = options.cause;
  }
}

type ErrorClass = new (status: number, body: ErrorBody) => FlintError;

/** Each `error.type` the API answers with (its README's list), and its class. */
const CLASS_BY_TYPE: Readonly<Record<string, ErrorClass>> = {
  invalid_request: FlintInvalidRequestError,
  validation_error: FlintValidationError,
  unauthorized: FlintAuthenticationError,
  forbidden: FlintPermissionError,
  not_found: FlintNotFoundError,
  conflict: FlintConflictError,
  idempotency_error: FlintIdempotencyError,
  rate_limited: FlintRateLimitError,
  api_error: FlintApiError,
};

/** Without a type Flint knows (a proxy's own error page): the class of its status. */
function classByStatus(status: number): ErrorClass {
  if (status === 400) return FlintInvalidRequestError;
  if (status === 422) return FlintValidationError;
  if (status === 401) return FlintAuthenticationError;
  if (status === 402) return FlintCardError;
  if (status === 403) return FlintPermissionError;
  if (status === 404) return FlintNotFoundError;
  if (status === 409) return FlintConflictError;
  if (status === 429) return FlintRateLimitError;
  if (status >= 500) return FlintApiError;
  return FlintError;
}

/** The typed error for an answer: by the body's `error.type`, else by the status. */
export function errorOf(status: number, body: ErrorBody): FlintError {
  const type = body.type;
  if (type === 'processor_error') {
    return status === 402
      ? new FlintCardError(status, body)
      : new FlintProcessorError(status, body);
  }
  const ByType =
    type !== undefined && Object.hasOwn(CLASS_BY_TYPE, type) ? CLASS_BY_TYPE[type] : undefined;
  return new (ByType ?? classByStatus(status))(status, body);
}
