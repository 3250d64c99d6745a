import type { Page } from '../../adapters/db/pagination.js';
import { listCheckoutSessions } from '../../adapters/db/repos/checkout-sessions-repo.js';
import { selectActorLabels } from '../../adapters/db/repos/console-repo.js';
import { selectCustomerEmails } from '../../adapters/db/repos/customers-repo.js';
import { listEventsForObject } from '../../adapters/db/repos/events-repo.js';
import { listInvoices } from '../../adapters/db/repos/invoices-repo.js';
import {
  type RefundAggregate,
  selectRefundsByOrder,
} from '../../adapters/db/repos/refunds-repo.js';
import {
  selectReturnByExchangeOrder,
  selectReturnsByOrder,
} from '../../adapters/db/repos/returns-repo.js';
import type { CheckoutSessionRow, EventRow } from '../../adapters/db/schema.js';
import type { InvoiceRow } from '../../adapters/db/schema-invoices.js';
import type { ReturnRow } from '../../adapters/db/schema-returns.js';
import type { Tenant } from '../../domain/tenant.js';
import type { OrderView } from '../../resources/order.js';
import { getOrder, listOrders } from '../orders/order-queries.js';
import type { ListInput, TenantContext } from '../shared/command-context.js';
import type { Deps } from '../shared/deps.js';

// What the console reads: orders found by the search box, and one sale's whole record.

export interface OrderSearch {
  readonly q?: string | undefined;
  readonly status?: string | undefined;
  readonly createdGte?: Date | undefined;
  readonly createdLt?: Date | undefined;
}

/** An order in the console's list, with the email of whoever it was for. */
export interface ListedOrder {
  readonly view: OrderView;
  /** The customer's email, else the last buyer's who gave one at checkout. */
  readonly email: string | null;
}

export async function searchOrders(
  ctx: TenantContext,
  { filter: search, page }: ListInput<OrderSearch>,
): Promise<Page<ListedOrder>> {
  const { deps, tenant } = ctx;
  const found = await listOrders(ctx, {
    filter: {
      search: search.q?.trim() || undefined,
      status: search.status,
      createdGte: search.createdGte,
      createdLt: search.createdLt,
    },
    page,
  });
  const customerIds = found.items.flatMap((v) =>
    v.order.customer_id ? [v.order.customer_id] : [],
  );
  const emails = await selectCustomerEmails(deps.db, tenant, [...new Set(customerIds)]);
  const items = found.items.map((view) => {
    const customer = view.order.customer_id ? emails.get(view.order.customer_id) : undefined;
    const buyer = view.payments.findLast((p) => p.buyer_email)?.buyer_email;
    return { view, email: customer ?? buyer ?? null };
  });
  return { ...found, items };
}

/** One sale: the order priced now, its refunds, its checkout sessions and its timeline. */
export interface SaleRecord {
  readonly order: OrderView;
  readonly refunds: readonly RefundAggregate[];
  readonly sessions: readonly CheckoutSessionRow[];
  /** The order's invoices, the newest first (at most one not void). */
  readonly invoices: readonly InvoiceRow[];
  readonly timeline: readonly EventRow[];
  /** The order's returns (and exchanges), newest first. */
  readonly returns: readonly ReturnRow[];
  /** The return whose exchange made this order, when it is a follow-up order. */
  readonly exchangeOf: ReturnRow | null;
  /** The timeline's console users and API keys in words (email, key name), by id. */
  readonly actors: ReadonlyMap<string, string>;
}

export async function saleRecord(
  deps: Deps,
  tenant: Tenant,
  orderId: string,
): Promise<SaleRecord | null> {
  const order = await getOrder(deps, tenant, orderId);
  if (!order.ok) return null;
  const [refunds, sessions, invoices, timeline, returns, exchangeOf] = await Promise.all([
    selectRefundsByOrder(deps.db, orderId),
    listCheckoutSessions(deps.db, tenant, { orderId }, { limit: 100 }),
    listInvoices(deps.db, tenant, { order_id: orderId }, { limit: 100 }),
    listEventsForObject(deps.db, tenant, orderId, { limit: 100 }),
    selectReturnsByOrder(deps.db, tenant, orderId),
    selectReturnByExchangeOrder(deps.db, tenant, orderId),
  ]);
  const ids = (type: EventRow['actor_type']) => [
    ...new Set(
      timeline.items.flatMap((e) => (e.actor_type === type && e.actor_id ? [e.actor_id] : [])),
    ),
  ];
  const actors = await selectActorLabels(deps.db, tenant.accountId, {
    consoleUsers: ids('console_user'),
    apiKeys: ids('api_key'),
  });
  return {
    order: order.value,
    refunds,
    sessions: sessions.items,
    invoices: invoices.items,
    timeline: timeline.items,
    returns: [...returns].reverse(),
    exchangeOf: exchangeOf ?? null,
    actors,
  };
}
