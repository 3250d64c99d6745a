import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Failure, FailureCode, Result } from '../domain/errors.js';
import type { ErrorCode, ErrorType, FieldErrorType } from './error-vocabulary.js';

export interface FieldError {
  readonly loc: readonly (string | number)[];
  readonly msg: string;
  readonly type: FieldErrorType;
}

/** An error that becomes the one wire error shape of PRODUCT.md §1. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: ErrorType,
    message: string,
    readonly code?: ErrorCode,
    readonly errors?: readonly FieldError[],
    readonly details?: Readonly<Record<string, unknown>>,
  ) {
    super(message);
  }
}

/** The one place where expected outcomes get their HTTP status and error type. */
const FAILURE_STATUS: Record<FailureCode, { status: number; type: ErrorType }> = {
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
  out_of_stock: { status: 409, type: 'conflict' },
  resource_in_use: { status: 409, type: 'conflict' },
  amount_invalid: { status: 422, type: 'validation_error' },
  refund_amount_invalid: { status: 422, type: 'validation_error' },
  refund_state_invalid: { status: 409, type: 'conflict' },
  payment_in_progress: { status: 409, type: 'conflict' },
  split_payment_unsupported: { status: 422, type: 'validation_error' },
  processor_unavailable: { status: 502, type: 'processor_error' },
  processor_not_configured: { status: 409, type: 'conflict' },
  checkout_session_state_invalid: { status: 409, type: 'conflict' },
  checkout_session_incomplete: { status: 422, type: 'validation_error' },
  payment_intent_state_invalid: { status: 409, type: 'conflict' },
  encryption_key_missing: { status: 409, type: 'conflict' },
  webhook_account_unknown: { status: 400, type: 'invalid_request' },
  webhook_signature_invalid: { status: 400, type: 'invalid_request' },
  webhook_endpoint_disabled: { status: 409, type: 'conflict' },
  console_user_exists: { status: 409, type: 'conflict' },
  invite_invalid: { status: 410, type: 'invalid_request' },
  password_invalid: { status: 422, type: 'validation_error' },
};

/** Every code a use case can answer (for the OpenAPI error schema). */
export const FAILURE_CODES = Object.keys(FAILURE_STATUS) as FailureCode[];

export function failureToApiError(failure: Failure): ApiError {
  const { status, type } = FAILURE_STATUS[failure.code];
  // A rule refused a well-formed value: the refund guide's 422 names it so.
  const errors: FieldError[] | undefined = failure.loc
    ? [{ loc: failure.loc, msg: failure.message, type: 'invalid_request_error' }]
    : undefined;
  return new ApiError(status, type, failure.message, failure.code, errors, failure.details);
}

/** The value of a successful result; a failure becomes the matching ApiError. */
export function unwrap<T>(result: Result<T>): T {
  if (!result.ok) throw failureToApiError(result.error);
  return result.value;
}

export const invalidApiKey = () =>
  new ApiError(401, 'unauthorized', 'Invalid API key', 'api_key_invalid');
export const notFound = (resource: string) =>
  new ApiError(404, 'not_found', `${resource} does not exist`, 'resource_missing');

export function errorBody(error: ApiError, requestId: string) {
  return {
    error: {
      type: error.type,
      message: error.message,
      ...(error.code ? { code: error.code } : {}),
      ...(error.errors ? { errors: error.errors } : {}),
      ...error.details,
      request_id: requestId,
    },
  };
}

interface AjvError {
  readonly keyword: string;
  readonly instancePath: string;
  readonly message?: string;
  readonly params: Record<string, unknown>;
}

function pathOf(error: AjvError): (string | number)[] {
  const segments = error.instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
  const extra =
    error.params.missingProperty ?? error.params.additionalProperty ?? error.params.propertyName;
  return typeof extra === 'string' ? [...segments, extra] : segments;
}

const KIND_BY_KEYWORD: Record<string, FieldErrorType> = {
  required: 'missing',
  type: 'type_error',
  additionalProperties: 'unknown_field',
};

/**
 * One field error per location: the branches of a nullable union ("must be string",
 * "must be null", "must match a schema in anyOf") become "must be string or null".
 */
function fieldErrorsOf(errors: readonly AjvError[]): FieldError[] {
  const byLoc = new Map<string, { loc: (string | number)[]; errors: AjvError[] }>();
  for (const e of errors) {
    const loc = pathOf(e);
    const id = JSON.stringify(loc);
    const group = byLoc.get(id) ?? { loc, errors: [] };
    group.errors.push(e);
    byLoc.set(id, group);
  }
  return [...byLoc.values()].map(({ loc, errors: group }) => {
    const types = group.filter((e) => e.keyword === 'type').map((e) => String(e.params.type));
    const meaningful = group.filter((e) => e.keyword !== 'anyOf' && e.keyword !== 'type');
    const first = meaningful[0];
    if (!first) return { loc, msg: `must be ${types.join(' or ')}`, type: 'type_error' };
    const msg =
      first.keyword === 'additionalProperties'
        ? 'Unknown field'
        : first.keyword === 'required'
          ? 'Field required'
          : (first.message ?? 'Invalid value');
    return { loc, msg, type: KIND_BY_KEYWORD[first.keyword] ?? 'value_error' };
  });
}

/** Schema validation failures: unknown fields are a 400, anything else a 422. */
function validationToApiError(errors: readonly AjvError[], context: string): ApiError {
  const fieldErrors = fieldErrorsOf(errors);
  const where = (loc: readonly (string | number)[]) =>
    loc.length > 0 ? loc.join('.') : context === 'body' ? 'body' : context;
  const unknown = fieldErrors.filter((e) => e.type === 'unknown_field');
  if (unknown.length > 0) {
    const names = unknown.map((e) => where(e.loc)).join(', ');
    return new ApiError(
      400,
      'invalid_request',
      `Unknown field: ${names}`,
      'parameter_unknown',
      unknown,
    );
  }
  const first = fieldErrors[0];
  const message = first ? `${where(first.loc)}: ${first.msg}` : 'Invalid request';
  return new ApiError(422, 'validation_error', message, 'parameter_invalid', fieldErrors);
}

/** Maps anything thrown while handling a request to an ApiError (never leaking internals). */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  const e = error as Partial<FastifyError> & { validation?: AjvError[] };
  if (Array.isArray(e.validation))
    return validationToApiError(e.validation, e.validationContext ?? 'body');
  switch (e.statusCode) {
    case 413:
      return new ApiError(413, 'invalid_request', 'Request body is too large', 'body_too_large');
    case 415:
      return new ApiError(
        415,
        'invalid_request',
        'Content-Type must be application/json',
        'unsupported_media_type',
      );
    case 400:
      return new ApiError(400, 'invalid_request', malformedMessage(e), 'body_malformed');
    default:
      return new ApiError(500, 'api_error', 'An unexpected error occurred', 'internal_error');
  }
}

function malformedMessage(error: Partial<FastifyError>): string {
  if (error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return 'Request body is empty';
  if (error instanceof SyntaxError || error.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
    return 'Request body is not valid JSON';
  }
  return 'Malformed request';
}

export function sendError(reply: FastifyReply, request: FastifyRequest, error: ApiError) {
  return reply.code(error.status).type('application/json').send(errorBody(error, request.id));
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => {
    const apiError = toApiError(error);
    if (apiError.status >= 500) request.log.error({ err: error }, 'request failed');
    if (apiError.status === 429 && error instanceof ApiError && error.details?.retry_after) {
      reply.header('retry-after', String(error.details.retry_after));
    }
    return sendError(reply, request, apiError);
  });
}
