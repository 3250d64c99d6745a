import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { create, expectError } from './catalog-fixtures.js';
import { createTestAccount, request, startTestServer, type TestServer } from './harness.js';

// The refund guide's primary endpoint, POST /v1/checkout/sessions/{id}/refund: every
// example of the guide as written (ids aside), its error bodies, and the line and
// component limits of PRODUCT.md §3.

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const post = (key: string, path: string, body?: unknown) =>
  request(server, 'POST', path, { key, body });
const refundPath = (cs: string) => `/v1/checkout/sessions/${cs}/refund`;

interface Shop {
  key: string;
  liveKey: string;
  mat: string;
  blocks: string;
  strap: string;
  matPrice: string;
  blocksPrice: string;
}

/** A shop with an 8 % default exclusive tax and three products with one price each. */
async function shop(options: { taxShipping?: boolean } = {}): Promise<Shop> {
  const { testKey: key, liveKey } = await createTestAccount(server);
  if (options.taxShipping) {
    const res = await request(server, 'PATCH', '/v1/account', {
      key: liveKey,
      body: { account: { tax_shipping: true } },
    });
    expect(res.status, res.text).toBe(200);
  }
  await create(server, key, 'tax_rates', 'tax_rate', {
    display_name: 'Sales tax',
    percentage: '8',
    inclusive: false,
    default: true,
  });
  const product = async (name: string, unitAmount: number) => {
    const { product_id } = await create(server, key, 'products', 'product', { name });
    const { price_id } = await create(server, key, 'prices', 'price', {
      product_id,
      unit_amount: unitAmount,
      currency: 'USD',
    });
    return { product_id, price_id };
  };
  const mat = await product('Yoga mat', 3500);
  const blocks = await product('Blocks', 1500);
  const strap = await product('Strap', 2000);
  return {
    key,
    liveKey,
    mat: mat.product_id,
    blocks: blocks.product_id,
    strap: strap.product_id,
    matPrice: mat.price_id,
    blocksPrice: blocks.price_id,
  };
}

/**
 * A complete checkout session for mat ×1 (3500, tax 280), blocks ×2 (3000, tax 240) and
 * strap ×1 (2000, tax 160): total 9180 plus `shipping`, paid with `token`.
 */
async function completeSession(
  s: Shop,
  fields: { shipping?: number; coupon?: string; token?: string } = {},
) {
  const order = await post(s.key, '/v1/orders', {
    order: {
      line_items: [
        { product_id: s.mat, quantity: 1 },
        { product_id: s.blocks, quantity: 2 },
        { product_id: s.strap, quantity: 1 },
      ],
      ...(fields.shipping ? { shipping_money: { amount: fields.shipping, currency: 'USD' } } : {}),
      ...(fields.coupon ? { coupon_codes: [fields.coupon] } : {}),
    },
  });
  expect(order.status, order.text).toBe(200);
  const orderId = order.body.order.order_id;
  const cs = await post(s.key, '/v1/checkout/sessions', {
    checkout_session: { order_id: orderId, success_url: 'https://shop.example/done' },
  });
  expect(cs.status, cs.text).toBe(200);
  const paid = await post(s.key, `/v1/orders/${orderId}/pay`, {
    payment: { payment_source_token: fields.token ?? 'tok_visa' },
  });
  expect(paid.status, paid.text).toBe(200);
  const session = await request(
    server,
    'GET',
    `/v1/checkout/sessions/${cs.body.checkout_session.checkout_session_id}`,
    { key: s.key },
  );
  expect(session.body.checkout_session.status).toBe('complete');
  const lineOf = (product: string) =>
    order.body.order.line_items.find((l: any) => l.product_id === product).line_item_id;
  return {
    id: cs.body.checkout_session.checkout_session_id as string,
    orderId: orderId as string,
    total: session.body.checkout_session.amount_total as number,
    matLine: lineOf(s.mat) as string,
    blocksLine: lineOf(s.blocks) as string,
    strapLine: lineOf(s.strap) as string,
  };
}

async function refundCount(key: string, cs: string): Promise<number> {
  const res = await request(server, 'GET', `/v1/refunds?checkout_session=${cs}&limit=100`, { key });
  expect(res.status, res.text).toBe(200);
  return res.body.refunds.length;
}

