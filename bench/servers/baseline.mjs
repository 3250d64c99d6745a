// The "hand-written glue" baseline: bare Fastify + pg doing the same SQL as Flint
// per request (API-key lookup by hash, then the insert or select), with none of
// Flint's framework around it: no schema validation, idempotency, rate limiting,
// metrics, error mapping or serializers.
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

// Paying and refunding by hand: lock the order, check the balance or what is left to
// refund, write the payment or refund and the order's new amounts and status.
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

app.post('/v1/orders/:id/pay', async (request, reply) => {
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

app.post('/v1/refunds', async (request, reply) => {
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
