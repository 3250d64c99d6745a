import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OFFLINE_REFUND_METHODS, REFUND_METHODS } from '../src/domain/refunds/refund-values.js';
import { RefundMethod } from '../src/http/routes/refunds/refund-schemas.js';
import { expectError } from './catalog-fixtures.js';
import { countingSandbox } from './counting-processor.js';
import {
  createPaidOrder,
  createTestAccount,
  request,
  startTestServer,
  type TestServer,
} from './harness.js';

// Offline refunds: money returned outside Flint (cash, a bank transfer, …) and recorded,
// so the order shows it refunded and no card refund can take the same money again.

// A real sandbox that counts refund calls: an offline refund must make none.
const { processor: counting, refundCalls } = countingSandbox();

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ processor: counting });
});
afterAll(() => server.close());

const post = (key: string, path: string, body?: unknown) =>
  request(server, 'POST', path, { key, body });
const get = (key: string, path: string) => request(server, 'GET', path, { key });
const money = (order: any, field: string) => order.net_amounts[field].amount;

/** An order of two lines (6000 and 4000, no tax) paid with `token`. */
async function paidOrder(key: string, token = 'tok_visa') {
  const line_items = [
    { name: 'Boots', quantity: 2, unit_price_money: { amount: 3000, currency: 'USD' } },
    { name: 'Laces', quantity: 1, unit_price_money: { amount: 4000, currency: 'USD' } },
  ];
  return (await createPaidOrder(server, key, { order: { line_items }, token })).order;
}

