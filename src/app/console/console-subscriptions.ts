import { selectCustomerById } from '../../adapters/db/repos/customers-repo.js';
import type { CustomerRow } from '../../adapters/db/schema.js';
import type { SubscriptionRow } from '../../adapters/db/schema-subscriptions.js';
import type { Tenant } from '../../domain/tenant.js';
import type { InvoiceView } from '../../resources/invoice.js';
import type { UpcomingInvoiceView } from '../../resources/upcoming-invoice.js';
import { listInvoices } from '../invoices/invoice-views.js';
import type { Deps } from '../shared/deps.js';
import { getSubscription } from '../subscriptions/subscription-views.js';
import { upcomingInvoice } from '../subscriptions/upcoming-invoice.js';

/**
 * One subscription as the console shows it: its customer, the next invoice as its renewal
 * would bill it now (null when it bills no further period), and its newest invoices.
 */
export interface SubscriptionRecord {
  readonly subscription: SubscriptionRow;
  readonly customer: CustomerRow | null;
  readonly upcoming: UpcomingInvoiceView | null;
  readonly invoices: readonly InvoiceView[];
}

const INVOICES_SHOWN = 24;

/** The subscription's record, or null when the tenant has no such subscription. */
export async function subscriptionRecord(
  deps: Deps,
  tenant: Tenant,
  id: string,
): Promise<SubscriptionRecord | null> {
  const found = await getSubscription(deps, tenant, id);
  if (!found.ok) return null;
  const ctx = { deps, tenant };
  const [customer, upcoming, invoices] = await Promise.all([
    selectCustomerById(deps.db, tenant, found.value.customer_id),
    upcomingInvoice(ctx, { id }),
    listInvoices(ctx, { filter: { subscription_id: id }, page: { limit: INVOICES_SHOWN } }),
  ]);
  return {
    subscription: found.value,
    customer: customer ?? null,
    upcoming: upcoming.ok ? upcoming.value : null,
    invoices: invoices.items,
  };
}
