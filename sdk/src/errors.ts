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
  /** The error's `type` (`invalid_request`, `validation_error`, …). */
  readonly type: string;
  /** The stable snake_case code (`parameter_invalid`, `amount_too_large`, …). */
  readonly code: string;
  readonly requestId: string | null;
  /** Field errors: where (`loc`) and what. */
  readonly errors: readonly FieldError[];
  /** Everything else the error carried (`maximum_refundable`, `decline_code`, …). */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(status: number, body: ErrorBody, fallback = 'The request failed') {
    super(body.message ?? fallback);
    this.status = status;
    this.type = body.type ?? 'api_error';
    this.code = body.code ?? 'unknown';
    this.requestId = body.request_id ?? null;
    this.errors = body.errors ?? [];
    const { type: _t, message: _m, code: _c, errors: _e, request_id: _r, ...details } = body;
    this.details = details;
  }
}

/** 400 and 422: the request itself is wrong; `errors` names the fields. */
export class FlintValidationError extends FlintError {
  override readonly name = 'FlintValidationError';
}
/** 401: no key, or a key Flint does not know. */
export class FlintAuthenticationError extends FlintError {
  override readonly name = 'FlintAuthenticationError';
}
/** 403: the key may not do this. */
export class FlintPermissionError extends FlintError {
  override readonly name = 'FlintPermissionError';
}
/** 404: no such object for this key's account and mode. */
export class FlintNotFoundError extends FlintError {
  override readonly name = 'FlintNotFoundError';
}
/** 409: the object's state does not allow it (or the same request is still running). */
export class FlintConflictError extends FlintError {
  override readonly name = 'FlintConflictError';
}
/** 422 `idempotency_error`: the key was used with other parameters. */
export class FlintIdempotencyError extends FlintError {
  override readonly name = 'FlintIdempotencyError';
}
/** 402: the processor declined (`details.decline_code`). */
export class FlintCardError extends FlintError {
  override readonly name = 'FlintCardError';
}
/** 429: too many requests (retried, honouring Retry-After, before this is thrown). */
export class FlintRateLimitError extends FlintError {
  override readonly name = 'FlintRateLimitError';
}
/** 5xx: Flint or its processor failed (retried before this is thrown). */
export class FlintApiError extends FlintError {
  override readonly name = 'FlintApiError';
}
/** No answer at all: the network failed or the request timed out (retried first). */
export class FlintConnectionError extends FlintError {
  override readonly name = 'FlintConnectionError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(0, { type: 'connection_error', code: 'connection_failed', message });
    if (options?.cause !== undefined) (this as { cause?: unknown }).cause = options.cause;
  }
}

/** The typed error for an answer. */
export function errorOf(status: number, body: ErrorBody): FlintError {
  if (status === 422 && body.type === 'idempotency_error')
    return new FlintIdempotencyError(status, body);
  if (status === 400 || status === 422) return new FlintValidationError(status, body);
  if (status === 401) return new FlintAuthenticationError(status, body);
  if (status === 402) return new FlintCardError(status, body);
  if (status === 403) return new FlintPermissionError(status, body);
  if (status === 404) return new FlintNotFoundError(status, body);
  if (status === 409) return new FlintConflictError(status, body);
  if (status === 429) return new FlintRateLimitError(status, body);
  if (status >= 500) return new FlintApiError(status, body);
  return new FlintError(status, body);
}