describe('POST /v1/checkout/sessions/{id}/refund — the guide as written', () => {
  it('example 2: one product returned with its tax, no shipping → 3780, the session with its refund', async () => {
    const s = await shop();
    const cs = await completeSession(s);
    const res = await post(s.key, refundPath(cs.id), {
      checkout_session: {
        line_items: [{ product: s.mat, amount_to_refund: 3500 }],
        amount_tax: 280,
        amount_shipping: 0,
        refund_metadata: {
          reason: 'item_returned',
          rma_number: 'RMA-2024-1234',
          returned_items: 'Yoga Mat (Blue)',
        },
      },
    });
    expect(res.status, res.text).toBe(200);
    expect(Object.keys(res.body)).toEqual(['checkout_session']);
    const session = res.body.checkout_session;
    expect(session).toMatchObject({
      checkout_session_id: cs.id,
      status: 'complete',
      amount_total: 9180,
      amount_subtotal: 8500,
      currency: 'usd',
      order_id: cs.orderId,
    });
    expect(session.refunds).toHaveLength(1);
    const [refund] = session.refunds;
    expect(refund).toMatchObject({
      payment_intent_id: session.payment_intent_id,
      amount: 3780,
      status: 'succeeded',
      reason: null,
      test_mode: true,
      metadata: {
        reason: 'item_returned',
        rma_number: 'RMA-2024-1234',
        returned_items: 'Yoga Mat (Blue)',
      },
      reference_type: 'acquirer_reference_number',
      checkout_session_id: cs.id,
      amount_tax: 280,
      amount_shipping: 0,
      amount_discount: 0,
      line_items: [{ line_item_id: cs.matLine, amount: 3500, amount_tax: 280 }],
    });
    expect(refund.refund_id).toMatch(/^re_[0-9a-z]{26}$/);
    expect(refund.items).toEqual([
      expect.objectContaining({
        amount_refunded: 3780,
        payment_intent: session.payment_intent_id,
        reference_type: 'acquirer_reference_number',
      }),
    ]);
    // Step 4 of the guide: track it by id.
    const got = await request(server, 'GET', `/v1/refunds/${refund.refund_id}`, { key: s.key });
    expect(got.body.refund).toEqual(refund);
    const order = await request(server, 'GET', `/v1/orders/${cs.orderId}`, { key: s.key });
    expect(order.body.order.status).toBe('PARTIALLY_REFUNDED');
    expect(order.body.order.net_amounts.refunded_money.amount).toBe(3780);
  });

  it('option 1: lines by product with amounts, tax, shipping, discount and metadata → Σ lines + tax + shipping − discount', async () => {
    const s = await shop();
    const code = 'TENOFF';
    await create(server, s.key, 'coupons', 'coupon', { code, amount_off: 1000, currency: 'USD' });
    // Lines after the 1000 off (by largest remainder): mat 3088, blocks 2647, strap 1765;
    // tax 600; shipping 500; total 8600.
    const cs = await completeSession(s, { shipping: 500, coupon: code });
    expect(cs.total).toBe(8600);
    const res = await post(s.key, refundPath(cs.id), {
      checkout_session: {
        line_items: [
          { product: s.mat, amount_to_refund: 2000 },
          { product: s.strap, amount_to_refund: 1500 },
        ],
        amount_tax: 350,
        amount_shipping: 500,
        amount_discount: 200,
        refund_metadata: {
          OrderNo: 'ORDER123',
          Source: 'Customer_Request',
          Reason: 'Damaged_Product',
        },
      },
    });
    expect(res.status, res.text).toBe(200);
    const [refund] = res.body.checkout_session.refunds;
    expect(refund).toMatchObject({
      amount: 2000 + 1500 + 350 + 500 - 200,
      amount_tax: 350,
      amount_shipping: 500,
      amount_discount: 200,
      metadata: { OrderNo: 'ORDER123', Source: 'Customer_Request', Reason: 'Damaged_Product' },
    });
    // The given tax exceeds the lines' proportional share (2000/3088 × 247 → 160, and
    // 1500/1765 × 141 → 120): each line keeps its share, the rest stays with the order.
    expect(refund.line_items).toEqual(
      [
        { line_item_id: cs.matLine, amount: 2000, amount_tax: 160 },
        { line_item_id: cs.strapLine, amount: 1500, amount_tax: 120 },
      ].sort((a, b) => a.line_item_id.localeCompare(b.line_item_id)),
    );
    // Shipping is all refunded now, and the discount has 800 left.
    expectError(
      await post(s.key, refundPath(cs.id), { checkout_session: { amount_shipping: 1 } }),
      422,
      'validation_error',
      'refund_amount_invalid',
      [['checkout_session', 'amount_shipping']],
    );
    const discount = await post(s.key, refundPath(cs.id), {
      checkout_session: {
        line_items: [{ product: s.blocks }],
        amount_discount: 801,
      },
    });
    expectError(discount, 422, 'validation_error', 'refund_amount_invalid', [
      ['checkout_session', 'amount_discount'],
    ]);
    expect(discount.body.error.maximum_refundable).toBe(800);
  });

  it('the alternative: a line by price, with refund_metadata', async () => {
    const s = await shop();
    const cs = await completeSession(s);
    const res = await post(s.key, refundPath(cs.id), {
      checkout_session: {
        line_items: [{ price: s.blocksPrice, amount_to_refund: 2000 }],
        refund_metadata: { reason: 'customer_request' },
      },
    });
    expect(res.status, res.text).toBe(200);
    const [refund] = res.body.checkout_session.refunds;
    // No amount_tax: the line's tax in proportion, 240 × 2000 / 3000 = 160.
    expect(refund).toMatchObject({
      amount: 2160,
      amount_tax: 160,
      metadata: { reason: 'customer_request' },
      line_items: [{ line_item_id: cs.blocksLine, amount: 2000, amount_tax: 160 }],
    });
  });

  it('option 2 and example 3: a flat amount, metadata with numbers kept as text', async () => {
    const s = await shop();
    const cs = await completeSession(s);
    const res = await post(s.key, refundPath(cs.id), {
      checkout_session: {
        amount: 2000,
        refund_metadata: {
          reason: 'price_match_guarantee',
          original_amount: 15000,
          adjusted_amount: 13000,
          competitor: 'CompetitorStore',
        },
      },
    });
    expect(res.status, res.text).toBe(200);
    const [refund] = res.body.checkout_session.refunds;
    expect(refund).toMatchObject({
      amount: 2000,
      line_items: [],
      amount_tax: 0,
      metadata: {
        reason: 'price_match_guarantee',
        original_amount: '15000',
        adjusted_amount: '13000',
        competitor: 'CompetitorStore',
      },
    });
  });

  it("a flat amount as amount_money, in the order's currency only", async () => {
    const s = await shop();
    const cs = await completeSession(s);
    const euros = await post(s.key, refundPath(cs.id), {
      checkout_session: { amount_money: { amount: 2000, currency: 'EUR' } },
    });
    expectError(euros, 422, 'validation_error', 'currency_mismatch', [
      ['checkout_session', 'amount_money', 'currency'],
    ]);
    expect(await refundCount(s.key, cs.id)).toBe(0);
    const res = await post(s.key, refundPath(cs.id), {
      checkout_session: { amount_money: { amount: 2000, currency: 'USD' } },
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body.checkout_session.refunds).toMatchObject([{ amount: 2000, line_items: [] }]);
  });

  it('option 3: a full refund of what is left, with metadata or with an empty body', async () => {
    const s = await shop();
    const first = await completeSession(s);
    await post(s.key, refundPath(first.id), { checkout_session: { amount: 1000 } });
    const full = await post(s.key, refundPath(first.id), {
      checkout_session: { refund_metadata: { reason: 'order_cancelled' } },
    });
    expect(full.status, full.text).toBe(200);
    expect(full.body.checkout_session.refunds.map((r: any) => r.amount)).toEqual([1000, 8180]);
    expect(full.body.checkout_session.refunds[1].metadata).toEqual({ reason: 'order_cancelled' });
    const order = await request(server, 'GET', `/v1/orders/${first.orderId}`, { key: s.key });
    expect(order.body.order.status).toBe('REFUNDED');

    const second = await completeSession(s);
    const empty = await post(s.key, refundPath(second.id), { checkout_session: {} });
    expect(empty.status, empty.text).toBe(200);
    expect(empty.body.checkout_session.refunds.map((r: any) => r.amount)).toEqual([9180]);
  });

  it('example 4: several partial refunds until all is refunded, never more', async () => {
    const s = await shop();
    const cs = await completeSession(s);
    for (const amount of [5000, 3000]) {
      const res = await post(s.key, refundPath(cs.id), { checkout_session: { amount } });
      expect(res.status, res.text).toBe(200);
    }
    const over = await post(s.key, refundPath(cs.id), { checkout_session: { amount: 1181 } });
    expectError(over, 422, 'validation_error', 'refund_amount_invalid', [
      ['checkout_session', 'amount'],
    ]);
    expect(over.body.error.maximum_refundable).toBe(1180);
    expect(over.body.error.message).toContain('1180');
    // The guide's "track the remaining refundable amount" recipe gives the same number.
    const session = (await request(server, 'GET', `/v1/checkout/sessions/${cs.id}`, { key: s.key }))
      .body.checkout_session;
    const refunded = session.refunds.reduce((n: number, r: any) => n + r.amount, 0);
    expect(session.amount_total - refunded).toBe(1180);
    expect(await refundCount(s.key, cs.id)).toBe(2);
  });
});

describe('the guide’s error responses', () => {
  it('422 "Checkout session must be complete" with loc ["status"], for open and expired sessions', async () => {
    const s = await shop();
    const open = await post(s.key, '/v1/checkout/sessions', {
      checkout_session: {
        line_items: [{ product_id: s.mat, quantity: 1 }],
        success_url: 'https://shop.example/done',
      },
    });
    const id = open.body.checkout_session.checkout_session_id;
    const res = await post(s.key, refundPath(id), { checkout_session: { amount: 100 } });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({
      type: 'validation_error',
      message: 'Checkout session must be complete',
      errors: [
        {
          loc: ['status'],
          msg: 'Checkout session must be complete',
          type: 'invalid_request_error',
        },
      ],
    });
    await post(s.key, `/v1/checkout/sessions/${id}/expire`);
    const expired = await post(s.key, refundPath(id), { checkout_session: {} });
    expect(expired.status).toBe(422);
    expect(expired.body.error.message).toBe('Checkout session must be complete');
  });

  it('404 "checkout session does not exist" for an unknown id and for another account’s session', async () => {
    const s = await shop();
    const cs = await completeSession(s);
    const other = await createTestAccount(server);
    for (const [key, id] of [
      [s.key, 'cs_01m84sgeyjf21ada62ac1e65xf'],
      [other.testKey, cs.id],
      [s.liveKey, cs.id],
    ] as const) {
      const res = await post(key, refundPath(id), { checkout_session: {} });
      expect(res.status).toBe(404);
      expect(res.body.error).toMatchObject({
        type: 'not_found',
        message: 'checkout session does not exist',
      });
    }
    expect(await refundCount(s.key, cs.id)).toBe(0);
  });

  it('401 "Invalid API key" without or with a wrong key', async () => {
    const s = await shop();
    const cs = await completeSession(s);
    for (const key of [undefined, 'sk_test_nope']) {
      const res = await request(server, 'POST', refundPath(cs.id), {
        key,
        body: { checkout_session: {} },
      });
      expect(res.status).toBe(401);
      expect(res.body.error).toMatchObject({ type: 'unauthorized', message: 'Invalid API key' });
    }
    expect(await refundCount(s.key, cs.id)).toBe(0);
  });
});

describe('line and component limits', () => {
  it('a line cannot be refunded beyond what is left of it; the error names the field and the amount', async () => {
    const s = await shop();
    const cs = await completeSession(s);
    const first = await post(s.key, refundPath(cs.id), {
      checkout_session: { line_items: [{ line_item_id: cs.blocksLine, amount_to_refund: 1000 }] },
    });
    // 240 × 1000 / 3000 = 80.
    expect(first.body.checkout_session.refunds[0]).toMatchObject({ amount: 1080, amount_tax: 80 });
    const over = await post(s.key, refundPath(cs.id), {
      checkout_session: {
        line_items: [
          { product: s.mat, amount_to_refund: 100 },
          { product: s.blocks, amount_to_refund: 2001 },
        ],
      },
    });
    expectError(over, 422, 'validation_error', 'refund_amount_invalid', [
      ['checkout_session', 'line_items', 1, 'amount_to_refund'],
    ]);
    expect(over.body.error.maximum_refundable).toBe(2000);
    expect(over.body.error.message).toContain('2000');
    // The rest of the line, in full, takes all of its remaining tax: 240 − 80.
    const rest = await post(s.key, refundPath(cs.id), {
      checkout_session: { line_items: [{ product: s.blocks }] },
    });
    expect(rest.body.checkout_session.refunds[1]).toMatchObject({
      amount: 2160,
      amount_tax: 160,
      line_items: [{ line_item_id: cs.blocksLine, amount: 2000, amount_tax: 160 }],
    });
    const none = await post(s.key, refundPath(cs.id), {
      checkout_session: { line_items: [{ product: s.blocks, amount_to_refund: 1 }] },
    });
    expectError(none, 422, 'validation_error', 'refund_amount_invalid');
    expect(none.body.error.maximum_refundable).toBe(0);
    expect(await refundCount(s.key, cs.id)).toBe(2);
  });

  it('tax cannot exceed what is left of it', async () => {
    const s = await shop();
    const cs = await completeSession(s);
    const res = await post(s.key, refundPath(cs.id), {
      checkout_session: { line_items: [{ product: s.mat }], amount_tax: 681 },
    });
    expectError(res, 422, 'validation_error', 'refund_amount_invalid', [
      ['checkout_session', 'amount_tax'],
    ]);
    expect(res.body.error.maximum_refundable).toBe(680);
  });

  it('shipping tax goes in proportion with refunded shipping where the account taxes shipping', async () => {
    const s = await shop({ taxShipping: true });
    const cs = await completeSession(s, { shipping: 1000 });
    // Tax: 8 % of 8500 + 1000 = 760, 80 of it on shipping.
    expect(cs.total).toBe(8500 + 1000 + 760);
    const res = await post(s.key, refundPath(cs.id), {
      checkout_session: { amount_shipping: 250 },
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body.checkout_session.refunds[0]).toMatchObject({
      amount: 270,
      amount_tax: 20,
      amount_shipping: 250,
      line_items: [],
    });
  });

  it('refuses contradictory or unknown lines, and changes nothing', async () => {
    const s = await shop();
    const cs = await completeSession(s);
    const unknownProduct = 'prod_01m84sgeyjf21ada62ac1e65xf';
    const cases: [unknown, number, string, (string | number)[]?][] = [
      [
        { amount: 100, line_items: [{ product: s.mat }] },
        422,
        'parameter_invalid',
        ['checkout_session', 'amount'],
      ],
      [
        { line_items: [{ product: s.mat, price: s.matPrice }] },
        422,
        'parameter_invalid',
        ['checkout_session', 'line_items', 0],
      ],
      [{ line_items: [{}] }, 422, 'parameter_invalid', ['checkout_session', 'line_items', 0]],
      [
        { line_items: [{ product: unknownProduct }] },
        422,
        'parameter_invalid',
        ['checkout_session', 'line_items', 0, 'product'],
      ],
      [
        { line_items: [{ product: s.mat }, { price: s.matPrice }] },
        422,
        'parameter_invalid',
        ['checkout_session', 'line_items', 1],
      ],
      [
        { line_items: [{ product: s.mat, amount_to_refund: 100 }], amount_discount: 109 },
        422,
        'refund_amount_invalid',
      ],
      [{ amount_tax: 0 }, 422, 'refund_amount_invalid'],
      [{ line_items: [] }, 422, 'parameter_invalid'],
      [{ line_items: [{ product: s.mat, amount_to_refund: 0 }] }, 422, 'parameter_invalid'],
      [{ line_items: [{ product: s.mat, amount_to_refund: 1.5 }] }, 422, 'parameter_invalid'],
      [{ amount_tax: -1 }, 422, 'parameter_invalid'],
      [{ amount: '100' }, 422, 'parameter_invalid'],
      [{ amount: 100_000_000_000 }, 422, 'parameter_invalid'],
      [{ refund_metadata: { nested: { no: 1 } } }, 422, 'parameter_invalid'],
      [{ refund_metadata: { v: null } }, 422, 'parameter_invalid'],
      [{ amount: 100, surprise: true }, 400, 'parameter_unknown'],
      [{ line_items: [{ product: s.mat, quantity: 1 }] }, 400, 'parameter_unknown'],
    ];
    for (const [body, status, code, loc] of cases) {
      const res = await post(s.key, refundPath(cs.id), { checkout_session: body });
      expect(res.status, `${JSON.stringify(body)} → ${res.text}`).toBe(status);
      expect(res.body.error.code, JSON.stringify(body)).toBe(code);
      if (loc) expect(res.body.error.errors[0].loc, JSON.stringify(body)).toEqual(loc);
    }
    expect(await refundCount(s.key, cs.id)).toBe(0);
    const order = await request(server, 'GET', `/v1/orders/${cs.orderId}`, { key: s.key });
    expect(order.body.order.status).toBe('PAID');
    expect(order.body.order.net_amounts.refunded_money.amount).toBe(0);
  });

  it('concurrent refunds of one whole line: exactly one succeeds', async () => {
    const s = await shop();
    const cs = await completeSession(s);
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        post(s.key, refundPath(cs.id), { checkout_session: { line_items: [{ product: s.mat }] } }),
      ),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    for (const res of results.filter((r) => r.status !== 200)) {
      expectError(res, 422, 'validation_error', 'refund_amount_invalid');
      expect(res.body.error.maximum_refundable).toBe(0);
    }
    expect(await refundCount(s.key, cs.id)).toBe(1);
  });

  it('a failed refund gives its line back', async () => {
    const s = await shop();
    const cs = await completeSession(s, { token: 'tok_refundPending' });
    const res = await post(s.key, refundPath(cs.id), {
      checkout_session: { line_items: [{ product: s.mat }] },
    });
    const [refund] = res.body.checkout_session.refunds;
    expect(refund).toMatchObject({ status: 'pending', amount: 3780 });
    const again = await post(s.key, refundPath(cs.id), {
      checkout_session: { line_items: [{ product: s.mat }] },
    });
    expect(again.body.error.maximum_refundable).toBe(0);
    const failed = await post(s.key, `/v1/test_helpers/refunds/${refund.refund_id}/fail`);
    expect(failed.body.refund.status).toBe('failed');
    const retried = await post(s.key, refundPath(cs.id), {
      checkout_session: { line_items: [{ product: s.mat }] },
    });
    expect(retried.status, retried.text).toBe(200);
    expect(retried.body.checkout_session.refunds[1]).toMatchObject({ amount: 3780 });
  });
});

describe('the order-first forms take the same lines', () => {
  it('POST /v1/refunds and /v1/refunds/preview with line_items; listed under the session', async () => {
    const s = await shop();
    const cs = await completeSession(s);
    const body = {
      refund: {
        order_id: cs.orderId,
        line_items: [{ product: s.strap, amount_to_refund: 500 }],
        amount_shipping: 0,
      },
    };
    const preview = await post(s.key, '/v1/refunds/preview', body);
    expect(preview.status, preview.text).toBe(200);
    // 160 × 500 / 2000 = 40.
    expect(preview.body.refund_preview).toMatchObject({
      amount: 540,
      amount_tax: 40,
      amount_shipping: 0,
      amount_discount: 0,
      line_items: [{ line_item_id: cs.strapLine, amount: 500, amount_tax: 40 }],
      remaining_refundable: 9180 - 540,
    });
    expect(await refundCount(s.key, cs.id)).toBe(0);
    const created = await post(s.key, '/v1/refunds', body);
    expect(created.status, created.text).toBe(200);
    expect(created.body.refund).toMatchObject({ amount: 540, checkout_session_id: null });
    const badLoc = await post(s.key, '/v1/refunds', {
      refund: { order_id: cs.orderId, line_items: [{ product: s.strap, amount_to_refund: 1501 }] },
    });
    expectError(badLoc, 422, 'validation_error', 'refund_amount_invalid', [
      ['refund', 'line_items', 0, 'amount_to_refund'],
    ]);
    expect(badLoc.body.error.maximum_refundable).toBe(1500);
    // A session's refunds are its order's, whichever endpoint made them.
    expect(await refundCount(s.key, cs.id)).toBe(1);
  });
});
