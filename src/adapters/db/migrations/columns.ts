import { type CreateTableBuilder, type Kysely, sql } from 'kysely';

// The columns and indexes every tenant table shares, written once. Each piece produces
// exactly the DDL the migrations before it wrote by hand (same text, same column order),
// so a shipped migration that uses it still makes the same schema. Not a module of
// migrations: `index.ts` lists those.

/** A tenant table's first columns: its id, the account it belongs to and its mode. */
export function createTenantTable(db: Kysely<unknown>, table: string) {
  return db.schema
    .createTable(table)
    .addColumn('id', 'text', (c) => c.primaryKey())
    .$call(tenantColumns);
}

/** The account and mode columns, for a tenant table whose key is not its own id. */
export function tenantColumns<C extends string>(table: CreateTableBuilder<string, C>) {
  return table
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('mode', 'text', (c) => c.notNull().check(sql`mode in ('test', 'live')`));
}

/** `metadata`, then `created_at` and `updated_at`: how most tables end. */
export function metadataAndTimestamps<C extends string>(table: CreateTableBuilder<string, C>) {
  return table
    .addColumn('metadata', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .$call(timestamps);
}

/** `created_at` and `updated_at`, both required. */
export function timestamps<C extends string>(table: CreateTableBuilder<string, C>) {
  return table
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull());
}

/** An index named `<table>_<suffix>` on those columns, to `.execute()` (or narrow first). */
export function indexOn(db: Kysely<unknown>, table: string, suffix: string, columns: string[]) {
  return db.schema.createIndex(`${table}_${suffix}`).on(table).columns(columns);
}

/** The index of a tenant table's lookups and pages: `(account_id, mode, id)`. */
export function tenantIdIndex(db: Kysely<unknown>, table: string) {
  return indexOn(db, table, 'account_mode_id', ['account_id', 'mode', 'id']);
}
