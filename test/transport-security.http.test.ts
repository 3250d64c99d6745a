import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFromEnv } from '../src/config.js';
import type { AppOptions } from '../src/http/app.js';
import { STRICT_TRANSPORT_SECURITY } from '../src/http/transport-headers.js';
import { createSession, hidden } from './checkout-page-client.js';
import { CONSOLE_PASSWORD, signedInUser } from './console-client.js';
import {
  createTestAccount,
  request,
  startTestServer,
  type TestAccount,
  type TestServer,
  testDatabase,
} from './harness.js';

// Issue 15 §3: behind a TLS-terminating proxy that FLINT_TRUST_PROXY names, the console's
// cookies are Secure and browsers are told to stay on HTTPS; API answers (which carry
// secrets once) are never cached; nothing Flint sends is content-sniffed.

const FORWARDED_HTTPS = { 'x-forwarded-proto': 'https' };

// The tests below start servers of their own: the shared database opens (and migrates) first.
beforeAll(() => testDatabase());

async function withServer(
  options: Partial<AppOptions>,
  use: (server: TestServer) => Promise<void>,
): Promise<void> {
  const server = await startTestServer(options);
  try {
    await use(server);
  } finally {
    await server.close();
  }
}

/** Signs in on the console's own login form, as a browser behind the proxy would. */
async function signIn(server: TestServer, email: string, headers: Record<string, string>) {
  const login = await fetch(`${server.url}/console/login`, { headers });
  const csrfCookie = login.headers.getSetCookie().find((c) => c.startsWith('flint_csrf='));
  const body = new URLSearchParams({
    csrf_token: hidden(await login.text(), 'csrf_token'),
    email,
    password: CONSOLE_PASSWORD,
  });
  const signedIn = await fetch(`${server.url}/console/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: {
      ...headers,
      'content-type': 'application/x-www-form-urlencoded',
      cookie: (csrfCookie ?? '').split(';')[0] ?? '',
    },
    body: body.toString(),
  });
  expect(signedIn.status).toBe(303);
  const session = signedIn.headers.getSetCookie().find((c) => c.startsWith('flint_console='));
  return { login, csrfCookie: csrfCookie ?? '', session: session ?? '' };
}

/** Whether a Set-Cookie line carries the Secure attribute. */
const secure = (cookie: string) => /;\s*secure(;|$)/i.test(cookie);

describe('behind a TLS-terminating proxy', () => {
  it.each<[string, AppOptions['trustProxy']]>([
    ['true', true],
    ['a hop count', 1],
    ["the proxy's address", ['127.0.0.1']],
  ])('trusted (%s): cookies are Secure and HSTS is sent over https only', async (_, trustProxy) => {
    await withServer({ trustProxy }, async (server) => {
      const account = await createTestAccount(server);
      const { email } = await signedInUser(server, account.liveKey);

      const overTls = await signIn(server, email, FORWARDED_HTTPS);
      expect(secure(overTls.csrfCookie), overTls.csrfCookie).toBe(true);
      expect(secure(overTls.session), overTls.session).toBe(true);
      expect(overTls.login.headers.get('strict-transport-security')).toBe(
        STRICT_TRANSPORT_SECURITY,
      );
      const api = await request(server, 'GET', '/v1/account', {
        key: account.testKey,
        headers: FORWARDED_HTTPS,
      });
      expect(api.headers.get('strict-transport-security')).toBe(STRICT_TRANSPORT_SECURITY);
      const error = await request(server, 'GET', '/v1/account', { headers: FORWARDED_HTTPS });
      expect(error.status).toBe(401);
      expect(error.headers.get('strict-transport-security')).toBe(STRICT_TRANSPORT_SECURITY);

      const plain = await signIn(server, email, {});
      expect(secure(plain.csrfCookie)).toBe(false);
      expect(secure(plain.session)).toBe(false);
      expect(plain.login.headers.get('strict-transport-security')).toBeNull();
    });
  });

  it.each<[string, AppOptions['trustProxy']]>([
    ['no setting', undefined],
    ['another address', ['10.0.0.1']],
  ])('not trusted (%s): a forwarded "https" is ignored', async (_, trustProxy) => {
    await withServer({ trustProxy }, async (server) => {
      const account = await createTestAccount(server);
      const { email } = await signedInUser(server, account.liveKey);
      const spoofed = await signIn(server, email, FORWARDED_HTTPS);
      expect(secure(spoofed.session)).toBe(false);
      expect(spoofed.login.headers.get('strict-transport-security')).toBeNull();
    });
  });
});

describe('every answer', () => {
  let server: TestServer;
  let account: TestAccount;
  beforeAll(async () => {
    server = await startTestServer();
    account = await createTestAccount(server);
  });
  afterAll(() => server.close());

  it('from the API, errors included, is no-store and nosniff', async () => {
    const answers = [
      // A secret shown once: no cache may keep it.
      await request(server, 'POST', '/v1/api_keys', {
        key: account.testKey,
        body: { api_key: {} },
      }),
      await request(server, 'GET', '/v1/account', { key: account.testKey }),
      await request(server, 'GET', '/v1/account'),
      await request(server, 'GET', '/v1/customers/cus_01h455vb4pex5vsknk084sn02q', {
        key: account.testKey,
      }),
      await request(server, 'POST', '/v1/customers', {
        key: account.testKey,
        body: { customer: { email: 3 } },
      }),
      await request(server, 'GET', '/v1/no_such_thing', { key: account.testKey }),
      await request(server, 'GET', '/v1/customers/%E0%A4%A', { key: account.testKey }),
    ];
    expect(answers.map((a) => a.status)).toEqual([200, 200, 401, 404, 422, 404, 400]);
    for (const answer of answers) {
      expect(answer.headers.get('cache-control'), answer.text).toBe('no-store');
      expect(answer.headers.get('x-content-type-options'), answer.text).toBe('nosniff');
      expect(answer.headers.get('strict-transport-security')).toBeNull();
    }
  });

  it('from a page (console, invite, checkout) is nosniff', async () => {
    const { invitePage } = await signedInUser(server, account.liveKey);
    const session = await createSession(server, account.testKey);
    const pages = [
      invitePage,
      await fetch(`${server.url}/console/login`),
      await fetch(`${server.url}/checkout/${session.checkout_session_id}`),
    ];
    for (const page of pages) {
      expect(page.status).toBe(200);
      expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });
});

describe('FLINT_TRUST_PROXY', () => {
  it('is true, false, a hop count or a list of proxy addresses; anything else stops the server', () => {
    const trust = (value?: string) => configFromEnv({ FLINT_TRUST_PROXY: value }).trustProxy;
    expect(trust()).toBe(false);
    expect(trust('false')).toBe(false);
    expect(trust('true')).toBe(true);
    expect(trust('2')).toBe(2);
    expect(trust('10.0.0.0/8, 127.0.0.1,loopback')).toEqual([
      '10.0.0.0/8',
      '127.0.0.1',
      'loopback',
    ]);
    for (const bad of ['yes', '0', 'proxy.example', '10.0.0.1;rm']) {
      expect(() => trust(bad), bad).toThrow(/FLINT_TRUST_PROXY/);
    }
  });
});
