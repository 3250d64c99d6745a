// The "hand-written glue" baseline: bare Fastify + pg doing the same work as Flint per
// request (the API-key lookup by hash, then the same reads and the same writes, rows
// and events, in the same transactions), written the straightforward way: one
// statement per read or write. None of Flint's framework around it: no schema
// validation, idempotency, rate limiting, metrics, error mapping or serializers.
import { createHash, randomUUID } from 'node:crypto';
import Fastify from 'fastify';
import pg from 'pg';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
const app = Fastify();

async function tenant(request) {
  const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
  if (!token) return null;
  const hash = createHash('sha256').update(token).digest('hex');
  const { rows } = await pool.query(
    'select account_id, mode from api_keys where key_hash = $1 and revoked_at is null',
    [hash],
  );
  return rows[0] ?? null;
}

app.post('/v1/customers', async (request, reply) => {
  const who = await tenant(request);
  if (!who) return reply.code(401).send({ error: 'unauthorized' });
  const input = request.body.customer ?? {};
  const now = new Date();
  const { rows } = await pool.query(
    `insert into customers (id, account_id, mode, email, name, phone, description, metadata, created_at, updated_at)
     values ($1, $2, $3, $4, $5, null, null, $6, $7, $7) returning *`,
    [
      `cus_${randomUUID()}`,
      who.account_id,
      who.mode,
      input.email ?? null,
      input.name ?? null,
      JSON.stringify(input.metadata ?? {}),
      now,
    ],
  );
  return { customer: rows[0] };
});

app.get('/v1/customers/:id', async (request, reply) => {
  const who = await tenant(request);
  if (!who) return reply.code(401).send({ error: 'unauthorized' });
  const { rows } = await pool.query(
    'select * from customers where id = $1 and account_id = $2 and mode = $3 and deleted_at is null',
    [request.params.id, who.account_id, who.mode],
  );
  if (!rows[0]) return reply.code(404).send({ error: 'not found' });
  return { customer: rows[0] };
});

// An order with lines and a coupon, the way a team hand-writes it: look up the default
// tax rates and the coupon, compute the totals inline, insert the order, its lines,
// the coupon link and an audit row in one transaction.
app.post('/v1/orders', async (request, reply) => {
  const who = await tenant(request);
  if (!who) return reply.code(401).send({ error: 'unauthorized' });
  const input = request.body.order;
  const client = await pool.connect();
  try {
    await client.query('begin');
    const rates = (
      await client.query(
        'select id, percentage from tax_rates where account_id = $1 and mode = $2 and is_default and active',
        [who.account_id, who.mode],
      )
    ).rows;
    const coupons = [];
    for (const code of input.coupon_codes ?? []) {
      const { rows } = await client.query(
        'select * from coupons where account_id = $1 and mode = $2 and upper(code) = upper($3)',
        [who.account_id, who.mode, code],
      );
      if (rows[0]) coupons.push(rows[0]);
    }
    const subtotal = input.line_items.reduce(
      (n, l) => n + l.unit_price_money.amount * l.quantity,
      0,
    );
    let discount = 0;
    for (const c of coupons) {
      discount += c.percent_off
        ? Math.round(((subtotal - discount) * Number(c.percent_off)) / 100)
        : Math.min(Number(c.amount_off), subtotal - discount);
    }
    const tax = rates.reduce(
      (n, r) => n + Math.round(((subtotal - discount) * Number(r.percentage)) / 100),
      0,
    );
    const total = subtotal - discount + tax;
    const id = `ord_${randomUUID()}`;
    const now = new Date();
    await client.query(
      `insert into orders (id, account_id, mode, status, currency, shipping, tip, paid, refunded, subtotal, discount, tax, total, balance, version, metadata, created_at, updated_at)
       values ($1, $2, $3, 'OPEN', 'USD', 0, 0, 0, 0, $4, $5, $6, $7, $7, 1, '{}', $8, $8)`,
      [id, who.account_id, who.mode, subtotal, discount, tax, total, now],
    );
    const values = [];
    const params = [];
    input.line_items.forEach((l, i) => {
      params.push(
        `($${values.length + 1}, $${values.length + 2}, $${values.length + 3}, $${values.length + 4}, $${values.length + 5}, $${values.length + 6}, $${values.length + 7})`,
      );
      values.push(
        `li_${randomUUID()}`,
        id,
        i + 1,
        l.name,
        l.quantity,
        l.unit_price_money.amount,
        JSON.stringify(rates.map((r) => r.id)),
      );
    });
    await client.query(
      `insert into order_line_items (id, order_id, position, name, quantity, unit_amount, tax_rate_ids) values ${params.join(', ')}`,
      values,
    );
    for (const [i, c] of coupons.entries()) {
      await client.query(
        'insert into order_coupons (order_id, coupon_id, position) values ($1, $2, $3)',
        [id, c.id, i + 1],
      );
    }
    const order = { order_id: id, id, status: 'OPEN', subtotal, discount, tax, total };
    await client.query(
      `insert into events (id, account_id, mode, type, object_type, object_id, actor_type, data, created_at)
       values ($1, $2, $3, 'order.created', 'order', $4, 'api_key', $5, $6)`,
      [`evt_${randomUUID()}`, who.account_id, who.mode, id, JSON.stringify(order), now],
    );
    await client.query('commit');
    return { order };
  } catch (err) {
    await client.query('rollback');
    throw err;
  } finally {
    client.release();
  }
});

