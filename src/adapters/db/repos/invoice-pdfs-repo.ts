import type { Kysely } from 'kysely';
import type { Tenant } from '../../../domain/tenant.js';
import type { Database } from '../schema.js';
import { scoped } from '../scoped.js';
import { transactValue } from '../transact.js';

/** The stored PDF of this version of the invoice, if it was rendered. */
export async function selectInvoicePdf(
  db: Kysely<Database>,
  tenant: Tenant,
  key: { readonly invoiceId: string; readonly version: string },
): Promise<Uint8Array | undefined> {
  const row = await db
    .selectFrom('invoice_pdfs')
    .select('pdf')
    .$call(scoped(tenant))
    .where('invoice_id', '=', key.invoiceId)
    .where('version', '=', key.version)
    .executeTakeFirst();
  return row?.pdf;
}

/**
 * Stores a version's PDF (a concurrent render of the same version keeps the first) and
 * deletes the invoice's earlier versions, in one transaction.
 */
export async function storeInvoicePdf(
  db: Kysely<Database>,
  tenant: Tenant,
  p: { readonly invoiceId: string; readonly version: string; readonly pdf: Uint8Array },
): Promise<void> {
  await transactValue(db, async (tx) => {
    await tx
      .insertInto('invoice_pdfs')
      .values({
        invoice_id: p.invoiceId,
        account_id: tenant.accountId,
        mode: tenant.mode,
        version: p.version,
        pdf: p.pdf,
      })
      .onConflict((c) => c.columns(['invoice_id', 'version']).doNothing())
      .execute();
    await tx
      .deleteFrom('invoice_pdfs')
      .$call(scoped(tenant))
      .where('invoice_id', '=', p.invoiceId)
      .where('version', '!=', p.version)
      .execute();
  });
}
