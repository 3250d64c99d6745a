import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Buyer, GOOD_CARD, hidden, lines } from './checkout-page-client.js';
import { signedInUser } from './console-client.js';
import {
  countRows,
  createTestAccount,
  request,
  startTestServer,
  type TestServer,
} from './harness.js';

// Embedded pay over HTTP: a checkout session with ui_mode "embedded" is framed only by its
// allowed origins, and its forms are defended without a cookie (a cross-site frame never
// sends a SameSite=Strict one): a token bound to the session, and the browser's fetch
// metadata. The browser test (test/e2e/embedded-checkout.test.ts) frames it across sites.

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ pageRateLimits: { pages: 1000, payments: 1000 } });
});
afterAll(() => server.close());

const SHOP = 'https://shop.example';
const RETURN_URL = 'https://shop.example/order/complete?ref=7';

function create(key: string, fields: Record<string, unknown>) {
  return request(server, 'POST', '/v1/checkout/sessions', {
    key,
    body: { checkout_session: { line_items: lines, ...fields } },
  });
}

async function embeddedSession(key: string, origins: string[] = [SHOP, 'http://localhost:3000']) {
  const res = await create(key, {
    ui_mode: 'embedded',
    allowed_origins: origins,
    return_url: RETURN_URL,
  });
  expect(res.status, res.text).toBe(200);
  return res.body.checkout_session as {
    checkout_session_id: string;
    order_id: string;
    url: string;
    ui_mode: string;
    allowed_origins: string[];
    return_url: string;
    success_url: string | null;
  };
}

function directives(headers: Headers): Map<string, string> {
  const policy = headers.get('content-security-policy') ?? '';
  return new Map(
    policy.split(';').map((d) => {
      const [name = '', ...rest] = d.trim().split(/\s+/);
      return [name, rest.join(' ')] as const;
    }),
  );
}

/** A browser's form POST from a page of `origin` (Chromium sends both headers). */
const sentFrom = (origin: string, site: string) => ({ origin, 'sec-fetch-site': site });

async function postForm(path: string, form: Record<string, string>, headers = {}) {
  const res = await fetch(server.url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form).toString(),
    redirect: 'manual',
  });
  return {
    status: res.status,
    headers: res.headers,
    location: res.headers.get('location'),
    text: await res.text(),
  };
}

async function orderStatus(key: string, orderId: string): Promise<string> {
  const res = await request(server, 'GET', `/v1/orders/${orderId}`, { key });
  return res.body.order.status;
}

