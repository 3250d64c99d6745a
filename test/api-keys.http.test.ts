import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_TOKEN,
  createTestAccount,
  request,
  startTestServer,
  type TestServer,
} from './harness.js';

const KEY_ID = /^key_[0-9a-z]{26}$/;
const RFC3339_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

async function createKey(key: string, fields: Record<string, unknown> = {}, headers = {}) {
  const res = await request(server, 'POST', '/v1/api_keys', {
    key,
    body: { api_key: fields },
    headers,
  });
  expect(res.status).toBe(200);
  return res.body.api_key;
}

async function listKeys(key: string): Promise<any[]> {
  const res = await request(server, 'GET', '/v1/api_keys?limit=100', { key });
  expect(res.status).toBe(200);
  expect(res.text).not.toContain('"secret"');
  return res.body.api_keys;
}

function expectInvalidApiKey(res: { status: number; body: any; headers: Headers }) {
  expect(res.status).toBe(401);
  expect(res.body.error).toMatchObject({ type: 'unauthorized', message: 'Invalid API key' });
  expect(res.body.error.request_id).toBe(res.headers.get('request-id'));
}

describe('POST /v1/api_keys', () => {
  it('returns the secret once, in the mode of the calling key', async () => {
    const account = await createTestAccount(server);
    const created = await createKey(account.testKey, { name: 'CI' });
    expect(created).toEqual({
      api_key_id: expect.stringMatching(KEY_ID),
      object: 'api_key',
      name: 'CI',
      redacted: expect.any(String),
      secret: expect.stringMatching(/^sk_test_[0-9A-Za-z]{32}$/),
      test_mode: true,
      created_at: expect.stringMatching(RFC3339_UTC),
      last_used_at: null,
      revoked_at: null,
    });
    expect(created.redacted).toBe(`sk_test_…${created.secret.slice(-4)}`);
    expect(created.redacted).not.toContain(created.secret.slice(8, -4));

    const listed = (await listKeys(account.testKey)).find(
      (k) => k.api_key_id === created.api_key_id,
    );
    const { secret: _secret, ...withoutSecret } = created;
    expect(listed).toEqual(withoutSecret);
  });

  it('creates a live key from a live key', async () => {
    const account = await createTestAccount(server);
    const created = await createKey(account.liveKey);
    expect(created.secret).toMatch(/^sk_live_[0-9A-Za-z]{32}$/);
    expect(created.test_mode).toBe(false);
    expect(created.name).toBeNull();
  });

  it('issues a key that authenticates as the same account and mode', async () => {
    const account = await createTestAccount(server);
    const created = await createKey(account.testKey);
    const me = await request(server, 'GET', '/v1/account', { key: created.secret });
    expect(me.status).toBe(200);
    expect(me.body.account.account_id).toBe(account.accountId);
    const customer = await request(server, 'POST', '/v1/customers', {
      key: created.secret,
      body: { customer: { name: 'via new key' } },
    });
    expect(customer.body.customer.test_mode).toBe(true);
    const seenByOriginal = await request(
      server,
      'GET',
      `/v1/customers/${customer.body.customer.customer_id}`,
      { key: account.testKey },
    );
    expect(seenByOriginal.status).toBe(200);
  });

  it.each([
    ['an empty name', { name: '' }],
    ['a name of 101 characters', { name: 'n'.repeat(101) }],
    ['a numeric name', { name: 7 }],
  ])('rejects %s with a 422 at api_key.name', async (_label, fields) => {
    const account = await createTestAccount(server);
    const res = await request(server, 'POST', '/v1/api_keys', {
      key: account.testKey,
      body: { api_key: fields },
    });
    expect(res.status).toBe(422);
    expect(res.body.error.type).toBe('validation_error');
    expect(res.body.error.errors.map((e: any) => e.loc)).toEqual([['api_key', 'name']]);
    expect(await listKeys(account.testKey)).toHaveLength(1);
  });
});