describe('offline refunds', () => {
  it('the wire takes exactly the methods the domain and the database know', () => {
    expect(RefundMethod.anyOf.map((m: { const: string }) => m.const)).toEqual(REFUND_METHODS);
    expect(REFUND_METHODS).toEqual(['original_payment_method', ...OFFLINE_REFUND_METHODS]);
  });

  it('after a failed card refund, records cash: succeeded at once, no processor call, the order REFUNDED', async () => {
    const { testKey: key } = await createTestAccount(server);
    const order = await paidOrder(key, 'tok_refundFail');
    const card = (await post(key, '/v1/refunds', { refund: { order_id: order.order_id } })).body
      .refund;
    const failed = (await post(key, `/v1/test_helpers/refunds/${card.refund_id}/fail`)).body.refund;
    expect(failed.status).toBe('failed');
    expect(failed.method).toBe('original_payment_method');
    expect(failed.next_actions.map((a: any) => a.action)).toContain('record_offline_refund');

    const callsBefore = refundCalls.length;
    const res = await post(key, '/v1/refunds', {
      refund: {
        order_id: order.order_id,
        method: 'cash',
        reason: 'requested_by_customer',
        metadata: { note: `Cash at the counter after ${failed.refund_id}` },
      },
    });
    expect(res.status, res.text).toBe(200);
    const offline = res.body.refund;
    expect(offline).toMatchObject({
      method: 'cash',
      status: 'succeeded',
      amount: 10000,
      amount_refunded: 10000,
      reference_id: null,
      reference_status: 'unavailable',
      failure_reason: null,
      next_actions: [],
      items: [{ status: 'succeeded', amount_refunded: 10000, reference_status: 'unavailable' }],
    });
    expect(refundCalls.length).toBe(callsBefore);

    const after = (await get(key, `/v1/orders/${order.order_id}`)).body.order;
    expect(after.status).toBe('REFUNDED');
    expect(money(after, 'refunded_money')).toBe(10000);
    expect(money(after, 'balance_money')).toBe(0);

    // Its events say what happened, in order: created, then succeeded.
    const events = (await get(key, `/v1/events?object_id=${offline.refund_id}`)).body.events;
    expect(events.map((e: any) => e.type).sort()).toEqual(['refund.created', 'refund.succeeded']);
    for (const event of events) expect(event.data.object.method).toBe('cash');

    // Nothing is left: a card refund or another offline one is refused, nothing changes.
    for (const body of [
      { order_id: order.order_id, amount: 1 },
      { order_id: order.order_id, amount: 1, method: 'bank_transfer' },
    ]) {
      const refused = await post(key, '/v1/refunds', { refund: body });
      expect(refused.status, refused.text).toBe(409);
    }
    const list = (await get(key, `/v1/refunds?order=${order.order_id}`)).body.refunds;
    expect(list.map((r: any) => [r.method, r.status])).toEqual([
      ['cash', 'succeeded'],
      ['original_payment_method', 'failed'],
    ]);
    expect(refundCalls.length).toBe(callsBefore);
  });

  it('records part of a line by amount, and is refused a cancel (it is not pending)', async () => {
    const { testKey: key } = await createTestAccount(server);
    const order = await paidOrder(key);
    const [boots] = order.line_items;
    const res = await post(key, '/v1/refunds', {
      refund: {
        order_id: order.order_id,
        method: 'store_credit',
        line_items: [{ line_item_id: boots.line_item_id, amount_to_refund: 3000 }],
      },
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body.refund).toMatchObject({
      method: 'store_credit',
      status: 'succeeded',
      amount: 3000,
      line_items: [{ line_item_id: boots.line_item_id, amount: 3000, amount_tax: 0 }],
    });
    const after = (await get(key, `/v1/orders/${order.order_id}`)).body.order;
    expect(after.status).toBe('PARTIALLY_REFUNDED');
    expect(money(after, 'refunded_money')).toBe(3000);

    const cancel = await post(key, `/v1/refunds/${res.body.refund.refund_id}/cancel`);
    expectError(cancel, 409, 'conflict', 'refund_state_invalid');
    // What is left of the line can still go back to the card.
    const rest = await post(key, '/v1/refunds', {
      refund: { order_id: order.order_id, line_items: [{ line_item_id: boots.line_item_id }] },
    });
    expect(rest.status, rest.text).toBe(200);
    expect(rest.body.refund).toMatchObject({ method: 'original_payment_method', amount: 3000 });
  });

  it('refuses an unknown method, and more than is left, and changes nothing', async () => {
    const { testKey: key } = await createTestAccount(server);
    const order = await paidOrder(key);
    for (const method of ['paypal', 'CASH', '', 7, null]) {
      const res = await post(key, '/v1/refunds', {
        refund: { order_id: order.order_id, amount: 100, method },
      });
      expect(res.status, `${String(method)}: ${res.text}`).toBe(422);
      expect(res.body.error.errors.map((e: any) => e.loc)).toContainEqual(['refund', 'method']);
    }
    const over = await post(key, '/v1/refunds', {
      refund: { order_id: order.order_id, amount: 10001, method: 'cash' },
    });
    expectError(over, 422, 'validation_error', 'refund_amount_invalid');
    const after = (await get(key, `/v1/orders/${order.order_id}`)).body.order;
    expect(money(after, 'refunded_money')).toBe(0);
    expect((await get(key, `/v1/refunds?order=${order.order_id}`)).body.refunds).toEqual([]);
  });

  it("makes a failed refund good once: a second try, a pending one, another order's are refused", async () => {
    const { testKey: key } = await createTestAccount(server);
    const order = await paidOrder(key, 'tok_refundFail');
    const refundOf = async (body: Record<string, unknown>) =>
      post(key, '/v1/refunds', { refund: { order_id: order.order_id, amount: 2000, ...body } });
    const card = (await refundOf({})).body.refund;
    // Not failed (yet): nothing to make good.
    expectError(
      await refundOf({ method: 'cash', replaces_refund_id: card.refund_id }),
      409,
      'conflict',
      'refund_state_invalid',
      [['refund', 'replaces_refund_id']],
    );
    await post(key, `/v1/test_helpers/refunds/${card.refund_id}/fail`);

    // Ten people press "record offline" at once: one refund makes it good.
    const tries = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        refundOf({ method: i % 2 ? 'cash' : 'bank_transfer', replaces_refund_id: card.refund_id }),
      ),
    );
    const made = tries.filter((t) => t.status === 200);
    expect(made).toHaveLength(1);
    for (const t of tries.filter((t) => t.status !== 200)) {
      expectError(t, 409, 'conflict', 'refund_state_invalid', [['refund', 'replaces_refund_id']]);
    }
    expect(made[0]?.body.refund).toMatchObject({
      status: 'succeeded',
      replaces_refund_id: card.refund_id,
    });
    // Through the card, too: refused while the offline one stands.
    expectError(
      await refundOf({ replaces_refund_id: card.refund_id }),
      409,
      'conflict',
      'refund_state_invalid',
    );
    const after = (await get(key, `/v1/orders/${order.order_id}`)).body.order;
    expect(money(after, 'refunded_money')).toBe(2000);

    // A refund of another order, or one that does not exist, is not this order's to make good.
    const other = await paidOrder(key, 'tok_refundFail');
    const theirs = (
      await post(key, '/v1/refunds', { refund: { order_id: other.order_id, amount: 100 } })
    ).body.refund;
    for (const id of [theirs.refund_id, 're_00000000000000000000000000']) {
      expectError(
        await refundOf({ method: 'cash', replaces_refund_id: id }),
        422,
        'validation_error',
        'parameter_invalid',
        [['refund', 'replaces_refund_id']],
      );
    }
    expect(
      money((await get(key, `/v1/orders/${order.order_id}`)).body.order, 'refunded_money'),
    ).toBe(2000);
  });

  it('a retry through the card that fails again is the one to make good, not the first', async () => {
    const { testKey: key } = await createTestAccount(server);
    const order = await paidOrder(key, 'tok_refundFail');
    const first = (
      await post(key, '/v1/refunds', { refund: { order_id: order.order_id, amount: 500 } })
    ).body.refund;
    await post(key, `/v1/test_helpers/refunds/${first.refund_id}/fail`);
    const retry = (
      await post(key, '/v1/refunds', {
        refund: { order_id: order.order_id, amount: 500, replaces_refund_id: first.refund_id },
      })
    ).body.refund;
    expect(retry).toMatchObject({ status: 'pending', replaces_refund_id: first.refund_id });
    await post(key, `/v1/test_helpers/refunds/${retry.refund_id}/fail`);
    // The retry failed too: it carries the obligation on. The first is not made good
    // again (that would return the money twice); the retry is.
    const byCheck = (failed: { refund_id: string }) =>
      post(key, '/v1/refunds', {
        refund: {
          order_id: order.order_id,
          amount: 500,
          method: 'check',
          replaces_refund_id: failed.refund_id,
        },
      });
    const twice = await byCheck(first);
    expectError(twice, 409, 'conflict', 'refund_state_invalid', [['refund', 'replaces_refund_id']]);
    expect(twice.body.error.message).toContain('make that one good instead');
    const made = await byCheck(retry);
    expect(made.status, made.text).toBe(200);
    expect(
      money((await get(key, `/v1/orders/${order.order_id}`)).body.order, 'refunded_money'),
    ).toBe(500);
  });

  it('a canceled retry gives the failed refund back to make good', async () => {
    const { testKey: key } = await createTestAccount(server);
    const order = await paidOrder(key, 'tok_refundFail');
    const first = (
      await post(key, '/v1/refunds', { refund: { order_id: order.order_id, amount: 700 } })
    ).body.refund;
    await post(key, `/v1/test_helpers/refunds/${first.refund_id}/fail`);
    const retry = (
      await post(key, '/v1/refunds', {
        refund: { order_id: order.order_id, amount: 700, replaces_refund_id: first.refund_id },
      })
    ).body.refund;
    expect((await post(key, `/v1/refunds/${retry.refund_id}/cancel`)).status).toBe(200);
    const cash = await post(key, '/v1/refunds', {
      refund: {
        order_id: order.order_id,
        amount: 700,
        method: 'cash',
        replaces_refund_id: first.refund_id,
      },
    });
    expect(cash.status, cash.text).toBe(200);
    expect(
      money((await get(key, `/v1/orders/${order.order_id}`)).body.order, 'refunded_money'),
    ).toBe(700);
  });

  it('20 concurrent offline refunds of 1,000 against 10,000 paid: exactly 10 are recorded', async () => {
    const { testKey: key } = await createTestAccount(server);
    const order = await paidOrder(key);
    const answers = await Promise.all(
      Array.from({ length: 20 }, () =>
        post(key, '/v1/refunds', {
          refund: { order_id: order.order_id, amount: 1000, method: 'cash' },
        }),
      ),
    );
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(10);
    expect(statuses.every((s) => s === 200 || s === 409 || s === 422)).toBe(true);
    const after = (await get(key, `/v1/orders/${order.order_id}`)).body.order;
    expect(money(after, 'refunded_money')).toBe(10000);
    expect(after.status).toBe('REFUNDED');
  });
});
