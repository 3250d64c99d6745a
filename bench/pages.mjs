// The hosted pages' budget (issue: under 100 ms server time and under 50 KB transferred),
// measured against a running Flint: the checkout page, the 3-D Secure page, the paid
// page, paying (form post → 303), and a payment link's click (order + session → 303).
// Server time is the page's own `Server-Timing: app;dur=…`; size is every byte of the
// response as sent (status line, headers and body). Sequential (one buyer at a time),
// then the checkout page under CONNECTIONS concurrent buyers with autocannon.
import { Socket } from 'node:net';
import autocannon from 'autocannon';
import { api } from './http.mjs';

export const PAGE_BUDGET = { serverMs: 100, bytes: 50 * 1024 };

/** One raw HTTP/1.1 exchange: the whole response's bytes, its status, headers and body. */
function raw(url, method, path, headers = {}, body = '') {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    const chunks = [];
    socket.connect(Number(port), hostname, () => {
      const lines = [
        `${method} ${path} HTTP/1.1`,
        `host: ${hostname}:${port}`,
        'connection: close',
        'accept-encoding: identity',
        ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
        ...(body ? [`content-length: ${Buffer.byteLength(body)}`] : []),
      ];
      socket.write(`${lines.join('\r\n')}\r\n\r\n${body}`);
    });
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => {
      const all = Buffer.concat(chunks);
      const text = all.toString('utf8');
      const [head, ...rest] = text.split('\r\n\r\n');
      const [statusLine, ...headerLines] = head.split('\r\n');
      const parsed = Object.fromEntries(
        headerLines.map((l) => [
          l.slice(0, l.indexOf(':')).toLowerCase(),
          l.slice(l.indexOf(':') + 1).trim(),
        ]),
      );
      resolve({
        status: Number(statusLine.split(' ')[1]),
        headers: parsed,
        setCookies: headerLines
          .filter((l) => /^set-cookie:/i.test(l))
          .map((l) => l.slice(11).trim()),
        body: rest.join('\r\n\r\n'),
        bytes: all.length,
        serverMs: Number(
          /app;dur=([0-9.]+)/.exec(parsed['server-timing'] ?? '')?.[1] ?? Number.NaN,
        ),
      });
    });
  });
}

const hidden = (html, name) => new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1] ?? '';

const LINES = [9900, 2900, 1500, 750, 199].map((amount, i) => ({
  name: `Item ${i + 1}`,
  quantity: i + 1,
  unit_price_money: { amount, currency: 'USD' },
}));

async function session(url, key) {
  const { checkout_session } = await api(url, key, 'POST', '/v1/checkout/sessions', {
    checkout_session: {
      line_items: LINES,
      success_url: 'https://shop.example/done',
      cancel_url: 'https://shop.example/cart',
    },
  });
  return checkout_session.checkout_session_id;
}

async function payForm(url, id, card) {
  const page = await raw(url, 'GET', `/checkout/${id}`);
  const cookie = page.setCookies[0]?.split(';')[0] ?? '';
  const form = new URLSearchParams({
    csrf_token: hidden(page.body, 'csrf_token'),
    attempt: hidden(page.body, 'attempt'),
    email: 'bench@example.com',
    card_number: card,
    card_expiry: '12 / 30',
    card_cvc: '123',
  }).toString();
  const headers = { cookie, 'content-type': 'application/x-www-form-urlencoded' };
  return { page, cookie, post: () => raw(url, 'POST', `/checkout/${id}/pay`, headers, form) };
}

function summarize(name, samples) {
  const times = samples.map((s) => s.serverMs).sort((a, b) => a - b);
  const at = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))];
  return {
    page: name,
    n: samples.length,
    p50: at(0.5),
    p99: at(0.99),
    maxBytes: Math.max(...samples.map((s) => s.bytes)),
    statuses: [...new Set(samples.map((s) => s.status))].join(','),
  };
}

