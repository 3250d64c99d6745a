import type { Kysely } from 'kysely';
import type { Page, PageRequest } from '../../adapters/db/pagination.js';
import type { Database } from '../../adapters/db/schema.js';
import { fail, missing, ok, type Result } from '../../domain/errors.js';
import type { Tenant } from '../../domain/tenant.js';
import type { Deps } from './deps.js';

type ById<R> = (db: Kysely<Database>, tenant: Tenant, id: string) => Promise<R | undefined>;
type PageOf<F, R> = (
  db: Kysely<Database>,
  tenant: Tenant,
  filter: F,
  page: PageRequest,
) => Promise<Page<R>>;

/** Reads one of the tenant's objects by id; a missing or foreign one is "<name> does not exist". */
export function readById<R>(name: string, select: ById<R>) {
  return async (deps: Deps, tenant: Tenant, id: string): Promise<Result<R>> => {
    const row = await select(deps.db, tenant, id);
    return row ? ok(row) : fail(missing(name));
  };
}

/** Reads a page of the tenant's objects as the repository lists them. */
export function readPage<F, R>(list: PageOf<F, R>) {
  return (deps: Deps, tenant: Tenant, filter: F, page: PageRequest): Promise<Page<R>> =>
    list(deps.db, tenant, filter, page);
}
