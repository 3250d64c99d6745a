import { createHash } from 'node:crypto';
import { selectAccountById } from '../../adapters/db/repos/accounts-repo.js';
import { selectInvoicePdf, storeInvoicePdf } from '../../adapters/db/repos/invoice-pdfs-repo.js';
import { selectInvoiceByHostedToken } from '../../adapters/db/repos/invoices-repo.js';
import { renderInvoicePdf } from '../../adapters/pdf/invoice-pdf.js';
import { fail, ok, type Result } from '../../domain/errors.js';
import { isHosted } from '../../resources/invoice.js';
import { invoiceDocument } from '../../resources/invoice-document.js';
import { orderResource } from '../../resources/order.js';
import { getOrder } from '../orders/order-queries.js';
import type { TenantContext } from '../shared/command-context.js';
import type { Deps } from '../shared/deps.js';
import { getInvoice } from './invoice-views.js';

export interface InvoicePdf {
  readonly pdf: Uint8Array;
  readonly filename: string;
}

/**
 * A finalized invoice's PDF: rendered once per version of what it says (its document's
 * digest) and then served from storage; a payment or a void makes a new version. A draft
 * has no PDF yet (it has no number and may still change).
 */
export async function invoicePdf(
  { deps, tenant }: TenantContext,
  { id }: { readonly id: string },
): Promise<Result<InvoicePdf>> {
  const view = await getInvoice(deps, tenant, id);
  if (!view.ok) return view;
  const { invoice } = view.value;
  if (invoice.status === 'draft' || invoice.status === 'awaiting_approval') {
    return fail({
      code: 'invoice_state_invalid',
      message: 'A draft invoice has no PDF: finalize it first',
      loc: ['status'],
      details: { status: invoice.status },
    });
  }
  const [order, account] = await Promise.all([
    getOrder(deps, tenant, invoice.order_id),
    selectAccountById(deps.db, tenant.accountId),
  ]);
  if (!order.ok) throw new Error(`invoice ${invoice.id} has no order ${invoice.order_id}`);
  const document = invoiceDocument(view.value, orderResource(order.value), account?.name ?? '');
  const version = createHash('sha256').update(JSON.stringify(document)).digest('hex');
  const key = { invoiceId: invoice.id, version };
  const stored = await selectInvoicePdf(deps.db, tenant, key);
  if (stored) return ok({ pdf: stored, filename: document.filename });
  const pdf = await renderInvoicePdf(document, invoice.finalized_at ?? invoice.created_at);
  await storeInvoicePdf(deps.db, tenant, { ...key, pdf });
  return ok({ pdf, filename: document.filename });
}

/**
 * The PDF behind a hosted invoice page's token (the buyer's download, no API key): the
 * same stored versions as the API's; null when no finalized invoice has the token.
 */
export async function hostedInvoicePdf(
  deps: Deps,
  { token }: { readonly token: string },
): Promise<InvoicePdf | null> {
  const row = await selectInvoiceByHostedToken(deps.db, token);
  if (!row || !isHosted(row)) return null;
  const tenant = { accountId: row.account_id, mode: row.mode };
  const rendered = await invoicePdf({ deps, tenant }, { id: row.id });
  return rendered.ok ? rendered.value : null;
}
