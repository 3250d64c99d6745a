import { type Kysely, sql } from 'kysely';
import { createTenantTable, indexOn, metadataAndTimestamps, tenantIdIndex } from './columns.js';

// Catalog, tax rates, coupons, orders and the event log (the outbox that the
// timeline reads and that webhook delivery will send).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('accounts')
    .addColumn('tax_shipping', 'boolean', (c) => c.notNull().defaultTo(false))
    .execute();

  await createTenantTable(db, 'products')
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('active', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('inventory_tracked', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('inventory_quantity', 'bigint', (c) => c.check(sql`inventory_quantity >= 0`))
    .$call(metadataAndTimestamps)
    .execute();
  await tenantIdIndex(db, 'products').execute();

  await createTenantTable(db, 'prices')
    .addColumn('product_id', 'text', (c) => c.notNull().references('products.id'))
    .addColumn('unit_amount', 'bigint', (c) => c.notNull().check(sql`unit_amount >= 0`))
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('recurring_interval', 'text', (c) =>
      c.check(sql`recurring_interval in ('day', 'week', 'month', 'year')`),
    )
    .addColumn('recurring_interval_count', 'integer')
    .addColumn('active', 'boolean', (c) => c.notNull().defaultTo(true))
    .$call(metadataAndTimestamps)
    .execute();
  await tenantIdIndex(db, 'prices').execute();
  await db.schema.createIndex('prices_product').on('prices').columns(['product_id']).execute();

  await createTenantTable(db, 'tax_rates')
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('percentage', 'text', (c) => c.notNull())
    .addColumn('inclusive', 'boolean', (c) => c.notNull())
    .addColumn('jurisdiction', 'text')
    .addColumn('is_default', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('active', 'boolean', (c) => c.notNull().defaultTo(true))
    .$call(metadataAndTimestamps)
    .execute();
  await tenantIdIndex(db, 'tax_rates').execute();

  await createTenantTable(db, 'coupons')
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
    .$call(metadataAndTimestamps)
    .addCheckConstraint('coupons_one_kind', sql`(percent_off is null) <> (amount_off is null)`)
    .execute();
  await tenantIdIndex(db, 'coupons').execute();
  await db.schema
    .createIndex('coupons_account_mode_code')
    .on('coupons')
    .expression(sql`account_id, mode, upper(code)`)
    .unique()
    .execute();

  await createTenantTable(db, 'orders')
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
    .$call(metadataAndTimestamps)
    .execute();
  await tenantIdIndex(db, 'orders').execute();
  await indexOn(db, 'orders', 'account_mode_status_id', [
    'account_id',
    'mode',
    'status',
    'id',
  ]).execute();
  await indexOn(db, 'orders', 'customer_id', ['customer_id', 'id']).execute();

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
  await indexOn(db, 'order_line_items', 'order_position', ['order_id', 'position']).execute();

  await db.schema
    .createTable('order_coupons')
    .addColumn('order_id', 'text', (c) => c.notNull().references('orders.id'))
    .addColumn('coupon_id', 'text', (c) => c.notNull().references('coupons.id'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('order_coupons_pk', ['order_id', 'coupon_id'])
    .execute();

  await createTenantTable(db, 'events')
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
  await tenantIdIndex(db, 'events').execute();
  await indexOn(db, 'events', 'object_id', ['object_id', 'id']).execute();
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
