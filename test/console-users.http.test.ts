import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError } from './catalog-fixtures.js';
import { createTestAccount, request, startTestServer, type TestServer } from './harness.js';

// The console users API validates its list and its invite like every other route.

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

let emails = 0;
const newEmail = () => `list${++emails}.${Date.now()}@shop.example`;

async function invite(key: string): Promise<string> {
  const res = await request(server, 'POST', '/v1/console_users', {
    key,
    body: { console_user: { email: newEmail(), role: 'viewer' } },
  });
  expect(res.status, res.text).toBe(200);
  return res.body.console_user.console_user_id;
}

async function inviteHash(id: string): Promise<string | null> {
  const row = await server.deps.db
    .selectFrom('console_users')
    .select('invite_token_hash')
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  return row.invite_token_hash;
}

describe('GET /v1/console_users', () => {
  it('pages newest first with limit and cursors, like every list', async () => {
    // console users are account-wide: only a live key changes them
    const { liveKey: key } = await createTestAccount(server);
    const ids = [await invite(key), await invite(key), await invite(key)];
    const first = await request(server, 'GET', '/v1/console_users?limit=2', { key });
    expect(first.status).toBe(200);
    expect(first.body.console_users.map((u: any) => u.console_user_id)).toEqual([ids[2], ids[1]]);
    expect(first.body.has_more).toBe(true);
    const rest = await request(
      server,
      'GET',
      `/v1/console_users?limit=2&starting_after=${first.body.next_cursor}`,
      { key },
    );
    expect(rest.body).toMatchObject({ has_more: false, next_cursor: null });
    expect(rest.body.console_users.map((u: any) => u.console_user_id)).toEqual([ids[0]]);
    const back = await request(server, 'GET', `/v1/console_users?ending_before=${ids[0]}`, {
      key,
    });
    expect(back.body.console_users.map((u: any) => u.console_user_id)).toEqual([ids[2], ids[1]]);
  });

  it.each([
    ['limit=-1', 'limit'],
    ['limit=0', 'limit'],
    ['limit=101', 'limit'],
    ['limit=abc', 'limit'],
    ['starting_after=xyz', 'starting_after'],
    ['ending_before=cus_01m84sgeyjf21ada62ac1e65xf', 'ending_before'],
  ])('answers ?%s with a 422 at %s', async (query, field) => {
    // console users are account-wide: only a live key changes them
    const { liveKey: key } = await createTestAccount(server);
    const res = await request(server, 'GET', `/v1/console_users?${query}`, { key });
    expectError(res, 422, 'validation_error', 'parameter_invalid', [[field]]);
  });

  it('answers both cursors at once with a 422, and an unknown parameter with a 400', async () => {
    // console users are account-wide: only a live key changes them
    const { liveKey: key } = await createTestAccount(server);
    const id = await invite(key);
    const both = await request(
      server,
      'GET',
      `/v1/console_users?starting_after=${id}&ending_before=${id}`,
      { key },
    );
    expectError(both, 422, 'validation_error', 'parameter_invalid', [['ending_before']]);
    const unknown = await request(server, 'GET', '/v1/console_users?role=owner', { key });
    expectError(unknown, 400, 'invalid_request', 'parameter_unknown', [['role']]);
  });
});

describe('POST /v1/console_users/{id}/invite', () => {
  it.each([
    ['null', 422, 'validation_error', 'parameter_invalid'],
    ['[]', 422, 'validation_error', 'parameter_invalid'],
    ['5', 422, 'validation_error', 'parameter_invalid'],
    ['"again"', 422, 'validation_error', 'parameter_invalid'],
    ['{"console_user":{}}', 400, 'invalid_request', 'parameter_unknown'],
    ['{"idempotency_key":5}', 422, 'validation_error', 'parameter_invalid'],
  ] as const)(
    'refuses the body %s and keeps the old invite link',
    async (raw, status, type, code) => {
      // console users are account-wide: only a live key changes them
      const { liveKey: key } = await createTestAccount(server);
      const id = await invite(key);
      const before = await inviteHash(id);
      const res = await request(server, 'POST', `/v1/console_users/${id}/invite`, { key, raw });
      expectError(res, status, type, code);
      expect(await inviteHash(id)).toBe(before);
    },
  );

  it('accepts no body, an empty object or an idempotency key, and issues a new link', async () => {
    // console users are account-wide: only a live key changes them
    const { liveKey: key } = await createTestAccount(server);
    const id = await invite(key);
    for (const options of [{}, { body: {} }, { body: { idempotency_key: `re-${id}` } }]) {
      const before = await inviteHash(id);
      const res = await request(server, 'POST', `/v1/console_users/${id}/invite`, {
        key,
        ...options,
      });
      expect(res.status, res.text).toBe(200);
      expect(res.body.console_user.invite_url).toMatch(/\/console\/invite\//);
      expect(await inviteHash(id)).not.toBe(before);
    }
  });
});
