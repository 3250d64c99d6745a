import { type Kysely, sql } from 'kysely';

// Catalog, tax rates, coupons, orders and the event log (the outbox that the
// timeline reads and that webhook delivery will send).
export async function up(db: Kysely<unknown>): Promise<void> {
  const mode = sql`mode in ('test', 'live')`;

  await db.schema
    .alterTable('accounts')
    .addColumn('tax_shipping', 'boolean', (c) => c.notNull().defaultTo(false))
    .execute();

  await db.schema
    .createTable('products')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('mode', 'text', (c) => c.notNull().check(mode))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('active', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('inventory_tracked', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('inventory_quantity', 'bigint', (c) => c.check(sql`inventory_quantity >= 0`))
    .addColumn('metadata', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('products_account_mode_id')
    .on('products')
    .columns(['account_id', 'mode', 'id'])
    .execute();

  await db.schema
    .createTable('prices')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('mode', 'text', (c) => c.notNull().check(mode))
    .addColumn('product_id', 'text', (c) => c.notNull().references('products.id'))
    .addColumn('unit_amount', 'bigint', (c) => c.notNull().check(sql`unit_amount >= 0`))
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('recurring_interval', 'text', (c) =>
      c.check(sql`recurring_interval in ('day', 'week', 'month', 'year')`),
    )
    .addColumn('recurring_interval_count', 'integer')
    .addColumn('active', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('metadata', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('prices_account_mode_id')
    .on('prices')
    .columns(['account_id', 'mode', 'id'])
    .execute();
  await db.schema.createIndex('prices_product').on('prices').columns(['product_id']).execute();

  await db.schema
    .createTable('tax_rates')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('mode', 'text', (c) => c.notNull().check(mode))
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('percentage', 'text', (c) => c.notNull())
    .addColumn('inclusive', 'boolean', (c) => c.notNull())
    .addColumn('jurisdiction', 'text')
    .addColumn('is_default', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('active', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('metadata', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('tax_rates_account_mode_id')
    .on('tax_rates')
    .columns(['account_id', 'mode', 'id'])
    .execute();

  await db.schema
    .createTable('coupons')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('mode', 'text', (c) => c.notNull().check(mode))
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('name', 'text')
    .addColumn('percent_off', 'text')
    .addColumn('amount_off', 'bigint', (c) => c.check(sql`amount_off > 0`))
    .addColumn('currency', 'text')
    .addColumn('max_redemptions', 'integer', (c) => c.check(sql`max_redemptions > 0`))
    .addColumn('times_redeemed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('redeem_by', 'timestamptz')
    .addColumn('min_subtotal', 'bigint', (c) => c.check(sql`min_subtotal >= 0`))
    .addColumn('applies_to', 'jsonb')
    .addColumn('stackable', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('active', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('metadata', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addCheckConstraint('coupons_one_kind', sql`(percent_off is null) <> (amount_off is null)`)
    .execute();
  await db.schema
    .createIndex('coupons_account_mode_id')
    .on('coupons')
    .columns(['account_id', 'mode', 'id'])
    .execute();
  await db.schema
    .createIndex('coupons_account_mode_code')
    .on('coupons')
    .expression(sql`account_id, mode, upper(code)`)
    .unique()
    .execute();

  await db.schema
    .createTable('orders')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('mode', 'text', (c) => c.notNull().check(mode))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('customer_id', 'text', (c) => c.references('customers.id'))
    .addColumn('shipping', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('shipping_tax_rate_ids', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('tip', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('paid', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('refunded', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('subtotal', 'bigint', (c) => c.notNull())
    .addColumn('discount', 'bigint', (c) => c.notNull())
    .addColumn('tax', 'bigint', (c) => c.notNull())
    .addColumn('total', 'bigint', (c) => c.notNull())
    .addColumn('balance', 'bigint', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('metadata', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('orders_account_mode_id')
    .on('orders')
    .columns(['account_id', 'mode', 'id'])
    .execute();
  await db.schema
    .createIndex('orders_account_mode_status_id')
    .on('orders')
    .columns(['account_id', 'mode', 'status', 'id'])
    .execute();
  await db.schema
    .createIndex('orders_customer_id')
    .on('orders')
    .columns(['customer_id', 'id'])
    .execute();

  await db.schema
    .createTable('order_line_items')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('order_id', 'text', (c) => c.notNull().references('orders.id'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('quantity', 'integer', (c) => c.notNull().check(sql`quantity > 0`))
    .addColumn('unit_amount', 'bigint', (c) => c.notNull().check(sql`unit_amount >= 0`))
    .addColumn('product_id', 'text', (c) => c.references('products.id'))
    .addColumn('price_id', 'text', (c) => c.references('prices.id'))
    .addColumn('tax_rate_ids', 'jsonb')
    .addColumn('tax_exempt', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('metadata', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .execute();
  await db.schema
    .createIndex('order_line_items_order_position')
    .on('order_line_items')
    .columns(['order_id', 'position'])
    .execute();

  await db.schema
    .createTable('order_coupons')
    .addColumn('order_id', 'text', (c) => c.notNull().references('orders.id'))
    .addColumn('coupon_id', 'text', (c) => c.notNull().references('coupons.id'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('order_coupons_pk', ['order_id', 'coupon_id'])
    .execute();

  await db.schema
    .createTable('events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('mode', 'text', (c) => c.notNull().check(mode))
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('object_type', 'text', (c) => c.notNull())
    .addColumn('object_id', 'text', (c) => c.notNull())
    .addColumn('actor_type', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text')
    .addColumn('data', 'jsonb', (c) => c.notNull())
    .addColumn('amounts_before', 'jsonb')
    .addColumn('amounts_after', 'jsonb')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('events_account_mode_id')
    .on('events')
    .columns(['account_id', 'mode', 'id'])
    .execute();
  await db.schema
    .createIndex('events_object_id')
    .on('events')
    .columns(['object_id', 'id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'events',
    'order_coupons',
    'order_line_items',
    'orders',
    'coupons',
    'tax_rates',
    'prices',
    'products',
  ]) {
    await db.schema.dropTable(table).execute();
  }
  await db.schema.alterTable('accounts').dropColumn('tax_shipping').execute();
}