describe('GET /v1/api_keys', () => {
  it('never includes a secret', async () => {
    const account = await createTestAccount(server);
    const created = await createKey(account.testKey, { name: 'listed' });
    const res = await request(server, 'GET', '/v1/api_keys', { key: account.testKey });
    expect(res.status).toBe(200);
    expect(res.body.api_keys).toHaveLength(2);
    for (const key of res.body.api_keys) expect(key).not.toHaveProperty('secret');
    expect(res.text).not.toContain(created.secret);
    expect(res.text).not.toContain(account.testKey);
  });

  it('shows a test key only the test-mode keys and a live key only the live-mode keys', async () => {
    const account = await createTestAccount(server);
    const extraTest = await createKey(account.testKey, { name: 'extra test' });
    const extraLive = await createKey(account.liveKey, { name: 'extra live' });

    const testKeys = await listKeys(account.testKey);
    const liveKeys = await listKeys(account.liveKey);
    expect(testKeys).toHaveLength(2);
    expect(liveKeys).toHaveLength(2);
    expect(testKeys.every((k) => k.test_mode === true)).toBe(true);
    expect(liveKeys.every((k) => k.test_mode === false)).toBe(true);
    expect(testKeys.map((k) => k.api_key_id)).toContain(extraTest.api_key_id);
    expect(liveKeys.map((k) => k.api_key_id)).toContain(extraLive.api_key_id);
    const liveIds = new Set(liveKeys.map((k) => k.api_key_id));
    expect(testKeys.filter((k) => liveIds.has(k.api_key_id))).toEqual([]);
  });

  it('lists newest first', async () => {
    const account = await createTestAccount(server);
    const a = await createKey(account.testKey, { name: 'a' });
    const b = await createKey(account.testKey, { name: 'b' });
    const ids = (await listKeys(account.testKey)).map((k) => k.api_key_id);
    expect(ids.slice(0, 2)).toEqual([b.api_key_id, a.api_key_id]);
  });

  it('does not show another account its keys', async () => {
    const mine = await createTestAccount(server);
    const other = await createTestAccount(server);
    const created = await createKey(other.testKey);
    const ids = (await listKeys(mine.testKey)).map((k) => k.api_key_id);
    expect(ids).not.toContain(created.api_key_id);
  });

  it('sets last_used_at once a key has been used', async () => {
    const account = await createTestAccount(server);
    const created = await createKey(account.testKey, { name: 'unused' });
    const before = (await listKeys(account.testKey)).find(
      (k) => k.api_key_id === created.api_key_id,
    );
    expect(before.last_used_at).toBeNull();

    const used = await request(server, 'GET', '/v1/customers', { key: created.secret });
    expect(used.status).toBe(200);

    const after = (await listKeys(account.testKey)).find(
      (k) => k.api_key_id === created.api_key_id,
    );
    expect(after.last_used_at).toMatch(RFC3339_UTC);
    expect(Date.parse(after.last_used_at)).toBeGreaterThanOrEqual(Date.parse(created.created_at));
  });
});

describe('DELETE /v1/api_keys/{api_key_id}', () => {
  it('revokes a key: it gets 401 "Invalid API key" from then on', async () => {
    const account = await createTestAccount(server);
    const created = await createKey(account.testKey);
    expect((await request(server, 'GET', '/v1/account', { key: created.secret })).status).toBe(200);

    const revoked = await request(server, 'DELETE', `/v1/api_keys/${created.api_key_id}`, {
      key: account.testKey,
    });
    expect(revoked.status).toBe(200);
    expect(revoked.body.api_key).toMatchObject({
      api_key_id: created.api_key_id,
      object: 'api_key',
      revoked_at: expect.stringMatching(RFC3339_UTC),
    });
    expect(revoked.body.api_key).not.toHaveProperty('secret');

    expectInvalidApiKey(await request(server, 'GET', '/v1/account', { key: created.secret }));
    expectInvalidApiKey(
      await request(server, 'POST', '/v1/customers', {
        key: created.secret,
        body: { customer: {} },
      }),
    );
    // The calling key is untouched.
    expect((await request(server, 'GET', '/v1/account', { key: account.testKey })).status).toBe(
      200,
    );
    const listed = (await listKeys(account.testKey)).find(
      (k) => k.api_key_id === created.api_key_id,
    );
    expect(listed.revoked_at).toBe(revoked.body.api_key.revoked_at);
  });

  it('lets a key revoke itself', async () => {
    const account = await createTestAccount(server);
    const created = await createKey(account.testKey);
    const res = await request(server, 'DELETE', `/v1/api_keys/${created.api_key_id}`, {
      key: created.secret,
    });
    expect(res.status).toBe(200);
    expectInvalidApiKey(await request(server, 'GET', '/v1/api_keys', { key: created.secret }));
  });

  it('returns an already revoked key as it is', async () => {
    const account = await createTestAccount(server);
    const created = await createKey(account.testKey);
    const first = await request(server, 'DELETE', `/v1/api_keys/${created.api_key_id}`, {
      key: account.testKey,
    });
    const second = await request(server, 'DELETE', `/v1/api_keys/${created.api_key_id}`, {
      key: account.testKey,
    });
    expect(second.status).toBe(200);
    expect(second.body.api_key.revoked_at).toBe(first.body.api_key.revoked_at);
  });

  it("is a 404 for another account's key, which keeps working", async () => {
    const mine = await createTestAccount(server);
    const other = await createTestAccount(server);
    const theirs = await createKey(other.testKey);
    const res = await request(server, 'DELETE', `/v1/api_keys/${theirs.api_key_id}`, {
      key: mine.testKey,
    });
    expect(res.status).toBe(404);
    expect(res.body.error).toMatchObject({
      type: 'not_found',
      code: 'resource_missing',
      message: 'api key does not exist',
    });
    expect((await request(server, 'GET', '/v1/account', { key: theirs.secret })).status).toBe(200);
  });

  it('is a 404 for a key of the other mode of the same account', async () => {
    const account = await createTestAccount(server);
    const testKey = await createKey(account.testKey);
    const res = await request(server, 'DELETE', `/v1/api_keys/${testKey.api_key_id}`, {
      key: account.liveKey,
    });
    expect(res.status).toBe(404);
    expect(res.body.error.type).toBe('not_found');
    expect((await request(server, 'GET', '/v1/account', { key: testKey.secret })).status).toBe(200);
  });
});

