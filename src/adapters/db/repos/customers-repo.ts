import { type Kysely, sql } from 'kysely';
import type { Tenant } from '../../../domain/tenant.js';
import { fetchPage, type Page, type PageRequest } from '../pagination.js';
import type { CustomerRow, Database } from '../schema.js';
import { scoped } from '../scoped.js';

export async function insertCustomer(db: Kysely<Database>, row: CustomerRow): Promise<void> {
  await db
    .insertInto('customers')
    .values({ ...row, metadata: JSON.stringify(row.metadata) })
    .execute();
}

function customers(db: Kysely<Database>, scope: Tenant) {
  return db
    .selectFrom('customers')
    .selectAll()
    .$call(scoped(scope))
    .where('deleted_at', 'is', null);
}

export async function selectCustomerById(
  db: Kysely<Database>,
  scope: Tenant,
  id: string,
): Promise<CustomerRow | undefined> {
  return customers(db, scope).where('id', '=', id).executeTakeFirst();
}

/** Reads a customer and locks its row until the transaction ends. */
export async function lockCustomerById(
  db: Kysely<Database>,
  scope: Tenant,
  id: string,
): Promise<CustomerRow | undefined> {
  return customers(db, scope).where('id', '=', id).forNoKeyUpdate().executeTakeFirst();
}

export type CustomerChanges = Partial<
  Pick<CustomerRow, 'email' | 'name' | 'phone' | 'description' | 'metadata' | 'deleted_at'>
> &
  Pick<CustomerRow, 'updated_at'>;

export async function updateCustomer(
  db: Kysely<Database>,
  scope: Tenant,
  id: string,
  changes: CustomerChanges,
): Promise<void> {
  const { metadata, ...rest } = changes;
  await db
    .updateTable('customers')
    .set(metadata === undefined ? rest : { ...rest, metadata: JSON.stringify(metadata) })
    .$call(scoped(scope))
    .where('id', '=', id)
    .execute();
}

export async function listCustomers(
  db: Kysely<Database>,
  scope: Tenant,
  filter: { readonly email?: string | undefined },
  page: PageRequest,
): Promise<Page<CustomerRow>> {
  let query = customers(db, scope);
  if (filter.email !== undefined) {
    query = query.where(sql`lower(email)`, '=', filter.email.toLowerCase());
  }
  return fetchPage(query, 'id', page);
}

/** The emails of these customers (deleted ones too: an old order still names its buyer). */
export async function selectCustomerEmails(
  db: Kysely<Database>,
  scope: Tenant,
  ids: readonly string[],
): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('customers')
    .select(['id', 'email'])
    .$call(scoped(scope))
    .where('id', 'in', ids)
    .where('email', 'is not', null)
    .execute();
  return new Map(rows.map((row) => [row.id, row.email ?? '']));
}
