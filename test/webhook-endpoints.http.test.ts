import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_TYPES } from '../src/domain/event-types.js';
import type { HostResolver } from '../src/ports/host-resolver.js';
import { expectError, expectMissing, RFC3339_UTC } from './catalog-fixtures.js';
import { createTestAccount, request, startTestServer, type TestServer } from './harness.js';
import { createdEndpoint, createEndpoint as postEndpoint } from './webhook-fixtures.js';

// Every name resolves to a public address here (no DNS in tests).
const resolver: HostResolver = async () => [{ address: '93.184.215.14', family: 4 }];

let server: TestServer;
let keyless: TestServer;
beforeAll(async () => {
  server = await startTestServer({ encryptionKey: randomBytes(32), resolver });
  keyless = await startTestServer({ resolver });
});
afterAll(async () => {
  await server.close();
  await keyless.close();
});

const UNKNOWN_ENDPOINT = 'we_01m84sgeyjf21ada62ac1e65xf';

function createEndpoint(key: string, fields: Record<string, unknown>, on: TestServer = server) {
  return postEndpoint(on, key, fields);
}

function created(key: string, fields: Record<string, unknown> = {}) {
  return createdEndpoint(server, key, {
    url: 'https://hooks.example.com/flint',
    enabled_events: ['order.created'],
    ...fields,
  });
}

describe('POST /v1/webhook_endpoints', () => {
  it('creates an endpoint and shows its whsec_ secret only in that response', async () => {
    const account = await createTestAccount(server);
    const res = await createEndpoint(account.testKey, {
      url: 'https://hooks.example.com/flint?source=flint',
      enabled_events: ['order.created', 'refund.succeeded'],
      description: 'Orders to the CRM',
      metadata: { team: 'crm' },
    });
    expect(res.status, res.text).toBe(200);
    const endpoint = res.body.webhook_endpoint;
    expect(endpoint).toEqual({
      webhook_endpoint_id: expect.stringMatching(/^we_[0-9a-z]{26}$/),
      object: 'webhook_endpoint',
      url: 'https://hooks.example.com/flint?source=flint',
      enabled_events: ['order.created', 'refund.succeeded'],
      description: 'Orders to the CRM',
      metadata: { team: 'crm' },
      status: 'enabled',
      disabled_reason: null,
      failing_since: null,
      previous_secret_expires_at: null,
      test_mode: true,
      created_at: expect.stringMatching(RFC3339_UTC),
      updated_at: endpoint.created_at,
      secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]{43}=$/),
    });
    // A secret the standardwebhooks library accepts.
    expect(() => new Webhook(endpoint.secret)).not.toThrow();

    const shown = await request(
      server,
      'GET',
      `/v1/webhook_endpoints/${endpoint.webhook_endpoint_id}`,
      {
        key: account.testKey,
      },
    );
    expect(shown.status).toBe(200);
    const { secret: _secret, ...withoutSecret } = endpoint;
    expect(shown.body.webhook_endpoint).toEqual(withoutSecret);
    expect(shown.text).not.toContain(endpoint.secret.slice(6));
  });

  it('replays a retried create without the secret (shown exactly once)', async () => {
    const account = await createTestAccount(server);
    const send = () =>
      request(server, 'POST', '/v1/webhook_endpoints', {
        key: account.testKey,
        headers: { 'idempotency-key': 'endpoint-1' },
        body: { webhook_endpoint: { url: 'http://127.0.0.1:9/x', enabled_events: ['*'] } },
      });
    const first = await send();
    expect(first.body.webhook_endpoint.secret).toMatch(/^whsec_/);
    const replay = await send();
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body.webhook_endpoint.webhook_endpoint_id).toBe(
      first.body.webhook_endpoint.webhook_endpoint_id,
    );
    expect(replay.body.webhook_endpoint.secret).toBeUndefined();
  });

  it('accepts every known event type and "*", and refuses others with their loc', async () => {
    const account = await createTestAccount(server);
    const all = await created(account.testKey, { enabled_events: [...EVENT_TYPES] });
    expect(all.enabled_events).toEqual([...EVENT_TYPES]);
    expect((await created(account.testKey, { enabled_events: ['*'] })).enabled_events).toEqual([
      '*',
    ]);
    const cases: [unknown, (string | number)[]][] = [
      [
        ['order.created', 'order.exploded'],
        ['webhook_endpoint', 'enabled_events', 1],
      ],
      [[], ['webhook_endpoint', 'enabled_events']],
      [
        ['order.created', 'order.created'],
        ['webhook_endpoint', 'enabled_events'],
      ],
      ['order.created', ['webhook_endpoint', 'enabled_events']],
      [[42], ['webhook_endpoint', 'enabled_events', 0]],
    ];
    for (const [enabled_events, loc] of cases) {
      const res = await createEndpoint(account.testKey, {
        url: 'https://hooks.example.com/',
        enabled_events,
      });
      expectError(res, 422, 'validation_error', 'parameter_invalid');
      expect(res.body.error.errors.map((e: any) => e.loc)).toContainEqual(loc);
    }
  });

  it('validates every field: url, description, metadata, unknown fields', async () => {
    const account = await createTestAccount(server);
    const url = ['webhook_endpoint', 'url'];
    const bad: [Record<string, unknown>, number, (string | number)[]][] = [
      [{ url: 'not a url' }, 422, url],
      [{ url: 'ftp://hooks.example.com/' }, 422, url],
      [{ url: 'javascript:alert(1)' }, 422, url],
      [{ url: 'https://user:pass@hooks.example.com/' }, 422, url],
      [{ url: 'https://token@hooks.example.com/' }, 422, url],
      [{ url: `https://hooks.example.com/${'a'.repeat(2048)}` }, 422, url],
      [{ url: '' }, 422, url],
      [{ url: 42 }, 422, url],
      [{ description: 'x'.repeat(1001) }, 422, ['webhook_endpoint', 'description']],
      [{ metadata: { k: 1 } }, 422, ['webhook_endpoint', 'metadata', 'k']],
      [{ secret: 'whsec_mine' }, 400, ['webhook_endpoint', 'secret']],
    ];
    for (const [fields, status, loc] of bad) {
      const res = await createEndpoint(account.testKey, {
        url: 'https://hooks.example.com/',
        enabled_events: ['*'],
        ...fields,
      });
      expect(res.status, JSON.stringify(fields)).toBe(status);
      expect(res.body.error.errors.map((e: any) => e.loc)).toContainEqual(loc);
    }
    const missing = await createEndpoint(account.testKey, { url: 'https://hooks.example.com/' });
    expectError(missing, 422, 'validation_error', 'parameter_invalid', [
      ['webhook_endpoint', 'enabled_events'],
    ]);
    const list = await request(server, 'GET', '/v1/webhook_endpoints', { key: account.testKey });
    expect(list.body.webhook_endpoints).toEqual([]);
  });

  it('answers 409 encryption_key_missing when the server cannot seal secrets', async () => {
    const account = await createTestAccount(keyless);
    const res = await createEndpoint(
      account.testKey,
      { url: 'https://hooks.example.com/', enabled_events: ['*'] },
      keyless,
    );
    expectError(res, 409, 'conflict', 'encryption_key_missing');
  });
});