describe('secret keys at rest', () => {
  /** Every row of every table of the schema whose text form contains `needle`. */
  async function rowsContaining(needle: string): Promise<string[]> {
    const { db } = server.deps;
    const tables = await sql<{ table_name: string }>`
      select table_name from information_schema.tables
      where table_schema = current_schema() and table_type = 'BASE TABLE'`.execute(db);
    const hits: string[] = [];
    for (const { table_name } of tables.rows) {
      const found = await sql<{ n: number }>`
        select count(*)::int as n from ${sql.table(table_name)} as t
        where strpos(t::text, ${needle}) > 0`.execute(db);
      if ((found.rows[0]?.n ?? 0) > 0) hits.push(table_name);
    }
    return hits;
  }

  async function expectNowhereInDatabase(secrets: string[]) {
    for (const secret of secrets) {
      // The random part alone, so that a key stored without its prefix is caught too.
      expect(await rowsContaining(secret.slice(8))).toEqual([]);
    }
  }

  it('checks the tables it scans: accounts, api_keys, customers, idempotency_keys, settings', async () => {
    const { db } = server.deps;
    const tables = await sql<{ table_name: string }>`
      select table_name from information_schema.tables
      where table_schema = current_schema() and table_type = 'BASE TABLE'`.execute(db);
    const names = tables.rows.map((r) => r.table_name);
    for (const table of ['accounts', 'api_keys', 'customers', 'idempotency_keys', 'settings']) {
      expect(names).toContain(table);
    }
    // The scan itself finds a value that is there.
    const account = await createTestAccount(server, 'needle-account-name-7f3a');
    expect(account.accountId).toMatch(/^acct_/);
    expect(await rowsContaining('needle-account-name-7f3a')).toEqual(['accounts']);
  });

  it('stores no plaintext secret key anywhere after creating accounts and keys', async () => {
    const account = await createTestAccount(server);
    const extraTest = await createKey(account.testKey, { name: 'extra' });
    const extraLive = await createKey(account.liveKey);
    // Use every key once, so that nothing written on authentication leaks it either.
    for (const key of [account.testKey, account.liveKey, extraTest.secret, extraLive.secret]) {
      expect((await request(server, 'GET', '/v1/account', { key })).status).toBe(200);
    }
    await expectNowhereInDatabase([
      account.testKey,
      account.liveKey,
      extraTest.secret,
      extraLive.secret,
    ]);
  });

  it('stores no plaintext secret key when the key is created with an Idempotency-Key', async () => {
    const account = await createTestAccount(server);
    const created = await createKey(
      account.testKey,
      { name: 'idempotent' },
      { 'idempotency-key': `key-create-${account.accountId}` },
    );
    await expectNowhereInDatabase([created.secret]);

    // The replay is the same key, without its secret: a secret is shown exactly once.
    const replay = await request(server, 'POST', '/v1/api_keys', {
      key: account.testKey,
      body: { api_key: { name: 'idempotent' } },
      headers: { 'idempotency-key': `key-create-${account.accountId}` },
    });
    expect(replay.status).toBe(200);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body.api_key.api_key_id).toBe(created.api_key_id);
    expect(replay.body.api_key).not.toHaveProperty('secret');
    expect(replay.text).not.toContain(created.secret);
  });

  it('keeps the admin token out of the database', async () => {
    await createTestAccount(server);
    expect(await rowsContaining(ADMIN_TOKEN)).toEqual([]);
  });
});
