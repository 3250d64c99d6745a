import type { Page, PageRequest } from '../adapters/db/pagination.js';
import { listEventsForObject } from '../adapters/db/repos/events-repo.js';
import { selectTaxRatesByIds } from '../adapters/db/repos/order-inputs-repo.js';
import {
  listOrderAggregates,
  type OrderFilter,
  selectOrderAggregate,
} from '../adapters/db/repos/orders-repo.js';
import type { EventRow } from '../adapters/db/schema.js';
import { fail, missing, ok, type Result } from '../domain/errors.js';
import type { Tenant } from '../domain/tenant.js';
import type { Deps } from './deps.js';
import { type OrderView, priceWith, taxRateIdsOf, viewOrder } from './order-pricing.js';

export async function getOrder(deps: Deps, tenant: Tenant, id: string): Promise<Result<OrderView>> {
  const aggregate = await selectOrderAggregate(deps.db, tenant, id);
  return aggregate ? ok(await viewOrder(deps.db, tenant, aggregate)) : fail(missing('order'));
}

export async function listOrders(
  deps: Deps,
  tenant: Tenant,
  filter: OrderFilter,
  page: PageRequest,
): Promise<Page<OrderView>> {
  const result = await listOrderAggregates(deps.db, tenant, filter, page);
  const rates = await selectTaxRatesByIds(deps.db, tenant, [
    ...new Set(result.items.flatMap(taxRateIdsOf)),
  ]);
  return {
    ...result,
    items: result.items.map((aggregate) => {
      const used = new Set(taxRateIdsOf(aggregate));
      const taxRates = rates.filter((r) => used.has(r.id));
      return { ...aggregate, taxRates, pricing: priceWith(aggregate, taxRates) };
    }),
  };
}

/** The order's append-only history, newest first. */
export async function orderTimeline(
  deps: Deps,
  tenant: Tenant,
  id: string,
  page: PageRequest,
): Promise<Result<Page<EventRow>>> {
  const aggregate = await selectOrderAggregate(deps.db, tenant, id);
  if (!aggregate) return fail(missing('order'));
  return ok(await listEventsForObject(deps.db, tenant, id, page));
}
