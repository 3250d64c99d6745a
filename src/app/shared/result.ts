import type { Result } from '../../domain/errors.js';

/** For callers outside HTTP (CLI, bootstrap) where a failure is a bug or a fatal input error. */
export function unwrapOrThrow<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value;
}
