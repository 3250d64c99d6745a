import { type Kysely, sql } from 'kysely';

// A change made with `proration_behavior: "create_prorations"` (Stripe's default) bills its
// proration with the next renewal instead of now: the prorated lines wait on the
// subscription (`pending_lines`, order line inputs) until that renewal bills and clears them.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('subscriptions')
    .addColumn('pending_lines', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('subscriptions').dropColumn('pending_lines').execute();
}
