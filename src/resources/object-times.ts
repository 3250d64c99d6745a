import type { Mode } from '../domain/tenant.js';

/**
 * The fields every object ends with: `test_mode`, then `created_at` and `updated_at` in
 * RFC 3339. Spread last, so the wire keeps its order.
 */
export function modeAndTimes(row: {
  readonly mode: Mode;
  readonly created_at: Date;
  readonly updated_at: Date;
}) {
  return {
    test_mode: row.mode === 'test',
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

/** A moment in RFC 3339, or null when it has not happened. */
export const iso = (at: Date | null): string | null => (at === null ? null : at.toISOString());