// Paying and refunding by hand, doing the same work as Flint: a payment or refund is
// recorded before the processor is asked and its answer in a second transaction (no
// lock is held while the processor works, and a crash between the two can be resumed),
// each transaction locking the order first; every change writes its event with the
// object as it now is (the outbox), as Flint does. The processor's answer is immediate,
// as the sandbox's is. One statement per read or write, the straightforward way.
async function inTransaction(work) {
  const client = await pool.connect();
  try {
    await client.query('begin');
    const result = await work(client);
    await client.query('commit');
    return result;
  } catch (err) {
    await client.query('rollback');
    throw err;
  } finally {
    client.release();
  }
}

const lockOrder = async (client, who, id) =>
  (
    await client.query(
      'select * from orders where id = $1 and account_id = $2 and mode = $3 for update',
      [id, who.account_id, who.mode],
    )
  ).rows[0];

const orderLines = async (client, orderId) =>
  (
    await client.query('select * from order_line_items where order_id = $1 order by position', [
      orderId,
    ])
  ).rows;

/**
 * Inserts events: [type, object type, object id, object] each, numbered per object as
 * Flint numbers them (the object's highest `sequence` plus its place in this insert).
 */
async function insertEvents(client, who, now, events) {
  const values = [];
  const nth = new Map();
  const rows = events.map(([type, objectType, objectId, object]) => {
    const at = values.length;
    nth.set(objectId, (nth.get(objectId) ?? 0) + 1);
    values.push(
      `evt_${randomUUID()}`,
      who.account_id,
      who.mode,
      type,
      objectType,
      objectId,
      JSON.stringify({ object }),
      now,
      nth.get(objectId),
    );
    const sequence = `(select coalesce(max(sequence), 0) + $${at + 9} from events
      where account_id = $${at + 2} and mode = $${at + 3} and object_id = $${at + 6})`;
    return `($${at + 1}, $${at + 2}, $${at + 3}, $${at + 4}, $${at + 5}, $${at + 6}, 'api_key', $${at + 7}, $${at + 8}, ${sequence})`;
  });
  await client.query(
    `insert into events (id, account_id, mode, type, object_type, object_id, actor_type, data, created_at, sequence) values ${rows.join(', ')}`,
    values,
  );
}

