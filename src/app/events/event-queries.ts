import type { Page } from '../../adapters/db/pagination.js';
import {
  listEvents as listEventRows,
  selectEventById,
} from '../../adapters/db/repos/events-repo.js';
import type { EventRow } from '../../adapters/db/schema.js';
import { fail, missing, ok, type Result } from '../../domain/errors.js';
import { type EventType, isEventType } from '../../domain/event-types.js';
import type { Tenant } from '../../domain/tenant.js';
import type { ListInput, TenantContext } from '../shared/command-context.js';
import type { Deps } from '../shared/deps.js';

/** At most this many types in one `type` filter (each is its own index range). */
export const MAX_EVENT_TYPES_PER_FILTER = 20;

export interface EventListFilter {
  /** One type, or several separated by commas. */
  readonly type?: string | undefined;
  readonly objectId?: string | undefined;
  readonly createdAfter?: Date | undefined;
  readonly createdBefore?: Date | undefined;
}

/** The types a `type` filter names: known, each once, at most `MAX_EVENT_TYPES_PER_FILTER`. */
export function parseEventTypes(value: string | undefined): Result<EventType[]> {
  if (value === undefined) return ok([]);
  const names = value.split(',').map((name) => name.trim());
  const unknown = names.filter((name) => !isEventType(name));
  if (unknown.length > 0) {
    return fail({
      code: 'parameter_invalid',
      message: `Unknown event type: ${unknown.map((n) => JSON.stringify(n)).join(', ')}`,
      loc: ['type'],
    });
  }
  const types = [...new Set(names)] as EventType[];
  if (types.length > MAX_EVENT_TYPES_PER_FILTER) {
    return fail({
      code: 'parameter_invalid',
      message: `At most ${MAX_EVENT_TYPES_PER_FILTER} event types at once`,
      loc: ['type'],
    });
  }
  return ok(types);
}

export async function listEvents(
  { deps, tenant }: TenantContext,
  { filter, page }: ListInput<EventListFilter>,
): Promise<Result<Page<EventRow>>> {
  const types = parseEventTypes(filter.type);
  if (!types.ok) return types;
  const { createdAfter, createdBefore } = filter;
  if (createdAfter && createdBefore && createdAfter >= createdBefore) {
    return fail({
      code: 'parameter_invalid',
      message: 'created_before must be later than created_after',
      loc: ['created_before'],
    });
  }
  return ok(
    await listEventRows(
      deps.db,
      tenant,
      { types: types.value, objectId: filter.objectId, createdAfter, createdBefore },
      page,
    ),
  );
}

export async function getEvent(deps: Deps, tenant: Tenant, id: string): Promise<Result<EventRow>> {
  const event = await selectEventById(deps.db, tenant, id);
  return event ? ok(event) : fail(missing('event'));
}
