import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError, RFC3339_UTC } from './catalog-fixtures.js';
import { createTestAccount, request, startTestServer, type TestServer } from './harness.js';

let server: TestServer;
let keyless: TestServer;
beforeAll(async () => {
  server = await startTestServer({ encryptionKey: randomBytes(32) });
  keyless = await startTestServer();
});
afterAll(async () => {
  await server.close();
  await keyless.close();
});

const stripeKey = (mode: 'test' | 'live', prefix = 'sk') =>
  `${prefix}_${mode}_51${randomBytes(16).toString('hex')}`;
const webhookSecret = () => `whsec_${randomBytes(16).toString('hex')}`;

function put(key: string, processor: unknown, on: TestServer = server) {
  return request(on, 'PUT', '/v1/processor', { key, body: { processor } });
}
async function show(key: string) {
  const res = await request(server, 'GET', '/v1/processor', { key });
  expect(res.status, res.text).toBe(200);
  return res.body.processor;
}

describe('GET /v1/processor', () => {
  it('is the sandbox until the account chooses, in both modes', async () => {
    const account = await createTestAccount(server);
    const me = (await request(server, 'GET', '/v1/account', { key: account.testKey })).body.account;
    for (const [key, testMode] of [
      [account.testKey, true],
      [account.liveKey, false],
    ] as const) {
      expect(await show(key)).toEqual({
        account_id: account.accountId,
        object: 'processor',
        type: 'sandbox',
        stripe: null,
        test_mode: testMode,
        created_at: me.created_at,
        updated_at: me.created_at,
      });
    }
  });

  it('needs a valid key', async () => {
    const res = await request(server, 'GET', '/v1/processor', { key: 'sk_test_nope' });
    expectError(res, 401, 'unauthorized', 'api_key_invalid');
  });
});

