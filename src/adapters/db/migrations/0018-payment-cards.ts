import { type Kysely, sql } from 'kysely';

// The card that paid (or tried to pay) a payment, as the processor reported it with the
// payment's outcome: brand, last four digits, expiry, funding. Never the number. All
// null until the processor says, and for payments made before this migration.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('payment_intents')
    .addColumn('card_brand', 'text', (c) =>
      c.check(
        sql`card_brand in ('visa', 'mastercard', 'amex', 'discover', 'diners', 'jcb', 'unionpay', 'unknown')`,
      ),
    )
    .addColumn('card_last4', 'text', (c) => c.check(sql`card_last4 ~ '^[0-9]{4}$'`))
    .addColumn('card_exp_month', 'integer', (c) => c.check(sql`card_exp_month between 1 and 12`))
    .addColumn('card_exp_year', 'integer', (c) => c.check(sql`card_exp_year between 1000 and 9999`))
    .addColumn('card_funding', 'text', (c) =>
      c.check(sql`card_funding in ('credit', 'debit', 'prepaid', 'unknown')`),
    )
    .execute();
  // A card is shown whole or not at all.
  await db.schema
    .alterTable('payment_intents')
    .addCheckConstraint(
      'payment_intents_card_whole',
      sql`(card_brand is null and card_last4 is null and card_exp_month is null
          and card_exp_year is null and card_funding is null)
        or (card_brand is not null and card_last4 is not null and card_exp_month is not null
          and card_exp_year is not null)`,
    )
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('payment_intents')
    .dropConstraint('payment_intents_card_whole')
    .execute();
  await db.schema
    .alterTable('payment_intents')
    .dropColumn('card_funding')
    .dropColumn('card_exp_year')
    .dropColumn('card_exp_month')
    .dropColumn('card_last4')
    .dropColumn('card_brand')
    .execute();
}
