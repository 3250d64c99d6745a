import { listBalanceTransactions } from '../../adapters/db/repos/customer-balance-repo.js';
import { selectCustomerById } from '../../adapters/db/repos/customers-repo.js';
import { listPaymentMethods } from '../../adapters/db/repos/payment-methods-repo.js';
import type { CustomerRow } from '../../adapters/db/schema.js';
import type { PaymentMethodRow } from '../../adapters/db/schema-payment-methods.js';
import type { SubscriptionRow } from '../../adapters/db/schema-subscriptions.js';
import type { CustomerBalanceTransactionRow } from '../../adapters/db/schema-test-clocks.js';
import type { Tenant } from '../../domain/tenant.js';
import type { InvoiceView } from '../../resources/invoice.js';
import type { OrderView } from '../../resources/order.js';
import { listInvoices } from '../invoices/invoice-views.js';
import { listOrders } from '../orders/order-queries.js';
import type { Deps } from '../shared/deps.js';
import { listSubscriptions } from '../subscriptions/subscription-views.js';

/**
 * One customer as the console shows it: its saved methods, its credit balance's newest
 * transactions, its subscriptions, its newest orders and invoices.
 */
export interface CustomerRecord {
  readonly customer: CustomerRow;
  readonly methods: readonly PaymentMethodRow[];
  readonly balanceTransactions: readonly CustomerBalanceTransactionRow[];
  readonly subscriptions: readonly SubscriptionRow[];
  readonly orders: readonly OrderView[];
  readonly invoices: readonly InvoiceView[];
}

const SHOWN = 20;

/** The customer's record, or null when the tenant has no such customer. */
export async function customerRecord(
  deps: Deps,
  tenant: Tenant,
  id: string,
): Promise<CustomerRecord | null> {
  const customer = await selectCustomerById(deps.db, tenant, id);
  if (!customer) return null;
  const ctx = { deps, tenant };
  const [methods, balanceTransactions, subscriptions, orders, invoices] = await Promise.all([
    listPaymentMethods(deps.db, tenant, { customer_id: id }, { limit: SHOWN }),
    listBalanceTransactions(deps.db, tenant, { customer_id: id }, { limit: SHOWN }),
    listSubscriptions(deps, tenant, { customer_id: id }, { limit: SHOWN }),
    listOrders(ctx, { filter: { customerId: id }, page: { limit: SHOWN } }),
    listInvoices(ctx, { filter: { customer_id: id }, page: { limit: SHOWN } }),
  ]);
  return {
    customer,
    methods: methods.items,
    balanceTransactions: balanceTransactions.items,
    subscriptions: subscriptions.items,
    orders: orders.items,
    invoices: invoices.items,
  };
}
