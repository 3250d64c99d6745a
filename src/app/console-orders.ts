import type { Page, PageRequest } from '../adapters/db/pagination.js';
import { listCheckoutSessions } from '../adapters/db/repos/checkout-sessions-repo.js';
import { listEventsForObject } from '../adapters/db/repos/events-repo.js';
import { type RefundAggregate, selectRefundsByOrder } from '../adapters/db/repos/refunds-repo.js';
import type { CheckoutSessionRow, EventRow } from '../adapters/db/schema.js';
import type { Tenant } from '../domain/tenant.js';
import type { Deps } from './deps.js';
import type { OrderView } from './order-pricing.js';
import { getOrder, listOrders } from './order-queries.js';

// What the console reads: orders found by the search box, and one sale's whole record.

export interface OrderSearch {
  readonly q?: string | undefined;
  readonly status?: string | undefined;
  readonly createdGte?: Date | undefined;
  readonly createdLt?: Date | undefined;
}

export function searchOrders(
  deps: Deps,
  tenant: Tenant,
  search: OrderSearch,
  page: PageRequest,
): Promise<Page<OrderView>> {
  return listOrders(
    deps,
    tenant,
    {
      search: search.q?.trim() || undefined,
      status: search.status,
      createdGte: search.createdGte,
      createdLt: search.createdLt,
    },
    page,
  );
}

/** One sale: the order priced now, its refunds, its checkout sessions and its timeline. */
export interface SaleRecord {
  readonly order: OrderView;
  readonly refunds: readonly RefundAggregate[];
  readonly sessions: readonly CheckoutSessionRow[];
  readonly timeline: readonly EventRow[];
}

export async function saleRecord(
  deps: Deps,
  tenant: Tenant,
  orderId: string,
): Promise<SaleRecord | null> {
  const order = await getOrder(deps, tenant, orderId);
  if (!order.ok) return null;
  const [refunds, sessions, timeline] = await Promise.all([
    selectRefundsByOrder(deps.db, orderId),
    listCheckoutSessions(deps.db, tenant, { orderId }, { limit: 100 }),
    listEventsForObject(deps.db, tenant, orderId, { limit: 100 }),
  ]);
  return { order: order.value, refunds, sessions: sessions.items, timeline: timeline.items };
}
