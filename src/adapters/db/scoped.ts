import type { WhereInterface } from 'kysely';
import type { Tenant } from '../../domain/tenant.js';

// Any select, update or delete builder: which tables it reads is its own business; the columns
// named here exist on every tenant-owned table (CONVENTIONS, Data).
type TenantQuery = { where(...args: never[]): unknown };
// biome-ignore lint/suspicious/noExplicitAny: a builder over any database and tables
type AnyWhere = WhereInterface<any, any>;

/**
 * Keeps a query to one tenant's rows: `.$call(scoped(tenant))` adds `account_id = … and
 * mode = …` (`scoped(tenant, 'd')` for the table aliased `d` in a join), exactly the SQL of the
 * two `where`s it stands for, in their place — prepared statements depend on the text.
 */
export function scoped(tenant: Tenant, table?: string) {
  const account = table ? `${table}.account_id` : 'account_id';
  const mode = table ? `${table}.mode` : 'mode';
  return <Q extends TenantQuery>(query: Q): Q =>
    (query as unknown as AnyWhere)
      .where(account, '=', tenant.accountId)
      .where(mode, '=', tenant.mode) as unknown as Q;
}
