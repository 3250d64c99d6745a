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

await app.listen({ host: '127.0.0.1', port: 0 });
process.send?.({ url: `http://127.0.0.1:${app.server.address().port}` });
process.on('message', async (message) => {
  if (message === 'stop') {
    await app.close();
    await pool.end();
    process.exit(0);
  }
});
