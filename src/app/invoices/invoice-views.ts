import type { Kysely } from 'kysely';
import type { Page } from '../../adapters/db/pagination.js';
import {
  type InvoiceFilter,
  listInvoices as listRows,
  selectInvoiceById,
  selectOrderTotals,
} from '../../adapters/db/repos/invoices-repo.js';
import type { Database } from '../../adapters/db/schema.js';
import type { InvoiceRow } from '../../adapters/db/schema-invoices.js';
import { fail, missing, ok, type Result } from '../../domain/errors.js';
import type { EventType } from '../../domain/event-types.js';
import type { Tenant } from '../../domain/tenant.js';
import { type InvoiceView, invoiceResource } from '../../resources/invoice.js';
import { type EventAuthor, objectEvent } from '../events/record-events.js';
import type { ListInput, TenantContext } from '../shared/command-context.js';
import type { Deps } from '../shared/deps.js';

/** The invoices as the API shows them: each with its order's totals, read in one statement. */
export async function viewsOf(
  db: Kysely<Database>,
  tenant: Tenant,
  rows: readonly InvoiceRow[],
): Promise<InvoiceView[]> {
  const orders = await selectOrderTotals(db, tenant, [...new Set(rows.map((r) => r.order_id))]);
  const byId = new Map(orders.map((o) => [o.id, o]));
  return rows.map((invoice) => {
    const order = byId.get(invoice.order_id);
    if (!order) throw new Error(`invoice ${invoice.id} has no order ${invoice.order_id}`);
    return { invoice, order };
  });
}

/** One invoice as the API shows it (read in `db`: a transaction sees its own writes). */
export async function viewOf(
  db: Kysely<Database>,
  tenant: Tenant,
  invoice: InvoiceRow,
): Promise<InvoiceView> {
  const [view] = await viewsOf(db, tenant, [invoice]);
  if (!view) throw new Error('viewsOf answers one view per row');
  return view;
}

export async function getInvoice(
  deps: Deps,
  tenant: Tenant,
  id: string,
): Promise<Result<InvoiceView>> {
  const row = await selectInvoiceById(deps.db, tenant, id);
  return row ? ok(await viewOf(deps.db, tenant, row)) : fail(missing('invoice'));
}

export async function listInvoices(
  { deps, tenant }: TenantContext,
  { filter, page }: ListInput<InvoiceFilter>,
): Promise<Page<InvoiceView>> {
  const rows = await listRows(deps.db, tenant, filter, page);
  return { ...rows, items: await viewsOf(deps.db, tenant, rows.items) };
}

export type InvoiceEventType = Extract<EventType, `invoice.${string}`>;

/** An event about an invoice: the invoice as the API now returns it (on the public URL). */
export function invoiceEvent(
  author: EventAuthor,
  {
    type,
    view,
    before,
    publicUrl,
  }: {
    readonly type: InvoiceEventType;
    readonly view: InvoiceView;
    readonly before?: InvoiceView;
    /** `Deps.publicUrl`: an event never depends on the request that caused it. */
    readonly publicUrl: string | undefined;
  },
) {
  return objectEvent(author, {
    type,
    objectType: 'invoice',
    objectId: view.invoice.id,
    object: invoiceResource(view, publicUrl),
    now: view.invoice.updated_at,
    previous: type === 'invoice.updated' && before ? invoiceResource(before, publicUrl) : undefined,
  });
}
