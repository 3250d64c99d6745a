import type { FastifyRequest } from 'fastify';
import { ApiError } from './errors.js';

// PostgreSQL cannot store NUL in text or jsonb, and a lone UTF-16 surrogate would be
// stored as U+FFFD — silently different from what the client sent. Both are refused
// up front, for every string (keys included) in the body and the query string.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const unsafe = (text: string) => text.includes('\u0000') || LONE_SURROGATE.test(text);

function findUnsafe(value: unknown, path: (string | number)[]): (string | number)[] | null {
  if (typeof value === 'string') return unsafe(value) ? path : null;
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = findUnsafe(item, [...path, i]);
      if (found) return found;
    }
    return null;
  }
  if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (unsafe(key)) return [...path, key];
      const found = findUnsafe(item, [...path, key]);
      if (found) return found;
    }
  }
  return null;
}

/** preValidation hook: a NUL or an unpaired surrogate anywhere is a 422 naming the field. */
export async function refuseUnsafeText(request: FastifyRequest): Promise<void> {
  const loc = findUnsafe(request.body, []) ?? findUnsafe(request.query, []);
  if (!loc) return;
  const msg = 'Text cannot contain NUL characters or unpaired UTF-16 surrogates';
  throw new ApiError('parameter_invalid', `${loc.join('.')}: ${msg}`, {
    errors: [{ loc, msg, type: 'value_error' }],
  });
}
