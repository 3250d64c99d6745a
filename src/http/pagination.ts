import type { Page, PageRequest } from '../adapters/db/pagination.js';
import { ApiError } from './errors.js';

interface ListQueryParams {
  readonly limit: number;
  readonly starting_after?: string | undefined;
  readonly ending_before?: string | undefined;
}

export function pageRequestOf(query: ListQueryParams): PageRequest {
  if (query.starting_after !== undefined && query.ending_before !== undefined) {
    throw new ApiError('parameter_invalid', 'Pass starting_after or ending_before, not both', {
      errors: [
        {
          loc: ['ending_before'],
          msg: 'Cannot be combined with starting_after',
          type: 'value_error',
        },
      ],
    });
  }
  return {
    limit: query.limit,
    startingAfter: query.starting_after,
    endingBefore: query.ending_before,
  };
}

/** `{"<plural>": [...], "has_more", "next_cursor"}` */
export function listBody<K extends string, R, T>(key: K, page: Page<R>, serialize: (row: R) => T) {
  return {
    [key]: page.items.map(serialize),
    has_more: page.hasMore,
    next_cursor: page.nextCursor,
  } as { [P in K]: T[] } & { has_more: boolean; next_cursor: string | null };
}
