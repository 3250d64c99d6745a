import { type SelectQueryBuilder, sql } from 'kysely';

/** A keyset page request: newest first, cursors are object ids. */
export interface PageRequest {
  readonly limit: number;
  readonly startingAfter?: string | undefined;
  readonly endingBefore?: string | undefined;
}

export interface Page<T> {
  readonly items: T[];
  readonly hasMore: boolean;
  /** The cursor that continues in the direction asked for, or null at the end. */
  readonly nextCursor: string | null;
}

/**
 * Runs a list query as one keyset page ordered by `idColumn` descending (ids are
 * time-sortable, so newest first). Cost depends on the page size, not on the table.
 */
export async function fetchPage<DB, TB extends keyof DB, O extends { id: string }>(
  query: SelectQueryBuilder<DB, TB, O>,
  idColumn: string,
  page: PageRequest,
): Promise<Page<O>> {
  const id = sql.ref(idColumn);
  const backwards = page.endingBefore !== undefined && page.startingAfter === undefined;
  let q = query;
  if (page.startingAfter !== undefined) q = q.where(id, '<', page.startingAfter);
  if (page.endingBefore !== undefined) q = q.where(id, '>', page.endingBefore);
  const rows = await q
    .orderBy(id, backwards ? 'asc' : 'desc')
    .limit(page.limit + 1)
    .execute();
  const hasMore = rows.length > page.limit;
  const items = rows.slice(0, page.limit);
  if (backwards) items.reverse();
  const edge = backwards ? items[0] : items[items.length - 1];
  return { items, hasMore, nextCursor: hasMore && edge ? edge.id : null };
}
