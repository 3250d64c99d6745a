// `npm run bench:commits`: the statements and commits each request of the keyed lifecycle
// (create order → pay → refund → get, Idempotency-Key on every POST) sends to PostgreSQL,
// counted from Kysely's log of what goes to the server (`begin` and `commit` included):
// commits are the transactions that wrote (a write outside a transaction commits by
// itself; lone reads are not counted), round trips leave out statements sent with the
// next one. One request at a time, one account, on one connection.
// Env: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/flint_bench; the
// database is DROPPED and created anew).
import { migrateToLatest, openDatabase } from '../dist/adapters/db/database.js';
import { SENT_WITH_NEXT_TEXT } from '../dist/adapters/db/deferring-client.js';
import { buildApp } from '../dist/http/app.js';
import { systemClock } from '../dist/ports/clock.js';
import { recreateDatabase } from './database.mjs';

const DATABASE_URL =
  process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/flint_bench';

await recreateDatabase(DATABASE_URL);

const sent = [];
const handle = await openDatabase({
  url: DATABASE_URL,
  poolSize: 1, // one connection: statements are logged in the order they run
  log: (event) => sent.push(event.query.sql.trim().toLowerCase()),
});
await migrateToLatest(handle.db);
const app = await buildApp({
  deps: { db: handle.db, clock: systemClock },
  adminToken: 'commits-admin-token',
});

async function call(key, method, url, body, idempotencyKey) {
  const headers = { authorization: `Bearer ${key}` };
  if (idempotencyKey) headers['idempotency-key'] = idempotencyKey;
  const response = await app.inject({ method, url, headers, payload: body });
  if (response.statusCode !== 200) throw new Error(`${method} ${url}: ${response.body}`);
  return response.json();
}

/** What a request sent: statements (begin and commit included) and commits. */
async function counted(label, run) {
  sent.length = 0;
  const result = await run();
  let inTransaction = false;
  let commits = 0;
  for (const sql of sent) {
    if (sql === 'begin') inTransaction = true;
    else if (sql === 'commit' || sql === 'rollback') {
      inTransaction = false;
      if (sql === 'commit') commits += 1;
    } else if (!inTransaction && !sql.startsWith('select')) commits += 1;
  }
  // `begin` and a statement marked sent-with-next share the next one's round trip
  // (`DeferringClient`, pipeline mode).
  const roundTrips = sent.filter(
    (sql) => sql !== 'begin' && !sql.includes(SENT_WITH_NEXT_TEXT),
  ).length;
  rows.push({ label, statements: sent.length, roundTrips, commits });
  if (process.env.COMMITS_VERBOSE)
    console.log(
      label,
      sent.map((s) => s.slice(0, 90)),
    );
  return result;
}

const rows = [];
const { keys } = await call('commits-admin-token', 'POST', '/v1/accounts', {
  account: { name: 'Commits' },
});
const key = keys.test_secret_key;
const ORDER = {
  order: {
    line_items: [
      { name: 'Thing', quantity: 2, unit_price_money: { amount: 2500, currency: 'USD' } },
    ],
  },
};
// A first lifecycle warms the caches (prepared statements, the account's key).
for (const round of ['warm-up', 'measured']) {
  rows.length = 0;
  const { order } = await counted('POST /v1/orders', () =>
    call(key, 'POST', '/v1/orders', ORDER, `${round}-order`),
  );
  await counted('POST /v1/orders/{id}/pay', () =>
    call(
      key,
      'POST',
      `/v1/orders/${order.order_id}/pay`,
      { payment: { payment_source_token: 'tok_visa' } },
      `${round}-pay`,
    ),
  );
  await counted('POST /v1/refunds', () =>
    call(
      key,
      'POST',
      '/v1/refunds',
      { refund: { order_id: order.order_id, amount: 1000 } },
      `${round}-refund`,
    ),
  );
  await counted('GET /v1/orders/{id}', () => call(key, 'GET', `/v1/orders/${order.order_id}`));
}
await app.close();
await handle.close();

const pad = (s, n) => String(s).padEnd(n);
const line = (label, statements, roundTrips, commits) =>
  console.log(`${pad(label, 28)}${pad(statements, 12)}${pad(roundTrips, 13)}${commits}`);
line('keyed lifecycle request', 'statements', 'round trips', 'write commits');
for (const r of rows) line(r.label, r.statements, r.roundTrips, r.commits);
const total = (field) => rows.reduce((n, r) => n + r[field], 0);
line('total', total('statements'), total('roundTrips'), total('commits'));
