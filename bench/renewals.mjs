// Subscriptions renewing at scale (issue 18): SUBSCRIPTIONS daily subscriptions across
// ACCOUNTS accounts, made through the API of a running Flint (a customer with a saved card
// per SUBSCRIPTIONS_PER_CUSTOMER of them, the first period paid at creation); then, the
// server stopped, a worker process (`servers/renewals.mjs`) makes every renewal due at the
// same instant and runs the real due-jobs runner until each renewal and its charge are done.
// Reported: renewals per second (a renewal: the period's order and invoice, then its charge),
// and the charges counted in the database — exactly one succeeded payment per period.
//
// `node bench/renewals.mjs` runs it alone (after `npm run build`), with the order lifecycle
// measured in the same run to compare with, on PostgreSQL and PGlite; `npm run bench` runs it
// as part of the whole bench. Env: BENCH_SUBSCRIPTIONS (default 10000), BENCH_RUNNERS
// (runners at once in each worker, default 10), BENCH_WORKERS (worker processes on
// PostgreSQL, default 1; PGlite has one), BENCH_DURATION, BENCH_CONNECTIONS,
// BENCH_DATABASE_URL (DROPPED and created anew, unless BENCH_SETUP=0 reuses it).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../dist/adapters/db/database.js';
import { start, stop } from './children.mjs';
import { recreateDatabase } from './database.mjs';
import { api } from './http.mjs';
import { lifecycles } from './lifecycle.mjs';
import { countRenewals, makeRenewalsDue } from './renewal-sql.mjs';

export const ACCOUNTS = 10;
const SUBSCRIPTIONS_PER_CUSTOMER = 10;
/** Issue 18: renewals on PostgreSQL at no less than the lifecycle's rate there. */
export const RENEWAL_TARGET_PG = 1;
/** …and on the embedded database at no less than a third of that lifecycle's rate. */
export const RENEWAL_TARGET_LITE = 1 / 3;

/** Runs `work(i)` for i < n, `concurrency` at a time. */
async function inParallel(n, concurrency, work) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, concurrency) }, async () => {
      while (next < n) await work(next++);
    }),
  );
}

/**
 * `subscriptions` daily subscriptions over ACCOUNTS new accounts (a default 8 % tax rate, a
 * plan of two lines), through the API of the server at `url`, `connections` calls at a time.
 */
