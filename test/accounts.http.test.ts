import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_TOKEN,
  createTestAccount,
  request,
  startTestServer,
  type TestServer,
} from './harness.js';

const ACCOUNT_ID = /^acct_[0-9a-z]{26}$/;
const RFC3339_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

/** How many accounts carry this (unique) name. */
async function accountsNamed(name: string): Promise<number> {
  const rows = await server.deps.db
    .selectFrom('accounts')
    .select('id')
    .where('name', '=', name)
    .execute();
  return rows.length;
}

function createAccount(body: unknown, key: string | null = ADMIN_TOKEN) {
  return request(server, 'POST', '/v1/accounts', { key, body });
}

describe('POST /v1/accounts (admin)', () => {
  it('creates an account with a test and a live secret key', async () => {
    const name = `Acme ${randomUUID()}`;
    const res = await createAccount({ account: { name, metadata: { plan: 'gold' } } });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(['account', 'keys']);
    expect(res.body.account).toEqual({
      account_id: expect.stringMatching(ACCOUNT_ID),
      object: 'account',
      name,
      default_currency: 'USD',
      tax_shipping: false,
      metadata: { plan: 'gold' },
      created_at: expect.stringMatching(RFC3339_UTC),
      updated_at: expect.stringMatching(RFC3339_UTC),
    });
    expect(res.body.keys).toEqual({
      test_secret_key: expect.stringMatching(/^sk_test_[0-9A-Za-z]{32}$/),
      live_secret_key: expect.stringMatching(/^sk_live_[0-9A-Za-z]{32}$/),
    });
    expect(await accountsNamed(name)).toBe(1);
  });

  it('gives keys that select the account and their mode', async () => {
    const res = await createAccount({ account: { name: 'Modes' } });
    const { test_secret_key, live_secret_key } = res.body.keys;
    for (const [key, testMode] of [
      [test_secret_key, true],
      [live_secret_key, false],
    ] as const) {
      const me = await request(server, 'GET', '/v1/account', { key });
      expect(me.body.account.account_id).toBe(res.body.account.account_id);
      const customer = await request(server, 'POST', '/v1/customers', {
        key,
        body: { customer: {} },
      });
      expect(customer.body.customer.test_mode).toBe(testMode);
    }
  });

  it('accepts a lower-case currency and returns it upper-case', async () => {
    const res = await createAccount({ account: { name: 'Euro shop', default_currency: 'eur' } });
    expect(res.status).toBe(200);
    expect(res.body.account.default_currency).toBe('EUR');
    const me = await request(server, 'GET', '/v1/account', { key: res.body.keys.test_secret_key });
    expect(me.body.account.default_currency).toBe('EUR');
  });

  it.each(['ABC', 'US', 'usdd', '123', ''])(
    'rejects default_currency %j with a 422 at account.default_currency',
    async (currency) => {
      const name = `Bad currency ${randomUUID()}`;
      const res = await createAccount({ account: { name, default_currency: currency } });
      expect(res.status).toBe(422);
      expect(res.body.error.type).toBe('validation_error');
      expect(res.body.error.errors.map((e: any) => e.loc)).toEqual([
        ['account', 'default_currency'],
      ]);
      expect(await accountsNamed(name)).toBe(0);
    },
  );

  it.each([
    ['no Authorization header', null],
    ['a wrong admin token', 'test-admin-token-0123456780'],
    ['a prefix of the admin token', ADMIN_TOKEN.slice(0, -1)],
  ])('is a 401 with %s and creates nothing', async (_label, key) => {
    const name = `Unauthorized ${randomUUID()}`;
    const res = await createAccount({ account: { name } }, key);
    expect(res.status).toBe(401);
    expect(res.body.error).toMatchObject({ type: 'unauthorized', message: 'Invalid API key' });
    expect(await accountsNamed(name)).toBe(0);
  });

  it('does not take an API secret key as the admin token', async () => {
    const account = await createTestAccount(server);
    const name = `Secret key as admin ${randomUUID()}`;
    for (const key of [account.testKey, account.liveKey]) {
      const res = await createAccount({ account: { name } }, key);
      expect(res.status).toBe(401);
      expect(res.body.error).toMatchObject({ type: 'unauthorized', message: 'Invalid API key' });
    }
    expect(await accountsNamed(name)).toBe(0);
  });

  it('is closed when the server has no admin token', async () => {
    const closed = await startTestServer({ adminToken: undefined });
    try {
      const name = `Closed ${randomUUID()}`;
      for (const key of [null, ADMIN_TOKEN, '']) {
        const res = await request(closed, 'POST', '/v1/accounts', {
          key,
          body: { account: { name } },
        });
        expect(res.status).toBe(401);
        expect(res.body.error.type).toBe('unauthorized');
      }
      expect(await accountsNamed(name)).toBe(0);
    } finally {
      await closed.close();
    }
  });

  it('rejects a missing name with a 422 at account.name', async () => {
    const res = await createAccount({ account: {} });
    expect(res.status).toBe(422);
    expect(res.body.error.type).toBe('validation_error');
    expect(res.body.error.errors).toContainEqual(
      expect.objectContaining({ loc: ['account', 'name'], type: 'missing' }),
    );
  });
});

describe('GET /v1/account', () => {
  it("returns the calling key's account, from either mode", async () => {
    const a = await createTestAccount(server, 'Account A');
    const b = await createTestAccount(server, 'Account B');
    for (const [key, account] of [
      [a.testKey, a],
      [a.liveKey, a],
      [b.testKey, b],
    ] as const) {
      const res = await request(server, 'GET', '/v1/account', { key });
      expect(res.status).toBe(200);
      expect(res.body.account).toMatchObject({
        account_id: account.accountId,
        object: 'account',
        default_currency: 'USD',
      });
    }
    const resA = await request(server, 'GET', '/v1/account', { key: a.testKey });
    expect(resA.body.account.name).toBe('Account A');
  });

  it('does not accept the admin token', async () => {
    const res = await request(server, 'GET', '/v1/account', { key: ADMIN_TOKEN });
    expect(res.status).toBe(401);
    expect(res.body.error).toMatchObject({ type: 'unauthorized', message: 'Invalid API key' });
  });
});
