// `npm run bench`: autocannon against Flint on PostgreSQL and on the embedded
// database, and against the bare Fastify + pg baseline, in one run.
// Env: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/flint_bench; the
// database is DROPPED and created anew on every run), BENCH_DURATION seconds per
// scenario (default 10), BENCH_CONNECTIONS (default 10); renewals (`renewals.mjs`):
// BENCH_SUBSCRIPTIONS (default 10000; 0 skips them), BENCH_RUNNERS (default 10),
// BENCH_WORKERS (default 1); a test clock's year (`clock-year.mjs`): BENCH_CLOCK_RUNS.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { start, stop } from './children.mjs';
import { measureClockYear, printClockYear } from './clock-year.mjs';
import { recreateDatabase } from './database.mjs';
import { api } from './http.mjs';
import { invoiceSale, ORDER, lifecycles as sales } from './lifecycle.mjs';
import { measurePages, printPages } from './pages.mjs';
import {
  printRenewals,
  RENEWAL_TARGET_LITE,
  RENEWAL_TARGET_PG,
  runRenewals,
  setupSubscriptions,
} from './renewals.mjs';

const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const DATABASE_URL =
  process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/flint_bench';
const TARGET_RATIO = 0.6;
const SUBSCRIPTIONS = Number(process.env.BENCH_SUBSCRIPTIONS ?? 10_000);
const RUNNERS = Number(process.env.BENCH_RUNNERS ?? 10);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 1);
const RENEWALS = {
  subscriptions: SUBSCRIPTIONS,
  connections: CONNECTIONS,
  adminToken: 'bench-admin-token',
};

const json = (url, path, key, body) => api(url, key, body ? 'POST' : 'GET', path, body);

const SCENARIOS = {
  'POST /v1/customers': () => ({
    method: 'POST',
    path: '/v1/customers',
    body: JSON.stringify({
      customer: { email: 'bench@example.com', name: 'Bench', metadata: { k: 'v' } },
    }),
  }),
  'GET /v1/customers/{id}': (customerId) => ({
    method: 'GET',
    path: `/v1/customers/${customerId}`,
  }),
  'POST /v1/orders (5 lines + coupon)': () => ({
    method: 'POST',
    path: '/v1/orders',
    body: JSON.stringify(ORDER),
  }),
};

function load(url, key, scenario, customerId) {
  const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
  const options = SCENARIOS[scenario](customerId);
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: url + options.path,
        method: options.method,
        body: options.body,
        headers,
        connections: CONNECTIONS,
        duration: DURATION,
      },
      (err, result) => (err ? reject(err) : resolve(result)),
    );
  });
}

const LIFECYCLE = 'lifecycle: order → pay → refund → get';
const INVOICE_LIFECYCLE = 'invoice: create → finalize → pay → get';
/** Issue 17: an invoice's sale at ≥ 80 % of the order lifecycle's rate, on PostgreSQL. */
const INVOICE_TARGET = 0.8;
const KEYED_LIFECYCLE = 'keyed lifecycle (Idempotency-Key)';

const lifecycles = (url, key, options = {}) =>
  sales(url, key, { duration: DURATION, connections: CONNECTIONS, ...options });

async function measure(label, server, key, keyed = true) {
  const { customer } = await json(server.url, '/v1/customers', key, {
    customer: { email: 'seed@example.com' },
  });
  const customerId = customer.customer_id ?? customer.id;
  const rows = [];
  for (const scenario of Object.keys(SCENARIOS)) {
    await load(server.url, key, scenario, customerId); // warm-up, discarded
    const result = await load(server.url, key, scenario, customerId);
    const failures = result.errors + result.timeouts + (result.non2xx ?? 0);
    rows.push({
      target: label,
      scenario,
      rps: result.requests.average,
      p50: result.latency.p50,
      p99: result.latency.p99,
      failures,
    });
  }
  await lifecycles(server.url, key); // warm-up, discarded
  rows.push({ target: label, scenario: LIFECYCLE, ...(await lifecycles(server.url, key)) });
  if (keyed) {
    rows.push({
      target: label,
      scenario: KEYED_LIFECYCLE,
      ...(await lifecycles(server.url, key, { keyed: true })),
    });
    // Flint only (the baseline has no invoices).
    await lifecycles(server.url, key, { sale: invoiceSale }); // warm-up, discarded
    rows.push({
      target: label,
      scenario: INVOICE_LIFECYCLE,
      ...(await lifecycles(server.url, key, { sale: invoiceSale })),
    });
  }
  return rows;
}