app.post('/v1/orders/:id/pay', async (request, reply) => {
  const who = await tenant(request);
  if (!who) return reply.code(401).send({ error: 'unauthorized' });
  // 1. Record the payment as processing; count the coupons' redemptions.
  const intent = await inTransaction(async (client) => {
    const order = await lockOrder(client, who, request.params.id);
    if (!order) return null;
    const underWay = Number(
      (
        await client.query(
          `select coalesce(sum(amount), 0) as n from payment_intents where order_id = $1 and status in ('processing', 'requires_action')`,
          [order.id],
        )
      ).rows[0].n,
    );
    const amount = Number(order.balance) - underWay;
    if (amount <= 0) return null;
    const now = new Date();
    const row = (
      await client.query(
        `insert into payment_intents (id, account_id, mode, order_id, amount, currency, status, processor, amount_received, completes_order, payment_source, created_at, updated_at)
         values ($1, $2, $3, $4, $5, $6, 'processing', 'sandbox', 0, true, $7, $8, $8) returning *`,
        [
          `pi_${randomUUID()}`,
          who.account_id,
          who.mode,
          order.id,
          amount,
          order.currency,
          request.body.payment.payment_source_token,
          now,
        ],
      )
    ).rows[0];
    await client.query(
      'update coupons set times_redeemed = times_redeemed + 1 where id in (select coupon_id from order_coupons where order_id = $1)',
      [order.id],
    );
    await insertEvents(client, who, now, [
      ['payment_intent.created', 'payment_intent', row.id, row],
    ]);
    return row;
  });
  if (!intent) return reply.code(422).send({ error: 'nothing to pay' });
  // 2. The processor charges (immediately, like the sandbox). 3. Record its answer.
  const charge = `ch_${randomUUID()}`;
  return inTransaction(async (client) => {
    const order = await lockOrder(client, who, intent.order_id);
    const now = new Date();
    const settled = (
      await client.query(
        `update payment_intents set status = 'succeeded', latest_charge = $2, amount_received = amount, updated_at = $3
         where id = $1 and status = 'processing' returning *`,
        [intent.id, charge, now],
      )
    ).rows[0];
    if (!settled) return reply.code(409).send({ error: 'already recorded' });
    const paid = Number(order.paid) + Number(settled.amount);
    const status = paid >= Number(order.total) ? 'PAID' : order.status;
    const updated = (
      await client.query(
        `update orders set paid = $2, balance = total - $2, status = $3, version = version + 1, updated_at = $4 where id = $1 returning *`,
        [order.id, paid, status, now],
      )
    ).rows[0];
    const lines = await orderLines(client, order.id);
    const view = { ...updated, line_items: lines, payments: [settled] };
    await insertEvents(client, who, now, [
      ['payment_intent.succeeded', 'payment_intent', settled.id, settled],
      [status === 'PAID' ? 'order.paid' : 'order.updated', 'order', order.id, view],
    ]);
    return { order: view, payment_intent: settled };
  });
});

app.post('/v1/refunds', async (request, reply) => {
  const who = await tenant(request);
  if (!who) return reply.code(401).send({ error: 'unauthorized' });
  const input = request.body.refund;
  // 1. Check what is left to refund and record the refund as pending.
  const created = await inTransaction(async (client) => {
    const order = await lockOrder(client, who, input.order_id);
    if (!order) return null;
    const intent = (
      await client.query(
        `select * from payment_intents where order_id = $1 and status = 'succeeded' order by id limit 1`,
        [order.id],
      )
    ).rows[0];
    const refunded = Number(
      (
        await client.query(
          `select coalesce(sum(amount), 0) as n from refunds where order_id = $1 and status not in ('failed', 'canceled')`,
          [order.id],
        )
      ).rows[0].n,
    );
    if (!intent || input.amount > Number(order.paid) - refunded) return null;
    const now = new Date();
    const refund = (
      await client.query(
        `insert into refunds (id, account_id, mode, order_id, payment_intent_id, amount, currency, status, reference_type, reference_status, created_at, updated_at)
         values ($1, $2, $3, $4, $5, $6, $7, 'pending', 'acquirer_reference_number', 'pending', $8, $8) returning *`,
        [
          `re_${randomUUID()}`,
          who.account_id,
          who.mode,
          order.id,
          intent.id,
          input.amount,
          order.currency,
          now,
        ],
      )
    ).rows[0];
    await client.query(
      `insert into refund_items (refund_id, payment_intent_id, amount, status, reference_status) values ($1, $2, $3, 'pending', 'pending')`,
      [refund.id, intent.id, input.amount],
    );
    const status =
      refunded + input.amount >= Number(order.paid) ? 'REFUNDED' : 'PARTIALLY_REFUNDED';
    const updated = (
      await client.query(
        'update orders set refunded = refunded + $2, status = $3, version = version + 1, updated_at = $4 where id = $1 returning *',
        [order.id, input.amount, status, now],
      )
    ).rows[0];
    const lines = await orderLines(client, order.id);
    await insertEvents(client, who, now, [
      ['refund.created', 'refund', refund.id, refund],
      [`order.${status.toLowerCase()}`, 'order', order.id, { ...updated, line_items: lines }],
    ]);
    return refund;
  });
  if (!created) return reply.code(422).send({ error: 'too much' });
  // 2. The processor refunds (immediately). 3. Record its answer under the order's lock.
  return inTransaction(async (client) => {
    await lockOrder(client, who, created.order_id);
    const now = new Date();
    const refund = (
      await client.query(
        `update refunds set status = 'succeeded', reference_id = $2, reference_status = 'available', updated_at = $3
         where id = $1 and status = 'pending' returning *`,
        [created.id, `arn_${randomUUID()}`, now],
      )
    ).rows[0];
    await client.query(
      `update refund_items set status = 'succeeded', reference_status = 'available' where refund_id = $1`,
      [created.id],
    );
    await insertEvents(client, who, now, [['refund.succeeded', 'refund', refund.id, refund]]);
    return { refund };
  });
});

