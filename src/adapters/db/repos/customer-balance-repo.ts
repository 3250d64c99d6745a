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