/** An account with the seed's setup: a default 8 % tax rate and the LAUNCH20 coupon. */
async function flintAccount(url) {
  const response = await fetch(`${url}/v1/accounts`, {
    method: 'POST',
    headers: { authorization: 'Bearer bench-admin-token', 'content-type': 'application/json' },
    body: JSON.stringify({ account: { name: 'Bench' } }),
  });
  const key = (await response.json()).keys.test_secret_key;
  await json(url, '/v1/tax_rates', key, {
    tax_rate: { display_name: 'Sales tax', percentage: '8', inclusive: false, default: true },
  });
  await json(url, '/v1/coupons', key, { coupon: { code: 'LAUNCH20', percent_off: '20' } });
  return key;
}

const results = [];
await recreateDatabase(DATABASE_URL);

console.log(
  `flint bench: ${DURATION}s per scenario, ${CONNECTIONS} connections, after a ${DURATION}s warm-up\n`,
);

const flintPg = await start('flint.mjs', { DATABASE_URL });
const pgKey = await flintAccount(flintPg.url);
results.push(...(await measure('flint (postgresql)', flintPg, pgKey)));
const pagesPg = await measurePages(flintPg.url, pgKey, {
  duration: DURATION,
  connections: CONNECTIONS,
});
const clockPg = await measureClockYear(flintPg.url, { adminToken: RENEWALS.adminToken });
// Renewals: made through this server's API, then run by a worker once it has stopped.
if (SUBSCRIPTIONS > 0) await setupSubscriptions(flintPg.url, RENEWALS);
await stop(flintPg);
const renewalsPg =
  SUBSCRIPTIONS > 0
    ? await runRenewals(
        { DATABASE_URL, FLINT_DATA_DIR: '' },
        { runners: RUNNERS, workers: WORKERS },
      )
    : null;

// The baseline reads the same tables, with the key Flint created.
const baseline = await start('baseline.mjs', { DATABASE_URL });
// The baseline knows no idempotency keys: it runs no keyed lifecycle.
results.push(...(await measure('baseline: fastify + pg', baseline, pgKey, false)));
// For reference: the minimal glue, which pays and refunds in one transaction each with
// no processor step and no events (less work than Flint does).
await lifecycles(baseline.url, pgKey, { prefix: '/minimal' }); // warm-up, discarded
results.push({
  target: 'baseline: minimal glue',
  scenario: LIFECYCLE,
  ...(await lifecycles(baseline.url, pgKey, { prefix: '/minimal' })),
});
await stop(baseline);

const dataDir = mkdtempSync(join(tmpdir(), 'flint-bench-'));
const flintLite = await start('flint.mjs', { DATABASE_URL: '', FLINT_DATA_DIR: dataDir });
const liteKey = await flintAccount(flintLite.url);
results.push(...(await measure('flint (embedded pglite)', flintLite, liteKey)));
const pagesLite = await measurePages(flintLite.url, liteKey, {
  duration: DURATION,
  connections: CONNECTIONS,
});
const clockLite = await measureClockYear(flintLite.url, { adminToken: RENEWALS.adminToken });
if (SUBSCRIPTIONS > 0) await setupSubscriptions(flintLite.url, RENEWALS);
await stop(flintLite);
const renewalsLite =
  SUBSCRIPTIONS > 0
    ? await runRenewals({ DATABASE_URL: '', FLINT_DATA_DIR: dataDir }, { runners: RUNNERS })
    : null;
