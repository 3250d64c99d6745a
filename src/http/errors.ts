import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Failure, Result } from '../domain/errors.js';
import { type ApiErrorCode, ERROR_STATUS } from './error-codes.js';
import type { DeclineCode, ErrorCode, ErrorType, FieldErrorType } from './error-vocabulary.js';

export interface FieldError {
  readonly loc: readonly (string | number)[];
  readonly msg: string;
  readonly type: FieldErrorType;
}

export interface ApiErrorExtras {
  /** One entry per refused field. */
  readonly errors?: readonly FieldError[];
  /** Structured facts spread into the error object (e.g. `retry_after`). */
  readonly details?: Readonly<Record<string, unknown>>;
}

/**
 * An error that becomes the one wire error shape of PRODUCT.md §1. It is built from a code
 * and takes its status and type from `ERROR_STATUS`, so a code has one status everywhere.
 */
export class ApiError extends Error {
  readonly status: number;
  readonly type: ErrorType;
  readonly errors?: readonly FieldError[];
  readonly details?: Readonly<Record<string, unknown>>;
  #code: ErrorCode;

  constructor(code: ApiErrorCode, message: string, extras: ApiErrorExtras = {}) {
    super(message);
    const { status, type } = ERROR_STATUS[code];
    this.status = status;
    this.type = type;
    this.#code = code;
    this.errors = extras.errors;
    this.details = extras.details;
  }

  get code(): ErrorCode {
    return this.#code;
  }

  /**
   * The processor refused a payment: a `payment_failed` (402 `processor_error`) whose code is
   * the processor's own decline code when it gave one, the one code outside the closed list.
   */
  static declined(
    decline: DeclineCode | null,
    message: string,
    details: Readonly<Record<string, unknown>>,
  ): ApiError {
    const error = new ApiError('payment_failed', message, { details });
    if (decline) error.#code = decline;
    return error;
  }
}

export function failureToApiError(failure: Failure): ApiError {
  // A rule refused a well-formed value: the refund guide's 422 names it so.
  const errors: FieldError[] | undefined = failure.loc
    ? [{ loc: failure.loc, msg: failure.message, type: 'invalid_request_error' }]
    : undefined;
  return new ApiError(failure.code, failure.message, { errors, details: failure.details });
}

/** The value of a successful result; a failure becomes the matching ApiError. */
export function unwrap<T>(result: Result<T>): T {
  if (!result.ok) throw failureToApiError(result.error);
  return result.value;
}

export const invalidApiKey = () => new ApiError('api_key_invalid', 'Invalid API key');
export const notFound = (resource: string) =>
  new ApiError('resource_missing', `${resource} does not exist`);

export function errorBody(error: ApiError, requestId: string) {
  return {
    error: {
      type: error.type,
      message: error.message,
      code: error.code,
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
    return new ApiError('parameter_unknown', `Unknown field: ${names}`, { errors: unknown });
  }
  const first = fieldErrors[0];
  const message = first ? `${where(first.loc)}: ${first.msg}` : 'Invalid request';
  return new ApiError('parameter_invalid', message, { errors: fieldErrors });
}

/** Maps anything thrown while handling a request to an ApiError (never leaking internals). */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  const e = error as Partial<FastifyError> & { validation?: AjvError[] };
  if (Array.isArray(e.validation))
    return validationToApiError(e.validation, e.validationContext ?? 'body');
  switch (e.statusCode) {
    case 413:
      return new ApiError('body_too_large', 'Request body is too large');
    case 415:
      return new ApiError('unsupported_media_type', 'Content-Type must be application/json');
    case 400:
      return new ApiError('body_malformed', malformedMessage(e));
    default:
      return new ApiError('internal_error', 'An unexpected error occurred');
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