describe('managing endpoints', () => {
  it('lists newest first with keyset pagination, per mode', async () => {
    const account = await createTestAccount(server);
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await created(account.testKey)).webhook_endpoint_id);
    await created(account.liveKey);
    const first = await request(server, 'GET', '/v1/webhook_endpoints?limit=2', {
      key: account.testKey,
    });
    expect(first.body.webhook_endpoints.map((e: any) => e.webhook_endpoint_id)).toEqual([
      ids[2],
      ids[1],
    ]);
    expect(first.body.has_more).toBe(true);
    const next = await request(
      server,
      'GET',
      `/v1/webhook_endpoints?limit=2&starting_after=${first.body.next_cursor}`,
      { key: account.testKey },
    );
    expect(next.body).toEqual({
      webhook_endpoints: [expect.objectContaining({ webhook_endpoint_id: ids[0] })],
      has_more: false,
      next_cursor: null,
    });
  });

  it('updates url, enabled_events, description, metadata and disabled', async () => {
    const account = await createTestAccount(server);
    const endpoint = await created(account.testKey, { metadata: { a: '1', b: '2' } });
    const path = `/v1/webhook_endpoints/${endpoint.webhook_endpoint_id}`;
    const patch = (fields: unknown) =>
      request(server, 'PATCH', path, { key: account.testKey, body: { webhook_endpoint: fields } });
    const updated = await patch({
      url: 'https://hooks.example.com/v2',
      enabled_events: ['refund.failed'],
      description: 'v2',
      metadata: { a: '', c: '3' },
    });
    expect(updated.status, updated.text).toBe(200);
    expect(updated.body.webhook_endpoint).toMatchObject({
      url: 'https://hooks.example.com/v2',
      enabled_events: ['refund.failed'],
      description: 'v2',
      metadata: { b: '2', c: '3' },
      status: 'enabled',
    });
    expect(updated.body.webhook_endpoint.updated_at >= endpoint.updated_at).toBe(true);

    const disabled = await patch({ disabled: true });
    expect(disabled.body.webhook_endpoint).toMatchObject({
      status: 'disabled',
      disabled_reason: 'requested',
    });
    const enabled = await patch({ disabled: false, description: null });
    expect(enabled.body.webhook_endpoint).toMatchObject({
      status: 'enabled',
      disabled_reason: null,
      description: null,
      url: 'https://hooks.example.com/v2',
    });

    expectError(await patch({ disabled: 'yes' }), 422, 'validation_error', 'parameter_invalid', [
      ['webhook_endpoint', 'disabled'],
    ]);
    expectError(await patch({ status: 'enabled' }), 400, 'invalid_request', 'parameter_unknown');
    expectError(
      await patch({ enabled_events: ['nope'] }),
      422,
      'validation_error',
      'parameter_invalid',
      [['webhook_endpoint', 'enabled_events', 0]],
    );
  });

  it('rotates the secret: a new one shown once, the old one valid for 24 hours more', async () => {
    const account = await createTestAccount(server);
    const endpoint = await created(account.testKey);
    const res = await request(
      server,
      'POST',
      `/v1/webhook_endpoints/${endpoint.webhook_endpoint_id}/rotate_secret`,
      { key: account.testKey },
    );
    expect(res.status, res.text).toBe(200);
    const rotated = res.body.webhook_endpoint;
    expect(rotated.secret).toMatch(/^whsec_/);
    expect(rotated.secret).not.toBe(endpoint.secret);
    const overlap = Date.parse(rotated.previous_secret_expires_at) - Date.parse(rotated.updated_at);
    expect(overlap).toBe(24 * 60 * 60 * 1000);
  });

  it('deletes an endpoint: then it is a 404 everywhere', async () => {
    const account = await createTestAccount(server);
    const endpoint = await created(account.testKey);
    const path = `/v1/webhook_endpoints/${endpoint.webhook_endpoint_id}`;
    const deleted = await request(server, 'DELETE', path, { key: account.testKey });
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual({
      webhook_endpoint: {
        webhook_endpoint_id: endpoint.webhook_endpoint_id,
        object: 'webhook_endpoint',
        deleted: true,
      },
    });
    expectMissing(await request(server, 'GET', path, { key: account.testKey }), 'webhook_endpoint');
    expectMissing(
      await request(server, 'DELETE', path, { key: account.testKey }),
      'webhook_endpoint',
    );
    const list = await request(server, 'GET', '/v1/webhook_endpoints', { key: account.testKey });
    expect(list.body.webhook_endpoints).toEqual([]);
  });

  it("never shows or changes another account's or mode's endpoint", async () => {
    const owner = await createTestAccount(server);
    const other = await createTestAccount(server);
    const endpoint = await created(owner.testKey);
    const path = `/v1/webhook_endpoints/${endpoint.webhook_endpoint_id}`;
    for (const key of [other.testKey, other.liveKey, owner.liveKey]) {
      expectMissing(await request(server, 'GET', path, { key }), 'webhook_endpoint');
      expectMissing(
        await request(server, 'PATCH', path, {
          key,
          body: { webhook_endpoint: { disabled: true } },
        }),
        'webhook_endpoint',
      );
      expectMissing(await request(server, 'DELETE', path, { key }), 'webhook_endpoint');
      expectMissing(
        await request(server, 'POST', `${path}/rotate_secret`, { key }),
        'webhook_endpoint',
      );
      expectMissing(
        await request(server, 'GET', `${path}/deliveries`, { key }),
        'webhook_endpoint',
      );
      const list = await request(server, 'GET', '/v1/webhook_endpoints', { key });
      expect(list.body.webhook_endpoints).toEqual([]);
    }
    const still = await request(server, 'GET', path, { key: owner.testKey });
    expect(still.body.webhook_endpoint.status).toBe('enabled');
    expectMissing(
      await request(server, 'GET', `/v1/webhook_endpoints/${UNKNOWN_ENDPOINT}`, {
        key: owner.testKey,
      }),
      'webhook_endpoint',
    );
  });
});