rmSync(dataDir, { recursive: true, force: true });

const baselineRps = (scenario) =>
  results.find((r) => r.target === 'baseline: fastify + pg' && r.scenario === scenario)?.rps;
const pad = (s, n) => String(s).padEnd(n);
console.log(
  `${pad('target', 26)}${pad('scenario', 42)}${pad('req/s', 10)}${pad('p50 ms', 9)}${pad('p99 ms', 9)}${pad('vs baseline', 13)}failures`,
);
for (const r of results) {
  // The baseline knows no idempotency keys and no invoices: those compare with its lifecycle.
  const compared = [KEYED_LIFECYCLE, INVOICE_LIFECYCLE].includes(r.scenario)
    ? LIFECYCLE
    : r.scenario;
  const ratio = r.rps / baselineRps(compared);
  console.log(
    `${pad(r.target, 26)}${pad(r.scenario, 42)}${pad(r.rps.toFixed(0), 10)}${pad(r.p50, 9)}${pad(r.p99, 9)}${pad(`${(ratio * 100).toFixed(0)}%`, 13)}${r.failures}`,
  );
}
let ok = true;
for (const scenario of [...Object.keys(SCENARIOS), LIFECYCLE]) {
  const flint = results.find((r) => r.target === 'flint (postgresql)' && r.scenario === scenario);
  const ratio = flint.rps / baselineRps(scenario);
  const pass = ratio >= TARGET_RATIO;
  ok &&= pass;
  console.log(
    `\n${scenario} on PostgreSQL: ${(ratio * 100).toFixed(0)}% of the baseline (target ≥ ${TARGET_RATIO * 100}%): ${pass ? 'met' : 'MISSED'}`,
  );
}
const flintRps = (scenario) =>
  results.find((r) => r.target === 'flint (postgresql)' && r.scenario === scenario).rps;
const invoiceRatio = flintRps(INVOICE_LIFECYCLE) / flintRps(LIFECYCLE);
const invoicePass = invoiceRatio >= INVOICE_TARGET;
ok &&= invoicePass;
console.log(
  `\n${INVOICE_LIFECYCLE} on PostgreSQL: ${(invoiceRatio * 100).toFixed(0)}% of the order lifecycle's rate (target ≥ ${INVOICE_TARGET * 100}%): ${invoicePass ? 'met' : 'MISSED'}`,
);
const minimal = results.find((r) => r.target === 'baseline: minimal glue');
const flintLifecycle = results.find(
  (r) => r.target === 'flint (postgresql)' && r.scenario === LIFECYCLE,
);
console.log(
  `\n(for reference) the lifecycle on PostgreSQL against the minimal glue: ${((flintLifecycle.rps / minimal.rps) * 100).toFixed(0)}%`,
);
// Issue 18: renewals at the PostgreSQL lifecycle's rate (PGlite: a third of it), one charge each.
if (renewalsPg) {
  ok = printRenewals('PostgreSQL', renewalsPg, flintLifecycle.rps, RENEWAL_TARGET_PG) && ok;
}
if (renewalsLite) {
  ok = printRenewals('PGlite', renewalsLite, flintLifecycle.rps, RENEWAL_TARGET_LITE) && ok;
}
ok = printClockYear('PostgreSQL', clockPg) && ok;
ok = printClockYear('PGlite', clockLite) && ok;
ok = printPages('PostgreSQL', pagesPg) && ok;
ok = printPages('the embedded database (PGlite)', pagesLite) && ok;
if (results.some((r) => r.failures > 0)) {
  console.log('\nsome requests failed: see the failures column');
  ok = false;
}
process.exitCode = ok ? 0 : 1;
