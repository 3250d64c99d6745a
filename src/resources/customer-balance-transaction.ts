import type { CustomerBalanceTransactionRow } from '../adapters/db/schema-test-clocks.js';
import { modeAndTimes } from './object-times.js';

/** A change of a customer's credit balance, as the API and its events show it. */
export function customerBalanceTransactionResource(row: CustomerBalanceTransactionRow) {
  return {
    customer_balance_transaction_id: row.id,
    object: 'customer_balance_transaction' as const,
    customer_id: row.customer_id,
    amount: row.amount,
    currency: row.currency,
    type: row.type,
    ending_balance: row.ending_balance,
    description: row.description,
    order_id: row.order_id,
    invoice_id: row.invoice_id,
    metadata: row.metadata,
    ...modeAndTimes(row),
  };
}
