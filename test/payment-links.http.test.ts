import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  create,
  expectError,
  expectMissing,
  list,
  RFC3339_UTC,
  UNKNOWN,
} from './catalog-fixtures.js';
import { createTestAccount, request, startTestServer, type TestServer } from './harness.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const XSS = '<script>alert("x")</script>&\'';

async function price(key: string, unitAmount: number, currency = 'USD', name = 'Yoga mat') {
  const product = await create(server, key, 'products', 'product', { name });
  return create(server, key, 'prices', 'price', {
    product_id: product.product_id,
    unit_amount: unitAmount,
    currency,
  });
}

const createLink = (key: string, fields: Record<string, unknown>) =>
  request(server, 'POST', '/v1/payment_links', { key, body: { payment_link: fields } });

async function link(key: string, fields: Record<string, unknown>) {
  const res = await createLink(key, fields);
  expect(res.status, res.text).toBe(200);
  expect(Object.keys(res.body)).toEqual(['payment_link']);
  return res.body.payment_link;
}

/** Opens a public link as a browser would, without following the redirect. */
async function visit(path: string) {
  const response = await fetch(server.url + path, { redirect: 'manual' });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

async function sessionsOf(key: string): Promise<any[]> {
  const res = await request(server, 'GET', '/v1/checkout/sessions?limit=100', { key });
  expect(res.status, res.text).toBe(200);
  return res.body.checkout_sessions;
}

async function orderCount(key: string): Promise<number> {
  return (await list(server, key, 'orders', '?limit=100')).orders.length;
}

describe('payment links API', () => {
  it('creates a link with its public url and the prices’ currency, then gets and lists it', async () => {
    const { testKey: key } = await createTestAccount(server);
    const mat = await price(key, 3500);
    const blocks = await price(key, 1500);
    const created = await link(key, {
      line_items: [
        {
          price_id: mat.price_id,
          quantity: 1,
          adjustable_quantity: { enabled: true, minimum: 1, maximum: 10 },
        },
        { price_id: blocks.price_id, quantity: 2 },
      ],
      after_completion: { redirect_url: 'https://shop.example/thanks' },
      metadata: { campaign: 'spring' },
    });
    expect(created).toEqual({
      payment_link_id: expect.stringMatching(/^plink_[0-9a-z]{26}$/),
      object: 'payment_link',
      active: true,
      url: `${server.url}/pay/${created.payment_link_id}`,
      line_items: [
        {
          price_id: mat.price_id,
          quantity: 1,
          adjustable_quantity: { enabled: true, minimum: 1, maximum: 10 },
        },
        { price_id: blocks.price_id, quantity: 2, adjustable_quantity: null },
      ],
      currency: 'USD',
      after_completion: { redirect_url: 'https://shop.example/thanks' },
      cancel_url: null,
      metadata: { campaign: 'spring' },
      test_mode: true,
      created_at: expect.stringMatching(RFC3339_UTC),
      updated_at: created.created_at,
    });
    const got = await request(server, 'GET', `/v1/payment_links/${created.payment_link_id}`, {
      key,
    });
    expect(got.status).toBe(200);
    expect(got.body.payment_link).toEqual(created);

    const second = await link(key, { line_items: [{ price_id: mat.price_id, quantity: 3 }] });
    const page1 = await list(server, key, 'payment_links', '?limit=1');
    expect(page1.payment_links.map((l: any) => l.payment_link_id)).toEqual([
      second.payment_link_id,
    ]);
    expect(page1.has_more).toBe(true);
    const page2 = await list(
      server,
      key,
      'payment_links',
      `?limit=1&starting_after=${page1.next_cursor}`,
    );
    expect(page2.payment_links).toEqual([created]);
    expect(page2.has_more).toBe(false);
  });

  it('refuses unknown fields (400) and bad values (422 with loc)', async () => {
    const { testKey: key } = await createTestAccount(server);
    const mat = await price(key, 3500);
    const line = { price_id: mat.price_id, quantity: 1 };
    expectError(
      await createLink(key, { line_items: [line], color: 'red' }),
      400,
      'invalid_request',
      'parameter_unknown',
    );
    expectError(
      await createLink(key, { line_items: [{ ...line, amount: 5 }] }),
      400,
      'invalid_request',
      'parameter_unknown',
    );
    expectError(
      await createLink(key, { line_items: [] }),
      422,
      'validation_error',
      'parameter_invalid',
      [['payment_link', 'line_items']],
    );
    expectError(
      await createLink(key, { line_items: Array.from({ length: 21 }, () => line) }),
      422,
      'validation_error',
      'parameter_invalid',
      [['payment_link', 'line_items']],
    );
    expectError(
      await createLink(key, { line_items: [{ ...line, quantity: 1000 }] }),
      422,
      'validation_error',
      'parameter_invalid',
      [['payment_link', 'line_items', 0, 'quantity']],
    );
    expectError(
      await createLink(key, {
        line_items: [
          { ...line, quantity: 5, adjustable_quantity: { enabled: true, minimum: 1, maximum: 4 } },
        ],
      }),
      422,
      'validation_error',
      'parameter_invalid',
      [['payment_link', 'line_items', 0, 'quantity']],
    );
    expectError(
      await createLink(key, {
        line_items: [{ ...line, adjustable_quantity: { enabled: true, minimum: 5, maximum: 2 } }],
      }),
      422,
      'validation_error',
      'parameter_invalid',
      [['payment_link', 'line_items', 0, 'adjustable_quantity']],
    );
    for (const redirect_url of ['javascript:alert(1)', 'ftp://shop.example/x', 'not a url']) {
      const res = await createLink(key, { line_items: [line], after_completion: { redirect_url } });
      expect(res.status, redirect_url).toBe(422);
      expect(res.body.error.errors[0].loc).toEqual([
        'payment_link',
        'after_completion',
        'redirect_url',
      ]);
    }
    expect(await list(server, key, 'payment_links')).toMatchObject({ payment_links: [] });
  });

  it('checks every price: the caller’s, active, and all in one currency', async () => {
    const { testKey: key } = await createTestAccount(server);
    const other = await createTestAccount(server);
    const usd = await price(key, 3500);
    const eur = await price(key, 1200, 'EUR');
    const foreign = await price(other.testKey, 900);
    const archived = await price(key, 700);
    await request(server, 'PATCH', `/v1/prices/${archived.price_id}`, {
      key,
      body: { price: { active: false } },
    });
    const ok = { price_id: usd.price_id, quantity: 1 };
    expectMissing(
      await createLink(key, { line_items: [ok, { price_id: UNKNOWN.price, quantity: 1 }] }),
      'price',
      ['payment_link', 'line_items', 1, 'price_id'],
    );
    expectMissing(
      await createLink(key, { line_items: [{ price_id: foreign.price_id, quantity: 1 }] }),
      'price',
      ['payment_link', 'line_items', 0, 'price_id'],
    );
    expectError(
      await createLink(key, { line_items: [ok, { price_id: archived.price_id, quantity: 1 }] }),
      422,
      'validation_error',
      'parameter_invalid',
      [['payment_link', 'line_items', 1, 'price_id']],
    );
    expectError(
      await createLink(key, { line_items: [ok, { price_id: eur.price_id, quantity: 1 }] }),
      422,
      'validation_error',
      'currency_mismatch',
      [['payment_link', 'line_items', 1, 'price_id']],
    );
    // A live key does not see test prices either.
    const live = await createTestAccount(server);
    const testPrice = await price(live.testKey, 100);
    expectMissing(
      await createLink(live.liveKey, {
        line_items: [{ price_id: testPrice.price_id, quantity: 1 }],
      }),
      'price',
      ['payment_link', 'line_items', 0, 'price_id'],
    );
  });

  it('updates active and metadata with PATCH; other tenants and the other mode get 404', async () => {
    const account = await createTestAccount(server);
    const other = await createTestAccount(server);
    const key = account.testKey;
    const mat = await price(key, 3500);
    const created = await link(key, {
      line_items: [{ price_id: mat.price_id, quantity: 1 }],
      metadata: { a: '1', b: '2' },
    });
    const path = `/v1/payment_links/${created.payment_link_id}`;
    const patched = await request(server, 'PATCH', path, {
      key,
      body: { payment_link: { active: false, metadata: { a: '', c: '3' } } },
    });
    expect(patched.status, patched.text).toBe(200);
    expect(patched.body.payment_link).toMatchObject({
      active: false,
      metadata: { b: '2', c: '3' },
    });
    // Each change is an event, with what it changed.
    const events = (await list(server, key, 'events')).events;
    expect(events.map((e: any) => e.type)).toEqual([
      'payment_link.updated',
      'payment_link.created',
    ]);
    expect(events[0].data.object).toMatchObject({
      payment_link_id: created.payment_link_id,
      active: false,
    });
    expect(events[0].data.previous_attributes).toEqual({
      active: true,
      metadata: { a: '1', b: '2' },
    });
    expectError(
      await request(server, 'PATCH', path, { key, body: { payment_link: { line_items: [] } } }),
      400,
      'invalid_request',
      'parameter_unknown',
    );
    for (const k of [other.testKey, account.liveKey]) {
      expectMissing(await request(server, 'GET', path, { key: k }), 'payment link');
      expectMissing(
        await request(server, 'PATCH', path, { key: k, body: { payment_link: { active: true } } }),
        'payment link',
      );
      expect((await list(server, k, 'payment_links')).payment_links).toEqual([]);
    }
    expectError(await request(server, 'GET', path), 401, 'unauthorized', 'api_key_invalid');
  });
});

describe('the public link', () => {
  it('makes exactly one order and one open session per visit, and redirects to it', async () => {
    const { testKey: key } = await createTestAccount(server);
    const mat = await price(key, 3500);
    const blocks = await price(key, 1500);
    const created = await link(key, {
      line_items: [
        { price_id: mat.price_id, quantity: 1 },
        { price_id: blocks.price_id, quantity: 2 },
      ],
    });
    const res = await visit(`/pay/${created.payment_link_id}`);
    expect(res.status).toBe(303);
    const sessions = await sessionsOf(key);
    expect(sessions).toHaveLength(1);
    const [session] = sessions;
    expect(res.headers.get('location')).toBe(session.url);
    expect(session).toMatchObject({
      status: 'open',
      amount_subtotal: 6500,
      amount_total: 6500,
      currency: 'usd',
      success_url: `${created.url}/complete`,
      // Going back to the link would make another order: the page has no cancel link.
      cancel_url: null,
      metadata: { payment_link_id: created.payment_link_id },
    });
    expect(await orderCount(key)).toBe(1);
    const order = await request(server, 'GET', `/v1/orders/${session.order_id}`, { key });
    expect(order.body.order.net_amounts.total_money).toEqual({ amount: 6500, currency: 'USD' });
    expect(order.body.order.net_amounts.balance_money.amount).toBe(session.amount_total);
    expect(order.body.order.line_items.map((l: any) => [l.price_id, l.quantity])).toEqual([
      [mat.price_id, 1],
      [blocks.price_id, 2],
    ]);
    // The order names its link too, so the sale is found from either side.
    expect(order.body.order.metadata).toEqual({ payment_link_id: created.payment_link_id });
    const events = (await list(server, key, 'events')).events.map((e: any) => e.type);
    expect(events.sort()).toEqual([
      'checkout.session.created',
      'order.created',
      'payment_link.created',
    ]);

    const thanks = await visit(
      `/pay/${created.payment_link_id}/complete?session_id=${session.checkout_session_id}`,
    );
    expect(thanks.status).toBe(200);
    expect(thanks.headers.get('content-type')).toMatch(/^text\/html/);
  });

  it('sends the buyer to after_completion.redirect_url after paying', async () => {
    const { testKey: key } = await createTestAccount(server);
    const mat = await price(key, 3500);
    const created = await link(key, {
      line_items: [{ price_id: mat.price_id, quantity: 1 }],
      after_completion: { redirect_url: 'https://shop.example/thanks' },
    });
    expect((await visit(`/pay/${created.payment_link_id}`)).status).toBe(303);
    const [session] = await sessionsOf(key);
    expect(session.success_url).toBe('https://shop.example/thanks');
  });

  it('takes ?quantity within the adjustable bounds and refuses it outside them', async () => {
    const { testKey: key } = await createTestAccount(server);
    const mat = await price(key, 1000);
    const adjustable = await link(key, {
      line_items: [
        {
          price_id: mat.price_id,
          quantity: 2,
          adjustable_quantity: { enabled: true, minimum: 2, maximum: 5 },
        },
      ],
    });
    const fixed = await link(key, { line_items: [{ price_id: mat.price_id, quantity: 1 }] });
    const ok = await visit(`/pay/${adjustable.payment_link_id}?quantity=5&utm_source=mail`);
    expect(ok.status).toBe(303);
    const [session] = await sessionsOf(key);
    expect(session.amount_total).toBe(5000);
    for (const path of [
      `/pay/${adjustable.payment_link_id}?quantity=1`,
      `/pay/${adjustable.payment_link_id}?quantity=6`,
      `/pay/${adjustable.payment_link_id}?quantity=0`,
      `/pay/${adjustable.payment_link_id}?quantity=2.5`,
      `/pay/${adjustable.payment_link_id}?quantity=abc`,
      `/pay/${adjustable.payment_link_id}?quantity=99999999999999999999`,
      `/pay/${adjustable.payment_link_id}?quantity=2&quantity=3`,
      `/pay/${fixed.payment_link_id}?quantity=2`,
    ]) {
      const res = await visit(path);
      expect(res.status, path).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    }
    expect(await orderCount(key)).toBe(1);
  });

  it('answers an inactive link with 410 and an unknown one with 404, creating nothing', async () => {
    const { testKey: key } = await createTestAccount(server);
    const mat = await price(key, 1000);
    const created = await link(key, { line_items: [{ price_id: mat.price_id, quantity: 1 }] });
    await request(server, 'PATCH', `/v1/payment_links/${created.payment_link_id}`, {
      key,
      body: { payment_link: { active: false } },
    });
    const gone = await visit(`/pay/${created.payment_link_id}`);
    expect(gone.status).toBe(410);
    expect(gone.headers.get('content-type')).toMatch(/^text\/html/);
    expect(gone.text).toContain('no longer active');
    for (const path of [
      '/pay/plink_01m84sgeyjf21ada62ac1e65xf',
      '/pay/nonsense',
      `/pay/${'x'.repeat(200)}`,
    ]) {
      expect((await visit(path)).status, path).toBe(404);
    }
    expect(await orderCount(key)).toBe(0);
    // Only the link's own changes happened: no order, no session.
    const types = (await list(server, key, 'events')).events.map((e: any) => e.type);
    expect(types.sort()).toEqual(['payment_link.created', 'payment_link.updated']);
  });

  it('answers a link whose price was archived since with a page, not a 500', async () => {
    const { testKey: key } = await createTestAccount(server);
    const mat = await price(key, 1000);
    const created = await link(key, { line_items: [{ price_id: mat.price_id, quantity: 1 }] });
    await request(server, 'PATCH', `/v1/prices/${mat.price_id}`, {
      key,
      body: { price: { active: false } },
    });
    const res = await visit(`/pay/${created.payment_link_id}`);
    expect(res.status).toBe(409);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await orderCount(key)).toBe(0);
  });

  it('never reflects names or metadata unescaped', async () => {
    const { testKey: key } = await createTestAccount(server);
    const mat = await price(key, 1000, 'USD', XSS);
    const created = await link(key, {
      line_items: [{ price_id: mat.price_id, quantity: 1 }],
      metadata: { [XSS.slice(0, 40)]: XSS },
    });
    const got = await request(server, 'GET', `/v1/payment_links/${created.payment_link_id}`, {
      key,
    });
    expect(got.headers.get('content-type')).toMatch(/^application\/json/);
    expect(got.body.payment_link.metadata[XSS.slice(0, 40)]).toBe(XSS);
    for (const path of [
      `/pay/${created.payment_link_id}?quantity=${encodeURIComponent(XSS)}`,
      `/pay/${encodeURIComponent(XSS)}`,
    ]) {
      const res = await visit(path);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(res.text).not.toContain('<script');
    }
    await request(server, 'PATCH', `/v1/payment_links/${created.payment_link_id}`, {
      key,
      body: { payment_link: { active: false } },
    });
    const gone = await visit(`/pay/${created.payment_link_id}`);
    expect(gone.status).toBe(410);
    expect(gone.text).not.toContain('<script');
  });
});

describe('payment links and the existing hooks', () => {
  it('replays a create with the same Idempotency-Key instead of making a second link', async () => {
    const { testKey: key } = await createTestAccount(server);
    const mat = await price(key, 1000);
    const body = { payment_link: { line_items: [{ price_id: mat.price_id, quantity: 1 }] } };
    const headers = { 'idempotency-key': 'plink-once' };
    const first = await request(server, 'POST', '/v1/payment_links', { key, body, headers });
    const again = await request(server, 'POST', '/v1/payment_links', { key, body, headers });
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.text).toBe(first.text);
    expect((await list(server, key, 'payment_links')).payment_links).toHaveLength(1);
  });

  it('limits visits to the public link per address', async () => {
    const limited = await startTestServer();
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 61; i++) {
        const res = await fetch(`${limited.url}/pay/plink_01m84sgeyjf21ada62ac1e65xf`, {
          redirect: 'manual',
        });
        await res.text();
        statuses.push(res.status);
      }
      expect(statuses.slice(0, 60).every((s) => s === 404)).toBe(true);
      expect(statuses[60]).toBe(429);
    } finally {
      await limited.close();
    }
  });
});
