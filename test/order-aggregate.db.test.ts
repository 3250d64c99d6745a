import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeAsOne } from '../src/adapters/db/one-statement.js';
import {
  listOrderAggregates,
  lockOrder,
  selectOrderAggregate,
} from '../src/adapters/db/repos/orders-repo.js';
import type { Tenant } from '../src/domain/tenant.js';
import { create } from './catalog-fixtures.js';
import {
  createTestAccount,
  request,
  startTestServer,
  type TestServer,
  testDatabase,
} from './harness.js';

// The order aggregate is read in one statement with its parts as JSON columns: it must
// be exactly what reading each table gives (Dates, bigints, JSON columns, order).

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

/** An order with every kind of part: product and ad hoc lines, exempt and taxed ones, two
 * coupons with every optional field, taxed shipping, metadata, a payment and a refund. */
async function seedOrder() {
  const account = await createTestAccount(server);
  const key = account.testKey;
  const tenant: Tenant = { accountId: account.accountId, mode: 'test' };
  expect(
    (
      await request(server, 'PATCH', '/v1/account', {
        key: account.liveKey,
        body: { account: { tax_shipping: true } },
      })
    ).status,
  ).toBe(200);
  await create(server, key, 'tax_rates', 'tax_rate', {
    display_name: 'Sales tax',
    percentage: '8.875',
    inclusive: false,
    default: true,
  });
  const vat = await create(server, key, 'tax_rates', 'tax_rate', {
    display_name: 'VAT',
    percentage: '20',
    inclusive: true,
  });
  const product = await create(server, key, 'products', 'product', {
    name: 'Widget',
    inventory: { tracked: true, quantity: 50 },
    metadata: { sku: 'w-1' },
  });
  const price = await create(server, key, 'prices', 'price', {
    product_id: product.product_id,
    unit_amount: 99_999_999,
    currency: 'USD',
  });
  await create(server, key, 'coupons', 'coupon', {
    code: 'TENOFF',
    amount_off: 1000,
    currency: 'USD',
    max_redemptions: 100,
    redeem_by: new Date(Date.now() + 86_400_000).toISOString(),
    min_subtotal: 500,
    applies_to: { products: [product.product_id] },
    stackable: true,
    metadata: { campaign: 'spring' },
  });
  await create(server, key, 'coupons', 'coupon', {
    code: 'PCT',
    percent_off: '12.5',
    stackable: true,
  });
  const created = await request(server, 'POST', '/v1/orders', {
    key,
    body: {
      order: {
        line_items: [
          { price_id: price.price_id, quantity: 3, metadata: { gift: 'yes' } },
          {
            name: 'Engraving',
            quantity: 1,
            unit_price_money: { amount: 2500 },
            tax_rate_ids: [vat.tax_rate_id],
          },
          { name: 'Card', quantity: 2, unit_price_money: { amount: 199 }, tax_exempt: true },
        ],
        coupon_codes: ['TENOFF', 'PCT'],
        shipping_money: { amount: 1500 },
        tip_money: { amount: 300 },
        metadata: { channel: 'web' },
      },
    },
  });
  expect(created.status, created.text).toBe(200);
  const orderId: string = created.body.order.order_id;
  const paid = await request(server, 'POST', `/v1/orders/${orderId}/pay`, {
    key,
    body: { payment: { payment_source_token: 'tok_visa', buyer_email: 'a@example.com' } },
  });
  expect(paid.status, paid.text).toBe(200);
  const refunded = await request(server, 'POST', '/v1/refunds', {
    key,
    body: { refund: { order_id: orderId, amount: 1234 } },
  });
  expect(refunded.status, refunded.text).toBe(200);
  return { tenant, orderId, refundId: refunded.body.refund.refund_id as string };
}