// The minimal glue, for reference (`npm run bench` reports Flint's lifecycle against it
// too): one transaction each for paying and refunding, no processor step, no events.
// Lock the order, check the balance or what is left to refund, write the payment or
// refund and the order's new amounts and status.
app.post('/minimal/v1/orders/:id/pay', async (request, reply) => {
  const who = await tenant(request);
  if (!who) return reply.code(401).send({ error: 'unauthorized' });
  return inTransaction(async (client) => {
    const order = (
      await client.query(
        'select * from orders where id = $1 and account_id = $2 and mode = $3 for update',
        [request.params.id, who.account_id, who.mode],
      )
    ).rows[0];
    if (!order || order.balance <= 0) return reply.code(422).send({ error: 'nothing to pay' });
    const now = new Date();
    const amount = Number(order.balance);
    await client.query(
      `insert into payment_intents (id, account_id, mode, order_id, amount, currency, status, processor, latest_charge, amount_received, created_at, updated_at)
       values ($1, $2, $3, $4, $5, $6, 'succeeded', 'sandbox', $7, $5, $8, $8)`,
      [
        `pi_${randomUUID()}`,
        who.account_id,
        who.mode,
        order.id,
        amount,
        order.currency,
        `ch_${randomUUID()}`,
        now,
      ],
    );
    await client.query(
      `update orders set paid = paid + $2, balance = 0, status = 'PAID', version = version + 1, updated_at = $3 where id = $1`,
      [order.id, amount, now],
    );
    return { order: { ...order, status: 'PAID', paid: amount, balance: 0 } };
  });
});

app.post('/minimal/v1/refunds', async (request, reply) => {
  const who = await tenant(request);
  if (!who) return reply.code(401).send({ error: 'unauthorized' });
  const input = request.body.refund;
  return inTransaction(async (client) => {
    const order = (
      await client.query(
        'select * from orders where id = $1 and account_id = $2 and mode = $3 for update',
        [input.order_id, who.account_id, who.mode],
      )
    ).rows[0];
    const intent = (
      await client.query(
        `select * from payment_intents where order_id = $1 and status = 'succeeded' limit 1`,
        [order.id],
      )
    ).rows[0];
    const refunded = Number(
      (
        await client.query(
          `select coalesce(sum(amount), 0) as n from refunds where order_id = $1 and status <> 'failed'`,
          [order.id],
        )
      ).rows[0].n,
    );
    if (input.amount > Number(order.paid) - refunded)
      return reply.code(422).send({ error: 'too much' });
    const id = `re_${randomUUID()}`;
    const now = new Date();
    await client.query(
      `insert into refunds (id, account_id, mode, order_id, payment_intent_id, amount, currency, status, reference_type, reference_status, created_at, updated_at)
       values ($1, $2, $3, $4, $5, $6, $7, 'succeeded', 'acquirer_reference_number', 'available', $8, $8)`,
      [id, who.account_id, who.mode, order.id, intent.id, input.amount, order.currency, now],
    );
    await client.query(
      `insert into refund_items (refund_id, payment_intent_id, amount, status, reference_status) values ($1, $2, $3, 'succeeded', 'available')`,
      [id, intent.id, input.amount],
    );
    const status =
      refunded + input.amount >= Number(order.paid) ? 'REFUNDED' : 'PARTIALLY_REFUNDED';
    await client.query(
      'update orders set refunded = refunded + $2, status = $3, version = version + 1, updated_at = $4 where id = $1',
      [order.id, input.amount, status, now],
    );
    return { refund: { refund_id: id, amount: input.amount, status: 'succeeded' } };
  });
});

app.get('/v1/orders/:id', async (request, reply) => {
  const who = await tenant(request);
  if (!who) return reply.code(401).send({ error: 'unauthorized' });
  const order = (
    await pool.query('select * from orders where id = $1 and account_id = $2 and mode = $3', [
      request.params.id,
      who.account_id,
      who.mode,
    ])
  ).rows[0];
  if (!order) return reply.code(404).send({ error: 'not found' });
  const lines = (
    await pool.query('select * from order_line_items where order_id = $1 order by position', [
      order.id,
    ])
  ).rows;
  return { order: { ...order, line_items: lines } };
});

await app.listen({ host: '127.0.0.1', port: 0 });
process.send?.({ url: `http://127.0.0.1:${app.server.address().port}` });
process.on('message', async (message) => {
  if (message === 'stop') {
    await app.close();
    await pool.end();
    process.exit(0);
  }
});
