import type { TestClockRow } from '../adapters/db/schema-test-clocks.js';
import { iso, modeAndTimes } from './object-times.js';

/** A test clock as the API (and every event about it) shows it. */
export function testClockResource(row: TestClockRow) {
  return {
    test_clock_id: row.id,
    object: 'test_clock' as const,
    name: row.name,
    frozen_time: row.frozen_time.toISOString(),
    status: row.status,
    /** While advancing: the time the advance runs to. */
    advancing_to: iso(row.advance_to),
    deletes_after: row.deletes_after.toISOString(),
    metadata: row.metadata,
    ...modeAndTimes(row),
  };
}
