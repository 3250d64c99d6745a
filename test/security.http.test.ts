import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_TOKEN,
  createTestAccount,
  request,
  startTestServer,
  type TestServer,
} from './harness.js';
import { apiOperations, type Operation, sampleId } from './openapi-operations.js';

let server: TestServer;
let operations: Operation[];

beforeAll(async () => {
  server = await startTestServer();
  operations = (await apiOperations(server)).map((op) => ({
    ...op,
    path: op.path.replace(/\{(\w+)\}/g, (_, name: string) => sampleId(op.idPrefixes[name])),
  }));
});
afterAll(() => server.close());

describe('every API route', () => {
  it('is found in the OpenAPI document', () => {
    expect(operations.length).toBeGreaterThanOrEqual(9);
    expect(operations.filter((o) => o.admin).map((o) => `${o.method} ${o.path}`)).toEqual([
      'POST /v1/accounts',
    ]);
    expect(operations.filter((o) => o.open).map((o) => `${o.method} ${o.path}`)).toEqual([
      'POST /v1/processors/stripe/webhook',
    ]);
  });

  it('routes without a Flint key refuse an unsigned request, whatever key it carries', async () => {
    const account = await createTestAccount(server);
    for (const op of operations.filter((o) => o.open)) {
      for (const key of [null, account.testKey, ADMIN_TOKEN]) {
        const res = await request(server, op.method, op.path, { key, body: op.body });
        expect(res.status, `${op.method} ${op.path} with ${key}`).toBe(400);
        expect(res.body.error.type).toBe('invalid_request');
      }
    }
  });

  it('answers 401 "Invalid API key" without a key, with a malformed or unknown key, and with a revoked key', async () => {
    const account = await createTestAccount(server);
    const revoke = await request(server, 'POST', '/v1/api_keys', {
      key: account.testKey,
      body: { api_key: {} },
    });
    const revokedSecret = revoke.body.api_key.secret;
    await request(server, 'DELETE', `/v1/api_keys/${revoke.body.api_key.api_key_id}`, {
      key: account.testKey,
    });
    const badKeys: (string | null)[] = [
      null,
      'garbage',
      `sk_test_${'A'.repeat(32)}`,
      `sk_live_${'b'.repeat(32)}`,
      revokedSecret,
    ];
    for (const op of operations.filter((o) => !o.open)) {
      const keys = op.admin
        ? [...badKeys, account.testKey, account.liveKey]
        : [...badKeys, ADMIN_TOKEN];
      for (const key of keys) {
        const res = await request(server, op.method, op.path, { key, body: op.body });
        expect(res.status, `${op.method} ${op.path} with ${key}`).toBe(401);
        expect(res.body.error).toMatchObject({ type: 'unauthorized', message: 'Invalid API key' });
        expect(res.body.error.request_id).toBe(res.headers.get('request-id'));
      }
    }
  });

  it('answers 404 "… does not exist" for an id that is not the caller\'s, in either mode', async () => {
    const account = await createTestAccount(server);
    for (const op of operations.filter(
      (o) => !o.admin && /_01h455vb4pex5vsknk084sn02q/.test(o.path),
    )) {
      for (const key of [account.testKey, account.liveKey]) {
        const res = await request(server, op.method, op.path, { key, body: op.body });
        if (op.path.startsWith('/v1/test_helpers/') && key === account.liveKey) {
          // Test helpers answer a live key before looking anything up.
          expect(res.status, `${op.method} ${op.path}`).toBe(403);
          expect(res.body.error.code).toBe('test_mode_only');
          continue;
        }
        if (op.liveKeyOnly && key === account.testKey) {
          // Account-wide changes answer a test key before looking anything up.
          expect(res.status, `${op.method} ${op.path}`).toBe(403);
          expect(res.body.error.code).toBe('live_key_required');
          continue;
        }
        expect(res.status, `${op.method} ${op.path}`).toBe(404);
        expect(res.body.error.type).toBe('not_found');
        expect(res.body.error.message).toMatch(/ does not exist$/);
      }
    }
  });
});