/** Every page, `count` times each, one at a time; then the checkout page under load. */
export async function measurePages(
  url,
  key,
  { count = 200, duration = 10, connections = 10 } = {},
) {
  const rows = [];
  const ids = [];
  for (let i = 0; i < count; i++) ids.push(await session(url, key));

  const form = [];
  for (const id of ids) form.push(await raw(url, 'GET', `/checkout/${id}`));
  rows.push(summarize('GET /checkout/{id} (the form)', form));

  const pays = [];
  for (const id of ids.slice(0, count / 2))
    pays.push(await (await payForm(url, id, '4242424242424242')).post());
  rows.push(summarize('POST /checkout/{id}/pay (→ 303)', pays));

  const paid = [];
  for (const id of ids.slice(0, count / 2)) paid.push(await raw(url, 'GET', `/checkout/${id}`));
  rows.push(summarize('GET /checkout/{id} (paid)', paid));

  const challenge = [];
  for (const id of ids.slice(count / 2)) {
    await (await payForm(url, id, '4000002500003155')).post();
    challenge.push(await raw(url, 'GET', `/checkout/${id}`));
  }
  rows.push(summarize('GET /checkout/{id} (3-D Secure)', challenge));

  const { product } = await api(url, key, 'POST', '/v1/products', {
    product: { name: 'Bench product' },
  });
  const { price } = await api(url, key, 'POST', '/v1/prices', {
    price: { product_id: product.product_id, unit_amount: 2500, currency: 'USD' },
  });
  const { payment_link } = await api(url, key, 'POST', '/v1/payment_links', {
    payment_link: { line_items: [{ price_id: price.price_id, quantity: 2 }] },
  });
  const clicks = [];
  for (let i = 0; i < Math.min(count, 50); i++) {
    clicks.push(await raw(url, 'GET', `/pay/${payment_link.payment_link_id}`));
  }
  rows.push(summarize('GET /pay/{plink} (→ 303)', clicks));

  const fresh = await session(url, key);
  const loaded = await new Promise((resolve, reject) =>
    autocannon({ url: `${url}/checkout/${fresh}`, connections, duration }, (err, result) =>
      err ? reject(err) : resolve(result),
    ),
  );
  return {
    rows,
    underLoad: {
      rps: loaded.requests.average,
      p50: loaded.latency.p50,
      p99: loaded.latency.p99,
      non2xx: loaded.non2xx + loaded.errors + loaded.timeouts,
      connections,
    },
  };
}

export function printPages(label, result) {
  const pad = (s, n) => String(s).padEnd(n);
  console.log(`\nhosted pages on ${label} (server time from Server-Timing; bytes as sent):`);
  console.log(
    `${pad('page', 36)}${pad('n', 6)}${pad('p50 ms', 9)}${pad('p99 ms', 9)}${pad('max bytes', 11)}status`,
  );
  let ok = true;
  for (const r of result.rows) {
    const pass = r.p99 < PAGE_BUDGET.serverMs && r.maxBytes < PAGE_BUDGET.bytes;
    ok &&= pass;
    console.log(
      `${pad(r.page, 36)}${pad(r.n, 6)}${pad(r.p50.toFixed(1), 9)}${pad(r.p99.toFixed(1), 9)}${pad(r.maxBytes, 11)}${r.statuses}${pass ? '' : '  OVER BUDGET'}`,
    );
  }
  const l = result.underLoad;
  console.log(
    `GET /checkout/{id} under load: ${l.rps.toFixed(0)} req/s, p50 ${l.p50} ms, p99 ${l.p99} ms (client-side, ${l.connections} connections), failures ${l.non2xx}`,
  );
  console.log(
    `budget (p99 server time < ${PAGE_BUDGET.serverMs} ms, < ${PAGE_BUDGET.bytes / 1024} KB): ${ok ? 'met' : 'MISSED'}`,
  );
  return ok && l.non2xx === 0;
}
