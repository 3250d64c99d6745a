import { expect } from 'vitest';
import { request, type TestResponse, type TestServer } from './harness.js';

// Shared by the invoice tests: create, act on, and read the events of invoices.

export const UNKNOWN_INVOICE = 'inv_01m84sgeyjf21ada62ac1e65xf';

export function invoiceCalls(server: Pick<TestServer, 'url'>, key: string) {
  const call = (method: string, path: string, body?: unknown): Promise<TestResponse> =>
    request(server, method, path, { key, body });
  const okBody = async (res: TestResponse) => {
    expect(res.status, res.text).toBe(200);
    return res.body;
  };
  return {
    call,
    create: (fields: Record<string, unknown>) => call('POST', '/v1/invoices', { invoice: fields }),
    async created(fields: Record<string, unknown>) {
      const body = await okBody(await call('POST', '/v1/invoices', { invoice: fields }));
      expect(Object.keys(body)).toEqual(['invoice']);
      return body.invoice;
    },
    act: (id: string, action: string, body: unknown = {}) =>
      call('POST', `/v1/invoices/${id}/${action}`, body),
    async acted(id: string, action: string, body: unknown = {}) {
      return (await okBody(await call('POST', `/v1/invoices/${id}/${action}`, body))).invoice;
    },
    pay: (id: string, payment: Record<string, unknown> = {}) =>
      call('POST', `/v1/invoices/${id}/pay`, {
        payment: { payment_source_token: 'tok_visa', ...payment },
      }),
    async get(id: string) {
      return (await okBody(await call('GET', `/v1/invoices/${id}`))).invoice;
    },
    async order(id: string) {
      return (await okBody(await call('GET', `/v1/orders/${id}`))).order;
    },
    /** The invoice's events, oldest first, as their types. */
    async eventTypes(id: string): Promise<string[]> {
      const body = await okBody(await call('GET', `/v1/events?object_id=${id}&limit=100`));
      return body.events.map((e: { type: string }) => e.type).reverse();
    },
  };
}

export const usd = (amount: number) => ({ amount, currency: 'USD' });
