import type { Selectable } from 'kysely';
import type { BalanceTransactionType } from '../../domain/customer-balance/balance-rules.js';
import type { TestClockStatus } from '../../domain/test-clocks/test-clock-rules.js';
import type {
  MetadataAndTimestamps,
  Nullable,
  TenantColumns,
  Timestamp,
} from './schema-columns.js';

export interface TestClocksTable extends TenantColumns, MetadataAndTimestamps {
  name: string | null;
  /** The clock's time: what its customers' `now` is. */
  frozen_time: Timestamp;
  status: TestClockStatus;
  /** While advancing: the time the advance runs to. */
  advance_to: Nullable<Date>;
  /** While advancing: the lease of the advance under way, by the database's clock. */
  advance_until: Nullable<Date>;
  deletes_after: Timestamp;
  deleted_at: Nullable<Date>;
}

export type TestClockRow = Selectable<TestClocksTable>;

export interface CustomerBalanceTransactionsTable extends TenantColumns, MetadataAndTimestamps {
  customer_id: string;
  /** Added to the balance: negative credits the customer, positive debits. */
  amount: number;
  currency: string;
  type: BalanceTransactionType;
  /** The customer's balance after this transaction. */
  ending_balance: number;
  description: string | null;
  order_id: string | null;
  invoice_id: string | null;
}

export type CustomerBalanceTransactionRow = Selectable<CustomerBalanceTransactionsTable>;
