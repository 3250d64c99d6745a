import { describe, expect, it } from 'vitest';
import { API_ERROR_CODES, ERROR_STATUS } from '../src/http/error-codes.js';
import { declineCode, ERROR_TYPES, REQUEST_ERROR_CODES } from '../src/http/error-vocabulary.js';
import { ApiError, failureToApiError } from '../src/http/errors.js';

/** The statuses ERROR_TYPES documents for each type, e.g. "(400, 405, 410)" → [400, 405, 410]. */
const documentedStatuses = (type: keyof typeof ERROR_TYPES) =>
  [...ERROR_TYPES[type].matchAll(/\b([45]\d\d)\b/g)].map((m) => Number(m[1]));

describe('the code → status map', () => {
  it('gives every code a status its error type documents', () => {
    for (const code of API_ERROR_CODES) {
      const { status, type } = ERROR_STATUS[code];
      expect(Object.keys(ERROR_TYPES), code).toContain(type);
      expect(documentedStatuses(type), `${code}: ${status} ${type}`).toContain(status);
    }
  });

  it('covers every request error code, and use-case codes apart from them', () => {
    for (const code of Object.keys(REQUEST_ERROR_CODES)) expect(API_ERROR_CODES).toContain(code);
    expect(new Set(API_ERROR_CODES).size).toBe(API_ERROR_CODES.length);
    expect(API_ERROR_CODES).toContain('resource_missing');
  });

  it('builds an ApiError from a code alone', () => {
    const error = new ApiError('idempotency_key_in_use', 'busy');
    expect([error.status, error.type, error.code, error.message]).toEqual([
      409,
      'conflict',
      'idempotency_key_in_use',
      'busy',
    ]);
    const failure = failureToApiError({ code: 'invite_invalid', message: 'spent' });
    expect([failure.status, failure.type]).toEqual([410, 'invalid_request']);
  });

  it('sends a decline with the status and type of payment_failed and the decline as code', () => {
    const details = { decline_code: 'insufficient_funds', payment_intent_id: 'pi_1' };
    const declined = ApiError.declined(declineCode('insufficient_funds'), 'No funds', details);
    expect([declined.status, declined.type, declined.code]).toEqual([
      402,
      'processor_error',
      'insufficient_funds',
    ]);
    expect(declined.details).toEqual(details);
    const bare = ApiError.declined(null, 'The payment failed', {});
    expect([bare.status, bare.type, bare.code]).toEqual([402, 'processor_error', 'payment_failed']);
  });
});