describe('creating an embedded checkout session', () => {
  it('answers ui_mode, the normalized allowed_origins and return_url; a hosted one keeps its defaults', async () => {
    const { testKey: key } = await createTestAccount(server);
    const cs = await embeddedSession(key, ['https://Shop.Example/', 'http://localhost:3000', SHOP]);
    expect(cs.ui_mode).toBe('embedded');
    expect(cs.allowed_origins).toEqual([SHOP, 'http://localhost:3000']);
    expect(cs.return_url).toBe(RETURN_URL);
    expect(cs.success_url).toBeNull();
    expect(cs.url).toBe(`${server.url}/checkout/${cs.checkout_session_id}`);
    const read = await request(server, 'GET', `/v1/checkout/sessions/${cs.checkout_session_id}`, {
      key,
    });
    expect(read.body.checkout_session.allowed_origins).toEqual([SHOP, 'http://localhost:3000']);

    const hosted = await create(key, { success_url: 'https://shop.example/done' });
    expect(hosted.status).toBe(200);
    expect(hosted.body.checkout_session).toMatchObject({
      ui_mode: 'hosted',
      allowed_origins: [],
      return_url: null,
      success_url: 'https://shop.example/done',
    });
  });

  it.each([
    [{ ui_mode: 'embedded', return_url: RETURN_URL }, 'allowed_origins', /1 to 10/],
    [
      { ui_mode: 'embedded', allowed_origins: [], return_url: RETURN_URL },
      'allowed_origins',
      /1 to 10/,
    ],
    [{ ui_mode: 'embedded', allowed_origins: [SHOP] }, 'return_url', /needs a return_url/],
    [
      {
        ui_mode: 'embedded',
        allowed_origins: [SHOP],
        return_url: RETURN_URL,
        success_url: RETURN_URL,
      },
      'success_url',
      /uses return_url/,
    ],
    [
      {
        ui_mode: 'embedded',
        allowed_origins: [SHOP],
        return_url: RETURN_URL,
        cancel_url: RETURN_URL,
      },
      'cancel_url',
      /uses return_url/,
    ],
    [{ success_url: RETURN_URL, allowed_origins: [SHOP] }, 'allowed_origins', /embedded/],
    [{ success_url: RETURN_URL, return_url: RETURN_URL }, 'return_url', /success_url/],
    [{ ui_mode: 'hosted' }, 'success_url', /needs a success_url/],
    [{ ui_mode: 'framed', success_url: RETURN_URL }, 'ui_mode', /./],
    [
      { ui_mode: 'embedded', allowed_origins: [SHOP], return_url: 'javascript:alert(1)' },
      'return_url',
      /./,
    ],
    [
      {
        ui_mode: 'embedded',
        allowed_origins: Array.from({ length: 11 }, (_, i) => `https://s${i}.example`),
        return_url: RETURN_URL,
      },
      'allowed_origins',
      /./,
    ],
  ])('refuses %j (422 on %s), creating nothing', async (fields, field, message) => {
    const { accountId, testKey: key } = await createTestAccount(server);
    const res = await create(key, fields);
    expect(res.status, res.text).toBe(422);
    expect(res.body.error.code).toBe('parameter_invalid');
    expect(JSON.stringify(res.body.error)).toContain(field);
    expect(res.body.error.message).toMatch(message);
    expect(await countRows(server, 'checkout_sessions', accountId)).toBe(0);
    expect(await countRows(server, 'orders', accountId)).toBe(0);
  });

  it.each([
    'https://shop.example/checkout',
    'https://shop.example?x=1',
    'https://shop.example#top',
    'https://user:pw@shop.example',
    'https://*.shop.example',
    'ftp://shop.example',
    'shop.example',
    'null',
    '',
  ])('refuses the allowed origin %j: an origin is scheme, host and port only', async (origin) => {
    const { testKey: key } = await createTestAccount(server);
    const res = await create(key, {
      ui_mode: 'embedded',
      allowed_origins: [SHOP, origin],
      return_url: RETURN_URL,
    });
    expect(res.status, res.text).toBe(422);
    expect(res.body.error.code).toBe('parameter_invalid');
    expect(res.body.error.errors[0].loc).toEqual(['checkout_session', 'allowed_origins', 1]);
    expect(res.body.error.message).toMatch(/^allowed_origins\[1\] must be an origin/);
  });

  it('live mode takes https origins, and http only for localhost', async () => {
    const { liveKey } = await createTestAccount(server);
    const http = await create(liveKey, {
      ui_mode: 'embedded',
      allowed_origins: ['http://shop.example'],
      return_url: RETURN_URL,
    });
    expect(http.status).toBe(422);
    expect(http.body.error.message).toMatch(/https in live mode/);
    const ok = await create(liveKey, {
      ui_mode: 'embedded',
      allowed_origins: [SHOP, 'http://localhost:8080', 'http://127.0.0.1:8080'],
      return_url: RETURN_URL,
    });
    expect(ok.status, ok.text).toBe(200);
  });
});

