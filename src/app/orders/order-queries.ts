import type { Page, PageRequest } from '../../adapters/db/pagination.js';
import { listEventsForObject } from '../../adapters/db/repos/events-repo.js';
import {
  listOrderAggregates,
  type OrderFilter,
  selectOrderAggregate,
} from '../../adapters/db/repos/orders-repo.js';
import type { EventRow } from '../../adapters/db/schema.js';
import { fail, missing, ok, type Result } from '../../domain/errors.js';
import type { Tenant } from '../../domain/tenant.js';
import type { OrderView } from '../../resources/order.js';
import type { ListInput, TenantContext } from '../shared/command-context.js';
import type { Deps } from '../shared/deps.js';
import { priceWith, viewOrder } from './order-pricing.js';

export async function getOrder(deps: Deps, tenant: Tenant, id: string): Promise<Result<OrderView>> {
  const aggregate = await selectOrderAggregate(deps.db, tenant, id);
  return aggregate ? ok(await viewOrder(deps.db, tenant, aggregate)) : fail(missing('order'));
}

export async function listOrders(
  { deps, tenant }: TenantContext,
  { filter, page }: ListInput<OrderFilter>,
): Promise<Page<OrderView>> {
  const result = await listOrderAggregates(deps.db, tenant, filter, page);
  return {
    ...result,
    items: result.items.map((aggregate) => ({
      ...aggregate,
      pricing: priceWith(aggregate, aggregate.taxRates),
    })),
  };
}

/** The order's append-only history, newest first. */
export async function orderTimeline(
  { deps, tenant }: TenantContext,
  { orderId: id, page }: { readonly orderId: string; readonly page: PageRequest },
): Promise<Result<Page<EventRow>>> {
  const aggregate = await selectOrderAggregate(deps.db, tenant, id);
  if (!aggregate) return fail(missing('order'));
  return ok(await listEventsForObject(deps.db, tenant, id, page));
}
