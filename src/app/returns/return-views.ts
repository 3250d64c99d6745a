import type { Page } from '../../adapters/db/pagination.js';
import {
  hasOrder,
  listReturns as listRows,
  type ReturnFilter,
  selectReturnById,
} from '../../adapters/db/repos/returns-repo.js';
import type { ReturnRow } from '../../adapters/db/schema-returns.js';
import { fail, missing, ok, type Result } from '../../domain/errors.js';
import type { ListInput, TenantContext } from '../shared/command-context.js';
import { readById, readPage } from '../shared/reads.js';

export const getReturn = readById('return', selectReturnById);
export const listReturns = readPage<ReturnFilter, ReturnRow>(listRows);

/** One order's returns, newest first; an order the tenant does not have is a 404. */
export async function listOrderReturns(
  { deps, tenant }: TenantContext,
  { filter, page }: ListInput<ReturnFilter & { readonly order_id: string }>,
): Promise<Result<Page<ReturnRow>>> {
  if (!(await hasOrder(deps.db, tenant, filter.order_id))) return fail(missing('order'));
  return ok(await listRows(deps.db, tenant, filter, page));
}