export async function setupSubscriptions(url, { subscriptions, connections, adminToken }) {
  const accounts = [];
  for (let a = 0; a < ACCOUNTS; a += 1) {
    const response = await fetch(`${url}/v1/accounts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ account: { name: `Renewals ${a}` } }),
    });
    const key = (await response.json()).keys.test_secret_key;
    await api(url, key, 'POST', '/v1/tax_rates', {
      tax_rate: { display_name: 'Sales tax', percentage: '8', inclusive: false, default: true },
    });
    const { plan } = await api(url, key, 'POST', '/v1/plans', {
      plan: {
        name: 'Daily',
        currency: 'USD',
        interval: 'day',
        line_items: [
          { name: 'Seat', unit_amount: 1200 },
          { name: 'Support', unit_amount: 300 },
        ],
      },
    });
    accounts.push({ key, plan: plan.plan_id });
  }
  const customers = Math.ceil(subscriptions / SUBSCRIPTIONS_PER_CUSTOMER);
  const made = [];
  await inParallel(customers, connections, async (c) => {
    const { key } = accounts[c % ACCOUNTS];
    const { customer } = await api(url, key, 'POST', '/v1/customers', {
      customer: { email: `buyer${c}@example.com` },
    });
    await api(url, key, 'POST', `/v1/customers/${customer.customer_id}/payment_methods`, {
      payment_method: { payment_source_token: 'tok_visa' },
    });
    made[c] = customer.customer_id;
  });
  await inParallel(subscriptions, connections, async (s) => {
    const c = Math.floor(s / SUBSCRIPTIONS_PER_CUSTOMER);
    const { key, plan } = accounts[c % ACCOUNTS];
    await api(url, key, 'POST', '/v1/subscriptions', {
      subscription: { customer_id: made[c], items: [{ plan_id: plan, quantity: 1 }] },
    });
  });
}

/** Forks a renewal worker; resolves once it has opened the database and is ready. */
async function renewalWorker(env) {
  const { child } = await start('renewals.mjs', env);
  const done = new Promise((resolve) => child.once('message', resolve));
  return { go: () => child.send('go'), done };
}

/**
 * Every renewal made due at one instant and run to the end on the database `env` names (its
 * server stopped): on PGlite by one worker process, which makes them due and counts; on
 * PostgreSQL by `workers` processes (as a deployment runs several `flint worker`s), made due
 * and counted here. Each runs `runners` runners; the time is from the first start to the
 * last end. Answers the figures and renewals/s.
 */
export async function runRenewals(env, { runners, workers = 1 }) {
  const base = { ...env, RUNNERS: String(runners) };
  if (!env.DATABASE_URL) {
    const worker = await renewalWorker({ ...base, SHIFT: '1' });
    worker.go();
    const figures = await worker.done;
    return { ...figures, workers: 1, rps: figures.subscriptions / figures.seconds };
  }
  const all = await Promise.all(
    Array.from({ length: workers }, () => renewalWorker({ ...base, SHIFT: '0' })),
  );
  const { db, close } = await openDatabase({ url: env.DATABASE_URL, poolSize: 1 }).then((h) => ({
    db: h.db,
    close: () => h.close(),
  }));
  const { subscriptions, since } = await makeRenewalsDue(db);
  for (const worker of all) worker.go();
  const ran = await Promise.all(all.map((worker) => worker.done));
  const seconds =
    (Math.max(...ran.map((r) => r.endedAt)) - Math.min(...ran.map((r) => r.startedAt))) / 1000;
  const jobs = {};
  for (const r of ran) for (const [k, v] of Object.entries(r.jobs)) jobs[k] = (jobs[k] ?? 0) + v;
  const written = await countRenewals(db, since);
  await close();
  return { subscriptions, seconds, jobs, ...written, workers, rps: subscriptions / seconds };
}

/** The figures' lines, and whether the rate and the count of charges are as they must be. */
export function printRenewals(label, figures, lifecycleRps, target) {
  const ratio = figures.rps / lifecycleRps;
  const exact =
    figures.periods === figures.subscriptions &&
    figures.invoices === figures.subscriptions &&
    figures.orders === figures.subscriptions &&
    figures.paid === figures.subscriptions &&
    figures.charges === figures.subscriptions &&
    figures.duplicate_invoices === 0 &&
    figures.duplicate_charges === 0;
  const pass = ratio >= target;
  console.log(
    `\nrenewals on ${label}: ${figures.subscriptions} due at once over ${ACCOUNTS} accounts, ` +
      `${figures.workers} worker process(es), ` +
      `${figures.seconds.toFixed(1)} s: ${figures.rps.toFixed(0)} renewals/s, ` +
      `${(ratio * 100).toFixed(0)}% of the PostgreSQL lifecycle's ${lifecycleRps.toFixed(0)}/s ` +
      `(target ≥ ${(target * 100).toFixed(0)}%): ${pass ? 'met' : 'MISSED'}` +
      `\n  counted: ${figures.periods} periods, ${figures.invoices} invoices (${figures.paid} paid), ` +
      `${figures.orders} orders, ${figures.charges} charges; duplicates: ` +
      `${figures.duplicate_invoices} invoices, ${figures.duplicate_charges} charges; ` +
      `jobs ${JSON.stringify(figures.jobs)}: ${exact ? 'exactly one each' : 'NOT exactly one each'}`,
  );
  return pass && exact;
}

const main = import.meta.url === `file://${process.argv[1]}`;
if (main) {
  const SUBSCRIPTIONS = Number(process.env.BENCH_SUBSCRIPTIONS ?? 10_000);
  const RUNNERS = Number(process.env.BENCH_RUNNERS ?? 10);
  const WORKERS = Number(process.env.BENCH_WORKERS ?? 1);
  // BENCH_SETUP=0: the database as a previous run left it (its subscriptions renew again).
  const SETUP = process.env.BENCH_SETUP !== '0';
  const DURATION = Number(process.env.BENCH_DURATION ?? 10);
  const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
  const DATABASE_URL =
    process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/flint_bench';
  const adminToken = 'bench-admin-token';
  const options = { subscriptions: SUBSCRIPTIONS, connections: CONNECTIONS, adminToken };

  if (SETUP) await recreateDatabase(DATABASE_URL);
  const pg = { DATABASE_URL, FLINT_DATA_DIR: '' };
  const server = await start('flint.mjs', pg);
  const { keys } = await fetch(`${server.url}/v1/accounts`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ account: { name: 'Lifecycle' } }),
  }).then((r) => r.json());
  const key = keys.test_secret_key;
  await api(server.url, key, 'POST', '/v1/coupons', {
    coupon: { code: 'LAUNCH20', percent_off: '20' },
  });
  const load = { duration: DURATION, connections: CONNECTIONS };
  await lifecycles(server.url, key, load); // warm-up, discarded
  const lifecycle = await lifecycles(server.url, key, load);
  console.log(`lifecycle on PostgreSQL: ${lifecycle.rps.toFixed(0)}/s`);
  let started = performance.now();
  if (SETUP) await setupSubscriptions(server.url, options);
  console.log(`setup on PostgreSQL: ${((performance.now() - started) / 1000).toFixed(0)} s`);
  await stop(server);
  const onPg = await runRenewals(pg, { runners: RUNNERS, workers: WORKERS });
  let ok = printRenewals('PostgreSQL', onPg, lifecycle.rps, RENEWAL_TARGET_PG);

  if (process.env.BENCH_PGLITE !== '0') {
    const dataDir = mkdtempSync(join(tmpdir(), 'flint-bench-'));
    const lite = { DATABASE_URL: '', FLINT_DATA_DIR: dataDir };
    const liteServer = await start('flint.mjs', lite);
    started = performance.now();
    await setupSubscriptions(liteServer.url, options);
    console.log(`setup on PGlite: ${((performance.now() - started) / 1000).toFixed(0)} s`);
    await stop(liteServer);
    const onLite = await runRenewals(lite, { runners: RUNNERS });
    ok = printRenewals('PGlite', onLite, lifecycle.rps, RENEWAL_TARGET_LITE) && ok;
    rmSync(dataDir, { recursive: true, force: true });
  }
  process.exitCode = ok ? 0 : 1;
}
