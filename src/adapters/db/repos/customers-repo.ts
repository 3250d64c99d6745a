import { type Kysely, sql } from 'kysely';
import type { Tenant } from '../../../domain/tenant.js';
import { fetchPage, type Page, type PageRequest } from '../pagination.js';
import type { CustomerRow, Database } from '../schema.js';
import { scoped } from '../scoped.js';
import { tableRows, type UpdateById } from '../table-rows.js';

const customers = tableRows('customers', { json: ['metadata'], live: true });

export const insertCustomer = customers.insert;
export const selectCustomerById = customers.byId;
/** Reads a customer and locks its row until the transaction ends. */
export const lockCustomerById = customers.lockById;

export type CustomerChanges = Partial<
  Pick<
    CustomerRow,
    | 'email'
    | 'name'
    | 'phone'
    | 'description'
    | 'metadata'
    | 'deleted_at'
    | 'default_payment_method_id'
    | 'processor_customer_id'
  >
> &
  Pick<CustomerRow, 'updated_at'>;

export const updateCustomer: UpdateById<CustomerChanges> = customers.update;
/** The update of `updateCustomer`, to run with its event and other writes. */
export const updateCustomerQuery = customers.updateQuery;

/** The write of a customer's balance, only ever with the balance transaction that makes it. */
export function updateCustomerBalanceQuery(
  db: Kysely<Database>,
  tenant: Tenant,
  id: string,
  changes: Pick<CustomerRow, 'balance' | 'currency' | 'updated_at'>,
) {
  return customers.updateQuery(db, tenant, id, changes);
}

export async function listCustomers(
  db: Kysely<Database>,
  scope: Tenant,
  filter: { readonly email?: string | undefined },
  page: PageRequest,
): Promise<Page<CustomerRow>> {
  let query = customers.rows(db, scope);
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
