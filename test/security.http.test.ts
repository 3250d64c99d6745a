import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_TOKEN,
  createTestAccount,
  request,
  startTestServer,
  type TestServer,
} from './harness.js';

// Generated from /openapi.json, so every route added later is covered without edits here.
interface Operation {
  readonly method: string;
  readonly path: string;
  readonly admin: boolean;
  /** `security: []`: authenticated otherwise than by a Flint key (a processor's signature). */
  readonly open: boolean;
  /** The smallest body the route's schema accepts (so the id, not the body, decides). */
  readonly body: Record<string, unknown> | undefined;
}

let server: TestServer;
let operations: Operation[];

/** A syntactically valid id for a path parameter such as `{customer_id}` (prefix from its pattern). */
function samplePath(
  path: string,
  parameters: { name: string; schema?: { pattern?: string } }[],
): string {
  return path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const pattern = parameters.find((p) => p.name === name)?.schema?.pattern ?? '';
    const prefix = /^\^(\w+)_/.exec(pattern)?.[1] ?? 'x';
    return `${prefix}_01h455vb4pex5vsknk084sn02q`;
  });
}

/** The smallest value a JSON schema accepts (required properties only). */
function minimalValue(schema: any): any {
  if (schema.anyOf) return minimalValue(schema.anyOf[0]);
  switch (schema.type) {
    case 'object':
      return Object.fromEntries(
        (schema.required ?? []).map((k: string) => [k, minimalValue(schema.properties[k])]),
      );
    case 'array':
      return Array.from({ length: schema.minItems ?? 0 }, () => minimalValue(schema.items));
    case 'string':
      return 'X'.repeat(schema.minLength ?? 1);
    case 'integer':
    case 'number':
      return schema.minimum ?? 0;
    case 'boolean':
      return false;
    default:
      return null;
  }
}

beforeAll(async () => {
  server = await startTestServer();
  const spec = (await request(server, 'GET', '/openapi.json')).body;
  operations = [];
  for (const [path, methods] of Object.entries<Record<string, any>>(spec.paths)) {
    for (const [method, op] of Object.entries<any>(methods)) {
      const admin = (op.security ?? []).some((s: object) => 'adminToken' in s);
      const schema = op.requestBody?.content?.['application/json']?.schema;
      const body = schema ? minimalValue(schema) : undefined;
      operations.push({
        method: method.toUpperCase(),
        path: samplePath(path, op.parameters ?? []),
        admin,
        open: Array.isArray(op.security) && op.security.length === 0,
        body,
      });
    }
  }
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
        expect(res.status, `${op.method} ${op.path}`).toBe(404);
        expect(res.body.error.type).toBe('not_found');
        expect(res.body.error.message).toMatch(/ does not exist$/);
      }
    }
  });
});
