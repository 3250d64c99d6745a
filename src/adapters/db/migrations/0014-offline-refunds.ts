import { type Kysely, sql } from 'kysely';

// How a refund's money goes back: through the processor to the original payment method,
// or outside Flint (cash, a bank transfer, …) and only recorded here — the next action
// for a refund the card could not take. Every refund so far went through the processor.
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
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('refunds').dropColumn('method').execute();
}
