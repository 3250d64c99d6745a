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
  return pageOf(await keysetQuery(query, idColumn, page).execute(), page);
}

/**
 * The rows of one keyset page and one more (which says whether there are more): past
 * the cursor, in the page's direction. A query made of parts (a union) bounds each part
 * this way, then the whole.
 */
export function keysetQuery<DB, TB extends keyof DB, O>(
  query: SelectQueryBuilder<DB, TB, O>,
  idColumn: string,
  page: PageRequest,
): SelectQueryBuilder<DB, TB, O> {
  const id = sql.ref(idColumn);
  let q = query;
  if (page.startingAfter !== undefined) q = q.where(id, '<', page.startingAfter);
  if (page.endingBefore !== undefined) q = q.where(id, '>', page.endingBefore);
  return q.orderBy(id, backwards(page) ? 'asc' : 'desc').limit(page.limit + 1);
}

/** The page made of the rows `keysetQuery` read. */
export function pageOf<O extends { id: string }>(rows: O[], page: PageRequest): Page<O> {
  const hasMore = rows.length > page.limit;
  const items = rows.slice(0, page.limit);
  if (backwards(page)) items.reverse();
  const edge = backwards(page) ? items[0] : items[items.length - 1];
  return { items, hasMore, nextCursor: hasMore && edge ? edge.id : null };
}

function backwards(page: PageRequest): boolean {
  return page.endingBefore !== undefined && page.startingAfter === undefined;
}
