import type { Kysely } from 'kysely';
import type { Database } from '../../adapters/db/schema.js';
import { transact } from '../../adapters/db/transact.js';
import { fail, missing, ok, type Result } from '../../domain/errors.js';
import { type Metadata, updatedMetadata } from '../../domain/metadata.js';
import type { Tenant } from '../../domain/tenant.js';
import type { TenantContext, Update } from './command-context.js';
import type { Deps } from './deps.js';

/** What every updatable row carries: merged metadata and the time of its last change. */
interface Stamped {
  readonly metadata: Metadata;
  readonly updated_at: Date;
}

/** What an update's input carries besides its own fields. */
export interface MetadataUpdate {
  /** Merged into the current metadata; a key set to "" is removed. */
  readonly metadata?: Metadata | undefined;
}

/**
 * The `keys` columns as the input gives them, else as they are ("only the given fields
 * change"; a null given clears a nullable one): what most updates' `apply` answers.
 */
export function given<R, K extends keyof R>(
  current: R,
  input: { readonly [P in K]?: R[P] | undefined },
  keys: readonly K[],
): Pick<R, K> {
  const columns = {} as Pick<R, K>;
  for (const key of keys) {
    const value = input[key];
    columns[key] = value === undefined ? current[key] : (value as R[K]);
  }
  return columns;
}

/** The columns an update writes: the use case's own, then metadata and updated_at. */
export type Changes<C> = C & Stamped;

export interface RowUpdate<K extends unknown[], R extends Stamped, I, C extends Partial<R>> {
  /**
   * The object's name: a missing row is "<name> does not exist"; a metadata error points at
   * its root key (the name with `_` for spaces: `tax rate` → `tax_rate.metadata`).
   */
  readonly name: string;
  /** Reads the row by its key (`tenant, id`, or an account's id) and locks it. */
  readonly lock: (tx: Kysely<Database>, ...key: K) => Promise<R | undefined>;
  /** The use case's own columns after `input`, from the current row: pure, may refuse. */
  readonly apply: (current: R, input: I) => Result<C>;
  /** Writes the changed columns; the rows before and after are there for an event. */
  readonly write: (
    tx: Kysely<Database>,
    ...args: [...key: K, changes: Changes<C>, current: R, next: R]
  ) => Promise<unknown>;
}

/**
 * Work on one row under its lock, written once: in one transaction, lock the row by its key
 * (`[tenant, id]`, or an account's `[id]`; a missing row is "<name> does not exist") and
 * hand it to `work`, whose failure rolls back what it wrote.
 */
export function withLockedRow<K extends unknown[], R, T>(
  deps: Deps,
  name: string,
  lock: (tx: Kysely<Database>, ...key: K) => Promise<R | undefined>,
  key: K,
  work: (tx: Kysely<Database>, current: R) => Promise<Result<T>>,
): Promise<Result<T>> {
  return transact(deps.db, async (tx) => {
    const current = await lock(tx, ...key);
    if (!current) return fail(missing(name));
    return work(tx, current);
  });
}

/**
 * An update of one row, written once: in one transaction, lock the row by its key (a
 * missing one is "<name> does not exist"), apply the input to it, merge the metadata, stamp
 * `updated_at`, write, and answer the row as it now is. The row lock means no concurrent
 * update is lost. Called as `(deps, key, input)`; a tenant's object is `updateById`.
 */
export function updateRow<
  K extends unknown[],
  R extends Stamped,
  I extends MetadataUpdate,
  C extends Partial<R>,
>(update: RowUpdate<K, R, I, C>) {
  const root = update.name.replaceAll(' ', '_');
  return (deps: Deps, key: K, input: I): Promise<Result<R>> =>
    withLockedRow(deps, update.name, update.lock, key, async (tx, current) => {
      const own = update.apply(current, input);
      if (!own.ok) return own;
      const metadata = updatedMetadata(current.metadata, input.metadata, root);
      if (!metadata.ok) return metadata;
      const changes: Changes<C> = {
        ...own.value,
        metadata: metadata.value,
        updated_at: deps.clock.now(),
      };
      const next: R = { ...current, ...changes };
      await update.write(tx, ...key, changes, current, next);
      return ok(next);
    });
}

/**
 * `updateRow` for an object of the tenant, as a command: `(ctx, { id, changes })`, the row
 * locked by `(tenant, id)`.
 */
export function updateById<R extends Stamped, I extends MetadataUpdate, C extends Partial<R>>(
  update: RowUpdate<[tenant: Tenant, id: string], R, I, C>,
) {
  const run = updateRow(update);
  return ({ deps, tenant }: TenantContext, { id, changes }: Update<I>): Promise<Result<R>> =>
    run(deps, [tenant, id], changes);
}
