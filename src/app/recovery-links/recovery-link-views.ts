import type { Kysely } from 'kysely';
import { rowsFromJson } from '../../adapters/db/json-rows.js';
import type { Page } from '../../adapters/db/pagination.js';
import { selectOrderTotals } from '../../adapters/db/repos/invoices-repo.js';
import {
  listRecoveryLinks as listRows,
  type RecoveryLinkFilter,
  selectRecoveryLinkById,
} from '../../adapters/db/repos/recovery-links-repo.js';
import type { Database, NewEventRow } from '../../adapters/db/schema.js';
import type { RecoveryLinkRow } from '../../adapters/db/schema-recovery.js';
import { fail, missing, ok, type Result } from '../../domain/errors.js';
import type { EventType } from '../../domain/event-types.js';
import type { Tenant } from '../../domain/tenant.js';
import {
  type RecoveryLinkOrder,
  type RecoveryLinkView,
  recoveryLinkResource,
} from '../../resources/recovery-link.js';
import { type EventAuthor, objectEvent } from '../events/record-events.js';
import type { ListInput, TenantContext } from '../shared/command-context.js';
import type { Deps } from '../shared/deps.js';

/** The links as the API shows them: each with its order's balance, read in one statement. */
export async function viewsOf(
  db: Kysely<Database>,
  tenant: Tenant,
  rows: readonly RecoveryLinkRow[],
): Promise<RecoveryLinkView[]> {
  const orders = await selectOrderTotals(db, tenant, [...new Set(rows.map((r) => r.order_id))]);
  const byId = new Map(orders.map((o) => [o.id, o]));
  return rows.map((link) => {
    const order = byId.get(link.order_id);
    if (!order) throw new Error(`recovery link ${link.id} has no order ${link.order_id}`);
    return { link, order };
  });
}

/** One link as the API shows it (read in `db`: a transaction sees its own writes). */
export async function viewOf(
  db: Kysely<Database>,
  tenant: Tenant,
  link: RecoveryLinkRow,
): Promise<RecoveryLinkView> {
  const [view] = await viewsOf(db, tenant, [link]);
  if (!view) throw new Error('viewsOf answers one view per row');
  return view;
}

export async function getRecoveryLink(
  deps: Deps,
  tenant: Tenant,
  id: string,
): Promise<Result<RecoveryLinkView>> {
  const row = await selectRecoveryLinkById(deps.db, tenant, id);
  return row ? ok(await viewOf(deps.db, tenant, row)) : fail(missing('recovery link'));
}

export async function listRecoveryLinks(
  { deps, tenant }: TenantContext,
  { filter, page }: ListInput<RecoveryLinkFilter>,
): Promise<Page<RecoveryLinkView>> {
  const rows = await listRows(deps.db, tenant, filter, page);
  return { ...rows, items: await viewsOf(deps.db, tenant, rows.items) };
}

export type RecoveryLinkEventType = Extract<EventType, `recovery_link.${string}`>;

/** An event about a link: the link as the API now returns it (on the public URL). */
export function recoveryLinkEvent(
  author: EventAuthor,
  {
    type,
    view,
    before,
    publicUrl,
  }: {
    readonly type: RecoveryLinkEventType;
    readonly view: RecoveryLinkView;
    readonly before?: RecoveryLinkView | undefined;
    /** `Deps.publicUrl`: an event never depends on the request that caused it. */
    readonly publicUrl: string | undefined;
  },
): NewEventRow {
  return objectEvent(author, {
    type,
    objectType: 'recovery_link',
    objectId: view.link.id,
    object: recoveryLinkResource(view, publicUrl),
    now: view.link.updated_at,
    previous:
      type === 'recovery_link.updated' && before
        ? recoveryLinkResource(before, publicUrl)
        : undefined,
  });
}

/** One event per link an order's change ended (rows as the statement returned them). */
export function endedLinkEvents(
  author: EventAuthor,
  {
    rows,
    type,
    order,
    publicUrl,
  }: {
    readonly rows: readonly Record<string, unknown>[] | undefined;
    readonly type: 'recovery_link.completed' | 'recovery_link.deactivated';
    readonly order: RecoveryLinkOrder;
    readonly publicUrl: string | undefined;
  },
): NewEventRow[] {
  return rowsFromJson<RecoveryLinkRow>(rows ?? [], [
    'expires_at',
    'completed_at',
    'expired_at',
    'deactivated_at',
    'created_at',
    'updated_at',
  ]).map((link) => recoveryLinkEvent(author, { type, view: { link, order }, publicUrl }));
}

/** An order's links (`GET /v1/orders/{id}/recovery_links`): a missing or foreign order is a 404. */
export async function listOrderRecoveryLinks(
  ctx: TenantContext,
  { filter, page }: ListInput<RecoveryLinkFilter & { readonly order_id: string }>,
): Promise<Result<Page<RecoveryLinkView>>> {
  const [order] = await selectOrderTotals(ctx.deps.db, ctx.tenant, [filter.order_id]);
  if (!order) return fail(missing('order'));
  return ok(await listRecoveryLinks(ctx, { filter, page }));
}
