import type { Api } from './api.js';
import type { ListParams, PageList } from './pagination.js';
import type { RequestOptions } from './transport.js';
import type { BodyOf, Keyed, QueryOf, ResponseOf } from './types.js';

// A customer's credit balance: its transactions, the only way it changes. A negative amount
// credits the customer (its next orders use the credit before any charge), a positive one
// debits. Each path is written out, so that sdk/REFERENCE.md names the call.

export type CustomerBalanceTransaction = ResponseOf<
  'GET /v1/customer_balance_transactions/{customer_balance_transaction_id}',
  'customer_balance_transaction'
>;
export type CustomerBalanceTransactionCreateParams = Keyed<
  BodyOf<'POST /v1/customers/{customer_id}/balance_transactions', 'customer_balance_transaction'>
>;

const id = (value: string) => encodeURIComponent(value);
const ROOT = 'customer_balance_transaction';

export class CustomerBalanceTransactions {
  constructor(private readonly api: Api) {}
  /** Credits (negative `amount`) or debits a customer's balance. */
  create(
    customerId: string,
    params: CustomerBalanceTransactionCreateParams,
    options?: RequestOptions,
  ): Promise<CustomerBalanceTransaction> {
    const path = `/v1/customers/${id(customerId)}/balance_transactions`;
    return this.api.one('POST', path, ROOT, params, options);
  }
  get(transactionId: string): Promise<CustomerBalanceTransaction> {
    return this.api.one('GET', `/v1/customer_balance_transactions/${id(transactionId)}`, ROOT);
  }
  /** The same as `get`. */
  retrieve(transactionId: string): Promise<CustomerBalanceTransaction> {
    return this.get(transactionId);
  }
  /** The description and metadata (never the amount). */
  update(
    transactionId: string,
    params: Keyed<
      BodyOf<
        'PATCH /v1/customer_balance_transactions/{customer_balance_transaction_id}',
        'customer_balance_transaction'
      >
    >,
    options?: RequestOptions,
  ): Promise<CustomerBalanceTransaction> {
    const path = `/v1/customer_balance_transactions/${id(transactionId)}`;
    return this.api.one('PATCH', path, ROOT, params, options);
  }
  /** One customer's transactions, newest first. */
  list(customerId: string, params: ListParams = {}): PageList<CustomerBalanceTransaction> {
    return this.api.list(
      `/v1/customers/${id(customerId)}/balance_transactions`,
      'customer_balance_transactions',
      params,
    );
  }
  /** The account's transactions, newest first (`customerId` to filter). */
  listAll(
    params: ListParams & Partial<QueryOf<'GET /v1/customer_balance_transactions'>> = {},
  ): PageList<CustomerBalanceTransaction> {
    return this.api.list(
      '/v1/customer_balance_transactions',
      'customer_balance_transactions',
      params,
    );
  }
}