/** The aggregate read table by table, as the repository did before. */
async function readTableByTable(orderId: string) {
  const { db } = await testDatabase();
  const order = await db
    .selectFrom('orders')
    .selectAll()
    .where('id', '=', orderId)
    .executeTakeFirstOrThrow();
  const lines = await db
    .selectFrom('order_line_items')
    .selectAll()
    .where('order_id', '=', orderId)
    .orderBy('position')
    .execute();
  const coupons = await db
    .selectFrom('order_coupons')
    .innerJoin('coupons', 'coupons.id', 'order_coupons.coupon_id')
    .selectAll('coupons')
    .where('order_coupons.order_id', '=', orderId)
    .orderBy('order_coupons.position')
    .execute();
  const payments = await db
    .selectFrom('payment_intents')
    .selectAll()
    .where('order_id', '=', orderId)
    .orderBy('id')
    .execute();
  const rateIds = [
    ...new Set([...lines.flatMap((l) => l.tax_rate_ids ?? []), ...order.shipping_tax_rate_ids]),
  ];
  const taxRates = await db
    .selectFrom('tax_rates')
    .selectAll()
    .where('id', 'in', rateIds)
    .orderBy('id')
    .execute();
  return { order, lines, coupons, payments, taxRates };
}

describe('the order aggregate, read in one statement', () => {
  it('is exactly what reading each table gives, by id, under lock and in a list', async () => {
    const { tenant, orderId, refundId } = await seedOrder();
    const { db } = await testDatabase();
    const expected = await readTableByTable(orderId);
    expect(expected.lines).toHaveLength(3);
    expect(expected.coupons).toHaveLength(2);
    expect(expected.payments).toHaveLength(1);
    expect(expected.taxRates).toHaveLength(2);
    expect(expected.coupons[0]?.redeem_by).toBeInstanceOf(Date);

    expect(await selectOrderAggregate(db, tenant, orderId)).toEqual(expected);
    await db.transaction().execute(async (tx) => {
      // A lock's answer is not read: the next statement reads what it guards.
      await lockOrder(tx, tenant, orderId);
      expect(await selectOrderAggregate(tx, tenant, orderId)).toEqual(expected);
      await lockOrder(tx, tenant, { refundId });
      expect(await selectOrderAggregate(tx, tenant, orderId)).toEqual(expected);
    });
    const page = await listOrderAggregates(db, tenant, {}, { limit: 10 });
    expect(page.items).toEqual([expected]);
  });

  it('finds nothing for another tenant or an unknown id', async () => {
    const { tenant, orderId, refundId } = await seedOrder();
    const { db } = await testDatabase();
    const live: Tenant = { ...tenant, mode: 'live' };
    expect(await selectOrderAggregate(db, live, orderId)).toBeUndefined();
    expect(
      await selectOrderAggregate(db, tenant, 'ord_01m84sgeyjf21ada62ac1e65xf'),
    ).toBeUndefined();
    await db.transaction().execute(async (tx) => {
      await lockOrder(tx, live, { refundId });
      await lockOrder(tx, live, orderId);
      expect(await selectOrderAggregate(tx, live, orderId)).toBeUndefined();
    });
  });
});

describe('writeAsOne', () => {
  it('writes a parent and its children in one statement, and nothing when any part fails', async () => {
    const { db } = await testDatabase();
    const key = `one-statement-${Math.random()}`;
    await writeAsOne(db, [
      db.insertInto('settings').values({ key, value: 'a' }),
      db.insertInto('settings').values({ key: `${key}-2`, value: 'b' }),
    ]);
    const read = () =>
      db
        .selectFrom('settings')
        .select(['key', 'value'])
        .where('key', 'like', `${key}%`)
        .orderBy('key')
        .execute();
    expect(await read()).toEqual([
      { key, value: 'a' },
      { key: `${key}-2`, value: 'b' },
    ]);
    await expect(
      writeAsOne(db, [
        db.updateTable('settings').set({ value: 'changed' }).where('key', '=', key),
        db.insertInto('settings').values({ key: `${key}-2`, value: 'duplicate' }),
      ]),
    ).rejects.toMatchObject({ code: '23505' });
    expect((await read())[0]?.value).toBe('a');
  });
});
