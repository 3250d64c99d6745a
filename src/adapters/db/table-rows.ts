import type {
  InsertQueryBuilder,
  InsertResult,
  Kysely,
  Selectable,
  SelectQueryBuilder,
  UpdateQueryBuilder,
  UpdateResult,
} from 'kysely';
import type { Mode, Tenant } from '../../domain/tenant.js';
import { fetchPage, type Page, type PageRequest } from './pagination.js';
import type { Database } from './schema.js';
import { scoped } from './scoped.js';

/** The tables of one tenant's objects: an `id`, and the columns `scoped` filters on. */
export type TenantTable = {
  [T in keyof Database]: Database[T] extends { id: string; account_id: string; mode: Mode }
    ? T
    : never;
}[keyof Database];

type Row<T extends TenantTable> = Selectable<Database[T]>;
type Column<T extends TenantTable> = keyof Row<T> & string;

/** The tenant's rows of table `T`, every column: a query to narrow further. */
export type RowsQuery<T extends TenantTable> = SelectQueryBuilder<Database, T, Row<T>>;

/** A list filter: each key, when given, is an equality on the column it names. */
export type EqualFilter<F extends Record<string, string>, T extends TenantTable> = {
  readonly [K in keyof F]?: F[K] extends Column<T> ? Row<T>[F[K]] | undefined : never;
};

/** An update by id as a repository exports it, with the columns it may change. */
export type UpdateById<C> = (
  db: Kysely<Database>,
  tenant: Tenant,
  id: string,
  changes: C,
) => Promise<void>;

/** A filtered page as a repository exports it. */
export type ListRows<F, R> = (
  db: Kysely<Database>,
  tenant: Tenant,
  filter: F,
  page: PageRequest,
) => Promise<Page<R>>;

export interface TableRowsOptions<T extends TenantTable, F extends Record<string, Column<T>>> {
  /** The JSON columns: written as text (`JSON.stringify`), a null stays SQL null. */
  readonly json: readonly Column<T>[];
  /** Rows with `deleted_at` set are gone: never read (the table must have the column). */
  readonly live?: boolean;
  /** The filters `list` takes, each named for the column it compares for equality. */
  readonly filters?: F;
}

// The builders below are written once for every table, and Kysely cannot resolve a column
// of a table that is still a type parameter: inside, the database is untyped; the surface
// is typed per table by the signatures, which is what callers see.
// biome-ignore lint/suspicious/noExplicitAny: see above
type Untyped = Kysely<any>;
// biome-ignore lint/suspicious/noExplicitAny: see above
type UntypedSelect = SelectQueryBuilder<any, any, any>;

/**
 * The statements every tenant-owned table repeats, written once: the insert of a new row,
 * reads by id (with or without the row lock), the update of some columns, a filtered page.
 * Each is the SQL the repositories have always sent, to the byte (prepared statements and
 * the deferring client depend on the text): `scoped(tenant)` first, then `id`, JSON columns
 * in their place in an insert and after the other columns in an update.
 */
export function tableRows<
  T extends TenantTable,
  F extends Record<string, Column<T>> = Record<never, Column<T>>,
>(table: T, options: TableRowsOptions<T, F>) {
  const name: string = table;
  const json: readonly string[] = options.json;
  const filters: Record<string, string> = options.filters ?? {};

  function rows(db: Kysely<Database>, tenant: Tenant): RowsQuery<T> {
    const query = (db as unknown as Untyped).selectFrom(name).selectAll().$call(scoped(tenant));
    return (options.live ? query.where('deleted_at', 'is', null) : query) as RowsQuery<T>;
  }

  function byId(db: Kysely<Database>, tenant: Tenant, id: string) {
    return (rows(db, tenant) as unknown as UntypedSelect).where('id', '=', id);
  }

  function rowsIn(db: Kysely<Database>, tenant: Tenant, ids: readonly string[]) {
    return (rows(db, tenant) as unknown as UntypedSelect).where('id', 'in', [...ids]);
  }

  function insertQuery(
    db: Kysely<Database>,
    row: Row<T>,
  ): InsertQueryBuilder<Database, T, InsertResult> {
    const values: Record<string, unknown> = { ...row };
    for (const column of json) values[column] = asJson(values[column]);
    return (db as unknown as Untyped).insertInto(name).values(values) as never;
  }

  function updateQuery(
    db: Kysely<Database>,
    tenant: Tenant,
    id: string,
    changes: Partial<Row<T>>,
  ): UpdateQueryBuilder<Database, T, T, UpdateResult> {
    const values: Record<string, unknown> = { ...changes };
    for (const column of json) delete values[column];
    for (const column of json) {
      const value = (changes as Record<string, unknown>)[column];
      if (value !== undefined) values[column] = asJson(value);
    }
    return (db as unknown as Untyped)
      .updateTable(name)
      .set(values)
      .$call(scoped(tenant))
      .where('id', '=', id) as never;
  }

  return {
    rows,
    insertQuery,
    updateQuery,
    async insert(db: Kysely<Database>, row: Row<T>): Promise<void> {
      await insertQuery(db, row).execute();
    },
    async byId(db: Kysely<Database>, tenant: Tenant, id: string): Promise<Row<T> | undefined> {
      return byId(db, tenant, id).executeTakeFirst() as Promise<Row<T> | undefined>;
    },
    /** Reads a row and locks it until the transaction ends (its key stays free for references). */
    async lockById(db: Kysely<Database>, tenant: Tenant, id: string): Promise<Row<T> | undefined> {
      return byId(db, tenant, id).forNoKeyUpdate().executeTakeFirst() as Promise<
        Row<T> | undefined
      >;
    },
    async update(
      db: Kysely<Database>,
      tenant: Tenant,
      id: string,
      changes: Partial<Row<T>>,
    ): Promise<void> {
      await updateQuery(db, tenant, id, changes).execute();
    },
    /** The tenant's rows among `ids`, in no set order (none for none). */
    async byIds(db: Kysely<Database>, tenant: Tenant, ids: readonly string[]): Promise<Row<T>[]> {
      if (ids.length === 0) return [];
      return rowsIn(db, tenant, ids).execute() as Promise<Row<T>[]>;
    },
    /** Locks the tenant's rows among `ids` in id order (so that two writers never deadlock). */
    async lockByIds(
      db: Kysely<Database>,
      tenant: Tenant,
      ids: readonly string[],
    ): Promise<Row<T>[]> {
      if (ids.length === 0) return [];
      return rowsIn(db, tenant, ids).orderBy('id').forNoKeyUpdate().execute() as Promise<Row<T>[]>;
    },
    /** A page of the tenant's rows, narrowed by the filters given (in the order declared). */
    async list(
      db: Kysely<Database>,
      tenant: Tenant,
      filter: EqualFilter<F, T>,
      page: PageRequest,
    ): Promise<Page<Row<T>>> {
      let query = rows(db, tenant) as unknown as UntypedSelect;
      for (const [key, column] of Object.entries(filters)) {
        const value = (filter as Record<string, unknown>)[key];
        if (value !== undefined) query = query.where(column, '=', value);
      }
      return fetchPage(query, 'id', page) as Promise<Page<Row<T>>>;
    },
  };
}

function asJson(value: unknown): string | null {
  return value === null ? null : JSON.stringify(value);
}