describe('PUT /v1/processor', () => {
  it('sets Stripe for the caller’s mode and shows its secrets only redacted', async () => {
    const account = await createTestAccount(server);
    const secret = stripeKey('test');
    const whsec = webhookSecret();
    const res = await put(account.testKey, {
      type: 'stripe',
      secret_key: secret,
      webhook_secret: whsec,
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body.processor).toEqual({
      account_id: account.accountId,
      object: 'processor',
      type: 'stripe',
      stripe: {
        secret_key: `sk_test_…${secret.slice(-4)}`,
        webhook_secret: `whsec_…${whsec.slice(-4)}`,
        publishable_key: null,
      },
      test_mode: true,
      created_at: expect.stringMatching(RFC3339_UTC),
      updated_at: expect.stringMatching(RFC3339_UTC),
    });
    expect(res.text).not.toContain(secret.slice(8));
    expect(res.text).not.toContain(whsec.slice(6));
    expect(await show(account.testKey)).toEqual(res.body.processor);
    // The other mode is untouched.
    expect((await show(account.liveKey)).type).toBe('sandbox');
  });

  it('takes restricted keys, a live key in live mode, and no webhook secret', async () => {
    const account = await createTestAccount(server);
    const restricted = stripeKey('test', 'rk');
    const test = await put(account.testKey, { type: 'stripe', secret_key: restricted });
    expect(test.status, test.text).toBe(200);
    expect(test.body.processor.stripe).toEqual({
      secret_key: `rk_test_…${restricted.slice(-4)}`,
      webhook_secret: null,
      publishable_key: null,
    });
    const live = await put(account.liveKey, { type: 'stripe', secret_key: stripeKey('live') });
    expect(live.status, live.text).toBe(200);
    expect(live.body.processor).toMatchObject({ type: 'stripe', test_mode: false });
  });

  it('refuses a Stripe key of the other mode (422), naming the field', async () => {
    const account = await createTestAccount(server);
    for (const [key, secret] of [
      [account.testKey, stripeKey('live')],
      [account.testKey, stripeKey('live', 'rk')],
      [account.liveKey, stripeKey('test')],
    ] as const) {
      expectError(
        await put(key, { type: 'stripe', secret_key: secret }),
        422,
        'validation_error',
        'parameter_invalid',
        [['processor', 'secret_key']],
      );
    }
    expect((await show(account.testKey)).type).toBe('sandbox');
    expect((await show(account.liveKey)).type).toBe('sandbox');
  });

  it('validates every field: unknown fields 400, bad values 422', async () => {
    const { testKey: key } = await createTestAccount(server);
    const secret = stripeKey('test');
    const unknown = await put(key, { type: 'stripe', secret_key: secret, account_key: 'pk' });
    expectError(unknown, 400, 'invalid_request', 'parameter_unknown', [
      ['processor', 'account_key'],
    ]);
    const unknownRoot = await request(server, 'PUT', '/v1/processor', {
      key,
      body: { processor: { type: 'sandbox' }, extra: true },
    });
    expectError(unknownRoot, 400, 'invalid_request', 'parameter_unknown', [['extra']]);
    const cases: [unknown, (string | number)[]][] = [
      [{ type: 'adyen' }, ['processor', 'type']],
      [{}, ['processor', 'type']],
      [{ type: 'stripe' }, ['processor', 'secret_key']],
      [{ type: 'stripe', secret_key: 'pk_test_123' }, ['processor', 'secret_key']],
      [{ type: 'stripe', secret_key: 'sk_test_' }, ['processor', 'secret_key']],
      [{ type: 'stripe', secret_key: 42 }, ['processor', 'secret_key']],
      [
        { type: 'stripe', secret_key: secret, webhook_secret: 'secret' },
        ['processor', 'webhook_secret'],
      ],
      [{ type: 'sandbox', secret_key: secret }, ['processor', 'secret_key']],
      [{ type: 'sandbox', webhook_secret: webhookSecret() }, ['processor', 'webhook_secret']],
    ];
    for (const [processor, loc] of cases) {
      const res = await put(key, processor);
      expectError(res, 422, 'validation_error', 'parameter_invalid');
      expect(res.body.error.errors.map((e: any) => e.loc)).toContainEqual(loc);
    }
    expectError(
      await request(server, 'PUT', '/v1/processor', { key, body: {} }),
      422,
      'validation_error',
      'parameter_invalid',
      [['processor']],
    );
    expect((await show(key)).type).toBe('sandbox');
  });

  it('is per account: one account’s settings are invisible to another', async () => {
    const mine = await createTestAccount(server);
    const other = await createTestAccount(server);
    await put(mine.testKey, { type: 'stripe', secret_key: stripeKey('test') });
    expect(await show(other.testKey)).toMatchObject({
      account_id: other.accountId,
      type: 'sandbox',
      stripe: null,
    });
  });

  it('switching back to the sandbox keeps the Stripe keys on file (for Stripe’s refunds)', async () => {
    const account = await createTestAccount(server);
    const secret = stripeKey('test');
    await put(account.testKey, { type: 'stripe', secret_key: secret });
    const back = await put(account.testKey, { type: 'sandbox' });
    expect(back.status, back.text).toBe(200);
    expect(back.body.processor).toMatchObject({
      type: 'sandbox',
      stripe: { secret_key: `sk_test_…${secret.slice(-4)}`, webhook_secret: null },
    });
    const replaced = await put(account.testKey, { type: 'stripe', secret_key: stripeKey('test') });
    expect(replaced.body.processor.stripe.secret_key).not.toBe(
      back.body.processor.stripe.secret_key,
    );
  });

  it('without FLINT_ENCRYPTION_KEY a Stripe key is refused with a 409 naming it; the sandbox is fine', async () => {
    const account = await createTestAccount(keyless);
    const res = await put(
      account.testKey,
      { type: 'stripe', secret_key: stripeKey('test') },
      keyless,
    );
    expectError(res, 409, 'conflict', 'encryption_key_missing');
    expect(res.body.error.message).toContain('FLINT_ENCRYPTION_KEY');
    const sandbox = await put(account.testKey, { type: 'sandbox' }, keyless);
    expect(sandbox.status, sandbox.text).toBe(200);
  });
});

describe('Stripe secrets at rest', () => {
  /** Every table of the schema with a row whose text form contains `needle`. */
  async function tablesContaining(needle: string): Promise<string[]> {
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

  it('are stored sealed, never in plaintext, in any table', async () => {
    const account = await createTestAccount(server);
    const secret = stripeKey('test');
    const whsec = webhookSecret();
    await put(account.testKey, { type: 'stripe', secret_key: secret, webhook_secret: whsec });
    await show(account.testKey);
    // The random part alone, so that a secret stored without its prefix is caught too.
    expect(await tablesContaining(secret.slice(10))).toEqual([]);
    expect(await tablesContaining(whsec.slice(6))).toEqual([]);
    // The scan finds what is there: the redacted form, in the settings table only.
    expect(await tablesContaining(`…${secret.slice(-4)}`)).toContain('processor_settings');
    const row = await server.deps.db
      .selectFrom('processor_settings')
      .selectAll()
      .where('account_id', '=', account.accountId)
      .executeTakeFirstOrThrow();
    expect(row.stripe_secret_key).toMatch(/^v2\./);
    expect(row.stripe_webhook_secret).toMatch(/^v2\./);
  });
});
