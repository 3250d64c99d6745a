import { type Kysely, sql } from 'kysely';
import type { Tenant } from '../../../domain/tenant.js';
import type { Database } from '../schema.js';
import type { CustomerBalanceTransactionRow } from '../schema-test-clocks.js';
import { type ListRows, tableRows } from '../table-rows.js';

const transactions = tableRows('customer_balance_transactions', {
  json: ['metadata'],
  filters: { customer_id: 'customer_id' },
});

/** The insert of a balance transaction, to run with the customer's new balance. */
export const insertBalanceTransactionQuery = transactions.insertQuery;
export const selectBalanceTransactionById = transactions.byId;
export const lockBalanceTransactionById = transactions.lockById;
export const updateBalanceTransactionQuery = transactions.updateQuery;

export interface BalanceTransactionFilter {
  readonly customer_id?: string | undefined;
}
export const listBalanceTransactions: ListRows<
  BalanceTransactionFilter,
  CustomerBalanceTransactionRow
> = transactions.list;

/**
 * What an order holds of its customer's balance: the credit its `applied_to_order`
 * transactions took (positive amounts) less what `unapplied_from_order` ones gave back.
 */
export async function selectCreditHeldByOrder(
  db: Kysely<Database>,
  tenant: Tenant,
  orderId: string,
): Promise<number> {
  const row = await db
    .selectFrom('customer_balance_transactions')
    .select(sql<string>`coalesce(sum(amount), 0)`.as('held'))
    .where('account_id', '=', tenant.accountId)
    .where('mode', '=', tenant.mode)
    .where('order_id', '=', orderId)
    .where('type', 'in', ['applied_to_order', 'unapplied_from_order'])
    .executeTakeFirst();
  return Number(row?.held ?? 0);
}
