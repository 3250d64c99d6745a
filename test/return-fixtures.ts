import { expect } from 'vitest';
import { createPaidOrder, request, type TestResponse, type TestServer } from './harness.js';

// Shared by the returns tests: open a return, act on it, read orders and refunds.

export function returnsClient(server: Pick<TestServer, 'url'>, key: string) {
  const post = (path: string, body?: unknown, headers: Record<string, string> = {}) =>
    request(server, 'POST', path, { key, body, headers });
  const get = (path: string) => request(server, 'GET', path, { key });
  return {
    post,
    get,
    /** `POST /v1/orders/{id}/returns` with the return's fields. */
    open: (orderId: string, fields: Record<string, unknown>, headers?: Record<string, string>) =>
      post(`/v1/orders/${orderId}/returns`, { return: fields }, headers),
    act: (returnId: string, action: 'receive' | 'complete' | 'cancel') =>
      post(`/v1/returns/${returnId}/${action}`, {}),
    order: async (orderId: string) => ok(await get(`/v1/orders/${orderId}`)).order,
    refund: async (refundId: string) => ok(await get(`/v1/refunds/${refundId}`)).refund,
  };
}

/** The body of a 200, failing the test with the answer otherwise. */
export function ok(res: TestResponse): any {
  expect(res.status, res.text).toBe(200);
  return res.body;
}

/** The ids of an order's lines, in order. */
export const lineIds = (order: any): string[] =>
  order.line_items.map((line: any) => line.line_item_id);

/** A paid order of two lines: 3 × 1000 and 1 × 500 USD, no tax. */
export async function paidTwoLines(server: Pick<TestServer, 'url'>, key: string) {
  const usd = (amount: number) => ({ amount, currency: 'USD' });
  const { order } = await createPaidOrder(server, key, {
    order: {
      line_items: [
        { name: 'Shirt', quantity: 3, unit_price_money: usd(1000) },
        { name: 'Hat', quantity: 1, unit_price_money: usd(500) },
      ],
    },
  });
  return order;
}
