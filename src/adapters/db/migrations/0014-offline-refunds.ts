import { type Kysely, sql } from 'kysely';

// How a refund's money goes back: through the processor to the original payment method,
// or outside Flint (cash, a bank transfer, …) and only recorded here — the next action
// for a refund the card could not take. Every refund so far went through the processor.
// And which failed refund a refund takes the place of (a retry, or the offline refund),
// so a failed refund is made good once, however many people press its buttons.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('refunds')
    .addColumn('method', 'text', (c) =>
      c
        .notNull()
        .defaultTo('original_payment_method')
        .check(
          sql`method in ('original_payment_method', 'cash', 'bank_transfer', 'check', 'store_credit', 'other')`,
        ),
    )
    .execute();
  await db.schema
    .alterTable('refunds')
    .addColumn('replaces_refund_id', 'text', (c) => c.references('refunds.id'))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('refunds').dropColumn('replaces_refund_id').execute();
  await db.schema.alterTable('refunds').dropColumn('method').execute();
}
