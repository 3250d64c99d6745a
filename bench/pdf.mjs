// `npm run bench:pdf`: invoice PDFs through the real server on PostgreSQL. For INVOICES
// finalized 20-line invoices (names in Latin, Cyrillic and Greek), the first GET
// /v1/invoices/{id}/pdf (rendered with pdfkit and stored) and then ROUNDS further GETs each
// (served from storage), one request at a time. Targets (issue 17): first render p99 <
// 200 ms, served p99 < 10 ms.
// Env: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/flint_bench; the
// database is DROPPED and created anew), BENCH_INVOICES (default 50), BENCH_ROUNDS (5).
import { fork } from 'node:child_process';
import { recreateDatabase } from './database.mjs';
import { api } from './http.mjs';

const DATABASE_URL =
  process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/flint_bench';
const INVOICES = Number(process.env.BENCH_INVOICES ?? 50);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

await recreateDatabase(DATABASE_URL);

const child = fork(new URL('./servers/flint.mjs', import.meta.url), {
  env: { ...process.env, DATABASE_URL },
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
});
const url = await new Promise((resolve) => child.once('message', (m) => resolve(m.url)));
// A failure anywhere still stops the server (its IPC channel would keep this process alive).
const first = [];
const served = [];
let size = 0;
try {
  const account = await fetch(`${url}/v1/accounts`, {
    method: 'POST',
    headers: { authorization: 'Bearer bench-admin-token', 'content-type': 'application/json' },
    body: JSON.stringify({ account: { name: 'Bench GmbH' } }),
  }).then((r) => r.json());
  const key = account.keys.test_secret_key;
  await api(url, key, 'POST', '/v1/tax_rates', {
    tax_rate: { display_name: 'VAT', percentage: '19', inclusive: false, default: true },
  });

  const NAMES = ['Espresso beans', 'Чай с мёдом', 'Ελληνικό μέλι', 'Zoë’s café crème'];
  const ids = [];
  for (let i = 0; i < INVOICES; i += 1) {
    const { invoice } = await api(url, key, 'POST', '/v1/invoices', {
      invoice: {
        line_items: Array.from({ length: 20 }, (_, n) => ({
          name: `${NAMES[n % NAMES.length]} ${i}-${n}`,
          quantity: (n % 4) + 1,
          unit_price_money: { amount: 1250 + n * 37, currency: 'EUR' },
        })),
        currency: 'eur',
        customer_details: { name: 'Дмитрий Иванов', email: 'dmitry@example.com' },
        days_until_due: 14,
      },
    });
    await api(url, key, 'POST', `/v1/invoices/${invoice.invoice_id}/finalize`, {});
    ids.push(invoice.invoice_id);
  }

  async function timedGet(id) {
    const started = performance.now();
    const response = await fetch(`${url}/v1/invoices/${id}/pdf`, {
      headers: { authorization: `Bearer ${key}` },
    });
    const bytes = await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`pdf of ${id}: ${response.status}`);
    return { ms: performance.now() - started, size: bytes.byteLength };
  }

  for (const id of ids) {
    const timed = await timedGet(id);
    first.push(timed.ms);
    size = timed.size;
  }
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const id of ids) served.push((await timedGet(id)).ms);
  }
} finally {
  child.send('stop');
}

const at = (values, q) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
};
const row = (label, values, target) => {
  const p99 = at(values, 0.99);
  const met = p99 < target ? 'met' : 'MISSED';
  console.log(
    `${label.padEnd(28)} n=${String(values.length).padEnd(5)} p50 ${at(values, 0.5).toFixed(1)} ms  p99 ${p99.toFixed(1)} ms  (target p99 < ${target} ms: ${met})`,
  );
  return p99 < target;
};
console.log(`flint bench:pdf — 20-line invoices, one PDF about ${Math.round(size / 1024)} KB\n`);
const ok = [row('first render (and store)', first, 200), row('served from storage', served, 10)];
process.exitCode = ok.every(Boolean) ? 0 : 1;
