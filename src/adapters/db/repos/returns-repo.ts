import type { Kysely } from 'kysely';
import type { ReturnStatus } from '../../../domain/returns/return-values.js';
import type { Tenant } from '../../../domain/tenant.js';
import type { Database } from '../schema.js';
import type { ReturnRow } from '../schema-returns.js';
import { scoped } from '../scoped.js';
import { type ListRows, tableRows } from '../table-rows.js';

const returns = tableRows('returns', {
  json: ['line_items', 'exchange_line_items', 'metadata'],
  filters: { order_id: 'order_id', status: 'status' },
});

/** The insert of a new return, to run with its event. */
export const insertReturnQuery = returns.insertQuery;
export const selectReturnById = returns.byId;
/** Reads a return and locks its row until the transaction ends. */
export const lockReturnById = returns.lockById;
/** The update of a return, to run with its event. */
export const updateReturnQuery = returns.updateQuery;

export interface ReturnFilter {
  readonly order_id?: string | undefined;
  readonly status?: ReturnStatus | undefined;
}
export const listReturns: ListRows<ReturnFilter, ReturnRow> = returns.list;

/** Every return of the order, oldest first: what its lines already returned. */
export async function selectReturnsByOrder(
  db: Kysely<Database>,
  tenant: Tenant,
  orderId: string,
): Promise<ReturnRow[]> {
  return returns.rows(db, tenant).where('order_id', '=', orderId).orderBy('id').execute();
}

/** The return whose exchange made this follow-up order, if any. */
export async function selectReturnByExchangeOrder(
  db: Kysely<Database>,
  tenant: Tenant,
  orderId: string,
): Promise<ReturnRow | undefined> {
  return db
    .selectFrom('returns')
    .selectAll()
    .$call(scoped(tenant))
    .where('exchange_order_id', '=', orderId)
    .executeTakeFirst();
}

/** Whether the tenant has this order (a list of its returns answers 404 otherwise). */
export async function hasOrder(
  db: Kysely<Database>,
  tenant: Tenant,
  orderId: string,
): Promise<boolean> {
  const row = await db
    .selectFrom('orders')
    .select('id')
    .$call(scoped(tenant))
    .where('id', '=', orderId)
    .executeTakeFirst();
  return row !== undefined;
}
