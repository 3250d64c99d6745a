// The sales the bench runs through the API, one after another on concurrent workers: the
// order lifecycle (order → pay → refund → get) and the invoice's (create → finalize → pay →
// get). Shared by `run.mjs` and `renewals.mjs`, which compare their rates with it.
import { api } from './http.mjs';

export const ORDER = {
  order: {
    line_items: [9900, 2900, 1500, 750, 199].map((amount, i) => ({
      name: `Item ${i + 1}`,
      quantity: i + 1,
      unit_price_money: { amount, currency: 'USD' },
    })),
    coupon_codes: ['LAUNCH20'],
  },
};

let keys = 0;
const nextKey = () => {
  keys += 1;
  return `bench-${process.pid}-${Date.now()}-${keys}`;
};

/** One sale through orders: create an order, pay it, refund part of it, read it back. */
export const orderSale = async (call, prefix) => {
  const { order } = await call('POST', '/v1/orders', ORDER);
  const orderId = order.order_id;
  await call('POST', `${prefix}/v1/orders/${orderId}/pay`, {
    payment: { payment_source_token: 'tok_visa' },
  });
  await call('POST', `${prefix}/v1/refunds`, { refund: { order_id: orderId, amount: 1000 } });
  await call('GET', `/v1/orders/${orderId}`);
};

/** One sale through invoices: create an invoice (its order underneath), finalize, pay, read. */
export const invoiceSale = async (call) => {
  const { invoice } = await call('POST', '/v1/invoices', {
    invoice: { ...ORDER.order, currency: 'USD' },
  });
  const id = invoice.invoice_id;
  await call('POST', `/v1/invoices/${id}/finalize`, {});
  await call('POST', `/v1/invoices/${id}/pay`, { payment: { payment_source_token: 'tok_visa' } });
  await call('GET', `/v1/invoices/${id}`);
};

/**
 * Sales one after another on `connections` concurrent workers for `duration` seconds
 * (`sale`: the order lifecycle unless told); `keyed`, with a fresh Idempotency-Key on every
 * POST, as a careful client sends them. Reports sales per second and the latency of a whole
 * sale.
 */
export async function lifecycles(
  url,
  key,
  { duration, connections, prefix = '', keyed = false, sale = orderSale },
) {
  const call = (method, path, body) =>
    api(url, key, method, path, body, keyed && body ? nextKey() : undefined);
  const latencies = [];
  let failures = 0;
  const until = Date.now() + duration * 1000;
  const worker = async () => {
    while (Date.now() < until) {
      const started = performance.now();
      try {
        await sale(call, prefix);
        latencies.push(performance.now() - started);
      } catch (error) {
        if (failures === 0) console.error(String(error));
        failures += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: connections }, worker));
  latencies.sort((a, b) => a - b);
  const at = (q) =>
    Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0);
  return { rps: latencies.length / duration, p50: at(0.5), p99: at(0.99), failures };
}
