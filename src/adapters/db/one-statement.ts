import type { Compilable, CompiledQuery, Kysely, OperationNodeSource } from 'kysely';
import { sql } from 'kysely';
import { SENT_WITH_NEXT_TEXT } from './deferring-client.js';
import type { Database } from './schema.js';

/** An insert, update or delete, built but not yet run. */
export type Write = Compilable & OperationNodeSource;

/**
 * Runs writes as one statement (`with w1 as (insert …), w2 as (update …) select 1`): one
 * round trip instead of one per write, and atomic even on its own. PostgreSQL runs every
 * part to completion against the same snapshot, so the writes must touch different rows
 * and cannot read each other's; foreign keys are checked once, at the end of the statement.
 *
 * `last`: a transaction's last writes, sent with its commit in one round trip
 * (`SENT_WITH_NEXT`): their failure is the commit's. Only for writes nothing in the
 * transaction waits on, called right before it returns.
 */
export async function writeAsOne(
  db: Kysely<Database>,
  writes: readonly Write[],
  options: { readonly last?: boolean } = {},
): Promise<void> {
  const query = oneStatement(db, writes);
  if (!query) return;
  await db.executeQuery(
    options.last ? { ...query, sql: `${query.sql} ${SENT_WITH_NEXT_TEXT}` } : query,
  );
}

function oneStatement(db: Kysely<Database>, writes: readonly Write[]): CompiledQuery | undefined {
  const [first, ...rest] = writes;
  if (!first) return undefined;
  if (rest.length === 0) return first.compile();
  // Kysely types a CTE by its rows; these only write, so their rows are never read.
  let query = db.with('w0', () => first as never);
  for (const [i, write] of rest.entries()) query = query.with(`w${i + 1}`, () => write as never);
  return query.selectNoFrom(sql<number>`1`.as('done')).compile();
}

/**
 * Like `writeAsOne`, with `last` (a write with `returning`) in the same statement: returns
 * the rows it returned as the driver gives them, typed, e.g. to check what a conditional
 * update changed. (`writeAsOneReturningRows` answers for several such writes, which one
 * statement can only return as JSON columns of one row.)
 */
export async function writeAsOneReturning<R>(
  db: Kysely<Database>,
  writes: readonly Write[],
  last: Write & Compilable<R>,
): Promise<R[]> {
  let query = db.with('w0', () => last as never);
  for (const [i, write] of writes.entries()) query = query.with(`w${i + 1}`, () => write as never);
  const { rows } = await db.executeQuery(
    query
      .selectFrom('w0' as never)
      .selectAll()
      .compile() as unknown as CompiledQuery<R>,
  );
  return rows;
}

/** What the CTE loop needs of Kysely's query creator (its types track each CTE's rows). */
interface WithChain {
  with(name: string, expression: () => never): WithChain;
  selectNoFrom(selections: readonly unknown[]): { executeTakeFirstOrThrow(): Promise<unknown> };
}

/**
 * Like `writeAsOne`, with conditional writes (each with a `returning` clause) in the same
 * statement: returns, for each, the rows it changed as JSON objects of the columns it
 * returned (`rowsFromJson` gives them back their Dates).
 */
export async function writeAsOneReturningRows<K extends string>(
  db: Kysely<Database>,
  writes: readonly Write[],
  returning: Readonly<Record<K, Write>>,
): Promise<Record<K, Record<string, unknown>[]>> {
  const names = Object.keys(returning) as K[];
  let query = db as unknown as WithChain;
  for (const name of names) query = query.with(`r_${name}`, () => returning[name] as never);
  for (const [i, write] of writes.entries()) query = query.with(`w${i}`, () => write as never);
  const row = (await query
    .selectNoFrom(
      names.map((name) => {
        const table = sql.table(`r_${name}`);
        return sql`(select coalesce(json_agg(${table}), '[]') from ${table})`.as(name);
      }),
    )
    .executeTakeFirstOrThrow()) as Record<K, unknown>;
  const rows = (value: unknown): Record<string, unknown>[] => {
    const parsed = typeof value === 'string' ? JSON.parse(value) : value;
    if (!Array.isArray(parsed)) throw new TypeError('expected a JSON array of rows');
    return parsed;
  };
  return Object.fromEntries(names.map((name) => [name, rows(row[name])])) as Record<
    K,
    Record<string, unknown>[]
  >;
}