describe("an embedded session's page", () => {
  it('may be framed by its allowed origins only, sets no cookie, and posts its forms to itself', async () => {
    const { testKey: key } = await createTestAccount(server);
    const cs = await embeddedSession(key);
    const page = await new Buyer(server).get(`/checkout/${cs.checkout_session_id}`);
    expect(page.status).toBe(200);
    const csp = directives(page.headers);
    expect(csp.get('frame-ancestors')).toBe(`${SHOP} http://localhost:3000`);
    expect(csp.get('form-action')).toBe("'self'");
    expect(page.headers.get('x-frame-options')).toBeNull();
    // Its own form posts carry their Origin (no-referrer would make it "null").
    expect(page.headers.get('referrer-policy')).toBe('same-origin');
    expect(page.headers.get('set-cookie')).toBeNull();
    expect(page.text).toContain(`data-origins="${SHOP} http://localhost:3000"`);
  });

  it("a hosted session's page (and another embedded session's) is framed by nobody else", async () => {
    const { testKey: key } = await createTestAccount(server);
    const hosted = await create(key, { success_url: 'https://shop.example/done' });
    const page = await new Buyer(server).get(
      `/checkout/${hosted.body.checkout_session.checkout_session_id}`,
    );
    expect(directives(page.headers).get('frame-ancestors')).toBe("'none'");
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(page.text).not.toContain('flint-embed');
    const other = await embeddedSession(key, ['https://other.example']);
    const otherPage = await new Buyer(server).get(`/checkout/${other.checkout_session_id}`);
    expect(directives(otherPage.headers).get('frame-ancestors')).toBe('https://other.example');
  });

  it('pays with the session-bound token and no cookie; the paid page tells the frame, and Continue leaves it for return_url', async () => {
    const { testKey: key } = await createTestAccount(server);
    const cs = await embeddedSession(key);
    const id = cs.checkout_session_id;
    const page = await new Buyer(server).get(`/checkout/${id}`);
    const paid = await postForm(
      `/checkout/${id}/pay`,
      {
        csrf_token: hidden(page.text, 'csrf_token'),
        attempt: hidden(page.text, 'attempt'),
        ...GOOD_CARD,
      },
      sentFrom(server.url, 'same-origin'),
    );
    expect(paid.status, paid.text).toBe(303);
    // Stays in the frame: its page is the one that tells the merchant's page.
    expect(paid.location).toBe(`/checkout/${id}`);
    expect(await orderStatus(key, cs.order_id)).toBe('PAID');
    const done = await new Buyer(server).get(`/checkout/${id}`);
    expect(done.status).toBe(200);
    expect(directives(done.headers).get('frame-ancestors')).toBe(`${SHOP} http://localhost:3000`);
    expect(done.text).toContain('data-status="complete"');
    const back = `${RETURN_URL}&amp;session_id=${id}`;
    expect(done.text).toContain(`data-return-url="${back}"`);
    expect(done.text).toContain(`<a id="continue" href="${back}" target="_top">Continue</a>`);
  });

  it('refuses a form without the token, with a forged one, with another session’s, or sent from another site; nothing is charged', async () => {
    const { testKey: key } = await createTestAccount(server);
    const cs = await embeddedSession(key);
    const other = await embeddedSession(key);
    const id = cs.checkout_session_id;
    const page = await new Buyer(server).get(`/checkout/${id}`);
    const token = hidden(page.text, 'csrf_token');
    const attempt = hidden(page.text, 'attempt');
    const otherPage = await new Buyer(server).get(`/checkout/${other.checkout_session_id}`);
    const [nonce = '', signature = ''] = token.split('.');
    const forged = [
      '',
      'x',
      `${nonce}.${'A'.repeat(signature.length)}`,
      `${'B'.repeat(nonce.length)}.${signature}`,
      `${token}.x`,
      hidden(otherPage.text, 'csrf_token'),
    ];
    const self = sentFrom(server.url, 'same-origin');
    for (const csrf_token of forged) {
      const res = await postForm(
        `/checkout/${id}/pay`,
        { csrf_token, attempt, ...GOOD_CARD },
        self,
      );
      expect(res.status, csrf_token).toBe(403);
      expect(res.text).toContain('Nothing was charged');
    }
    const missing = await postForm(`/checkout/${id}/pay`, { attempt, ...GOOD_CARD }, self);
    expect(missing.status).toBe(403);
    // The right token, posted by a page of another site (or said to be): refused.
    for (const headers of [
      sentFrom('https://evil.example', 'cross-site'),
      sentFrom(SHOP, 'cross-site'),
      { origin: 'https://evil.example' },
      { 'sec-fetch-site': 'same-site' },
      { origin: 'null' },
    ]) {
      const res = await postForm(
        `/checkout/${id}/pay`,
        { csrf_token: token, attempt, ...GOOD_CARD },
        headers,
      );
      expect(res.status, JSON.stringify(headers)).toBe(403);
    }
    // A hosted page's cookie token means nothing here.
    const hosted = await create(key, { success_url: 'https://shop.example/done' });
    const hostedBuyer = new Buyer(server);
    const hostedPage = await hostedBuyer.get(
      `/checkout/${hosted.body.checkout_session.checkout_session_id}`,
    );
    const cookieToken = await hostedBuyer.post(`/checkout/${id}/pay`, {
      csrf_token: hidden(hostedPage.text, 'csrf_token'),
      attempt,
      ...GOOD_CARD,
    });
    expect(cookieToken.status).toBe(403);
    const payments = await request(server, 'GET', `/v1/orders/${cs.order_id}`, { key });
    expect(payments.body.order.payments).toEqual([]);
    expect(payments.body.order.status).toBe('OPEN');
    // The real one, with no fetch metadata at all (a client that is no browser): accepted.
    const paid = await postForm(`/checkout/${id}/pay`, {
      csrf_token: token,
      attempt,
      ...GOOD_CARD,
    });
    expect(paid.status).toBe(303);
    expect(await orderStatus(key, cs.order_id)).toBe('PAID');
  });

  it('3-D Secure: the challenge is framed for the allowed origins and answered with its own bound token', async () => {
    const { testKey: key } = await createTestAccount(server);
    const cs = await embeddedSession(key);
    const id = cs.checkout_session_id;
    const self = sentFrom(server.url, 'same-origin');
    const page = await new Buyer(server).get(`/checkout/${id}`);
    const asked = await postForm(
      `/checkout/${id}/pay`,
      {
        csrf_token: hidden(page.text, 'csrf_token'),
        attempt: hidden(page.text, 'attempt'),
        ...GOOD_CARD,
        card_number: '4000 0025 0000 3155',
      },
      self,
    );
    expect(asked.status).toBe(303);
    const challenge = await new Buyer(server).get(`/checkout/${id}`);
    expect(challenge.text).toContain('Confirm your payment');
    expect(directives(challenge.headers).get('frame-ancestors')).toBe(
      `${SHOP} http://localhost:3000`,
    );
    expect(challenge.text).toContain('id="flint-embed"');
    const forged = await postForm(
      `/checkout/${id}/authenticate`,
      { csrf_token: 'x.y', result: 'succeed' },
      self,
    );
    expect(forged.status).toBe(403);
    const done = await postForm(
      `/checkout/${id}/authenticate`,
      { csrf_token: hidden(challenge.text, 'csrf_token'), result: 'succeed' },
      self,
    );
    expect(done.status).toBe(303);
    expect(done.location).toBe(`/checkout/${id}`);
    expect(await orderStatus(key, cs.order_id)).toBe('PAID');
  });

  it('its other pages are framed alike: a live account that cannot take cards yet, a refused form', async () => {
    const { liveKey } = await createTestAccount(server);
    const cs = await embeddedSession(liveKey, [SHOP]);
    const page = await new Buyer(server).get(`/checkout/${cs.checkout_session_id}`);
    expect(page.status).toBe(503);
    expect(page.text).toContain('Card payments are not available');
    expect(directives(page.headers).get('frame-ancestors')).toBe(SHOP);
    const { testKey } = await createTestAccount(server);
    const test = await embeddedSession(testKey, [SHOP]);
    const refused = await postForm(`/checkout/${test.checkout_session_id}/pay`, {
      csrf_token: 'x',
    });
    expect(refused.status).toBe(403);
    expect(directives(refused.headers).get('frame-ancestors')).toBe(SHOP);
  });

  it('a hosted page keeps its cookie defence: a form without the cookie is refused', async () => {
    const { testKey: key } = await createTestAccount(server);
    const hosted = await create(key, { success_url: 'https://shop.example/done' });
    const id = hosted.body.checkout_session.checkout_session_id;
    const page = await new Buyer(server).get(`/checkout/${id}`);
    expect(page.headers.get('set-cookie')).toMatch(/flint_csrf=.*SameSite=Strict/i);
    const res = await postForm(
      `/checkout/${id}/pay`,
      {
        csrf_token: hidden(page.text, 'csrf_token'),
        attempt: hidden(page.text, 'attempt'),
        ...GOOD_CARD,
      },
      sentFrom(server.url, 'same-origin'),
    );
    expect(res.status).toBe(403);
  });
});

