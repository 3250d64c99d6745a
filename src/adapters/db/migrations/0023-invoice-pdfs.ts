import { type Kysely, sql } from 'kysely';
import { tenantColumns } from './columns.js';

// Invoice PDFs, rendered once per version of what the invoice says and then served from
// here. `version` is a digest of the document's text: a payment, a void or a new due date
// makes a new version; the earlier ones are deleted when it is stored.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('invoice_pdfs')
    .addColumn('invoice_id', 'text', (c) => c.notNull().references('invoices.id'))
    .$call(tenantColumns)
    .addColumn('version', 'text', (c) => c.notNull())
    .addColumn('pdf', 'bytea', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('invoice_pdfs_pkey', ['invoice_id', 'version'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('invoice_pdfs').execute();
}
