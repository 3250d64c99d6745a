import type { EventRow } from '../adapters/db/schema.js';

interface EventData {
  readonly object: Record<string, unknown>;
  readonly previous_attributes?: Record<string, unknown>;
}

/**
 * The event as the API and webhook deliveries show it: the object as of the event and,
 * for updates, the attributes it had before (`data.previous_attributes`); which object it
 * is about (`object_id`) and its number among that object's events (`sequence`: 1, 2, 3…
 * in commit order), so a receiver can drop one that arrives after a newer one.
 */
export function eventResource(row: EventRow) {
  const data = row.data as unknown as EventData;
  return {
    event_id: row.id,
    object: 'event' as const,
    type: row.type,
    account_id: row.account_id,
    test_mode: row.mode === 'test',
    created_at: row.created_at.toISOString(),
    object_id: row.object_id,
    sequence: row.sequence,
    data: {
      object: data.object,
      ...(data.previous_attributes === undefined
        ? {}
        : { previous_attributes: data.previous_attributes }),
    },
  };
}
export type EventResource = ReturnType<typeof eventResource>;