describe('/js/flint.js', () => {
  it('is JavaScript any page may load, cached and revalidated by its ETag', async () => {
    const res = await fetch(`${server.url}/js/flint.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(res.headers.get('cache-control')).toMatch(/max-age=\d+/);
    expect(res.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    const etag = res.headers.get('etag') ?? '';
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
    const text = await res.text();
    expect(text).toContain('Flint');
    expect(text).not.toMatch(/\beval\(|new Function|innerHTML|postMessage\([^)]*'\*'/);
    const again = await fetch(`${server.url}/js/flint.js`, { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    const weak = await fetch(`${server.url}/js/flint.js`, {
      headers: { 'if-none-match': `W/${etag}` },
    });
    expect(weak.status).toBe(304);
    const stale = await fetch(`${server.url}/js/flint.js`, {
      headers: { 'if-none-match': '"old"' },
    });
    expect(stale.status).toBe(200);
  });
});

describe('the console', () => {
  it("shows how each of a sale's checkout sessions is shown: hosted, or embedded with its origins", async () => {
    const { testKey: key, liveKey } = await createTestAccount(server);
    const cs = await embeddedSession(key);
    const hosted = await request(server, 'POST', '/v1/checkout/sessions', {
      key,
      body: {
        checkout_session: { order_id: cs.order_id, success_url: 'https://shop.example/done' },
      },
    });
    expect(hosted.status, hosted.text).toBe(200);
    const { browser } = await signedInUser(server, liveKey);
    const sale = await browser.get(`/console/orders/${cs.order_id}?mode=test`);
    expect(sale.status, sale.text).toBe(200);
    expect(sale.text).toContain(`Embedded (${SHOP}, http://localhost:3000)`);
    expect(sale.text).toContain('<td data-label="Shown">Hosted</td>');
  });
});
