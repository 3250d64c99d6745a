import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  type InsertQueryNode,
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryResult,
  type RootOperationNode,
  sql,
  type UnknownRow,
} from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  insertIdempotencyKey,
  releaseIdempotencyKey,
  selectIdempotencyKey,
} from '../src/adapters/db/repos/idempotency-repo.js';
import { retireInstance, startInstance } from '../src/app/shared/instances.js';
import type { Clock } from '../src/ports/clock.js';
import { systemClock } from '../src/ports/clock.js';
import { reapExpiredIdempotencyKeys } from '../src/workers/idempotency-reaper.js';
import {
  createTestAccount,
  request,
  startTestServer,
  type TestAccount,
  type TestResponse,
  type TestServer,
  testDatabase,
  testInstance,
} from './harness.js';

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

/** A clock the test moves by hand. */
class ManualClock implements Clock {
  constructor(private current: Date) {}
  now(): Date {
    return new Date(this.current.getTime());
  }
  set(at: Date): void {
    this.current = new Date(at.getTime());
  }
}

/**
 * A database plugin that can hold the result of the next customer INSERT until
 * released (so that a request stays in flight), or make it fail (a 500).
 */
class CustomerInsertControl implements KyselyPlugin {
  private mode: 'pass' | 'hold' | 'fail' = 'pass';
  private readonly held = new WeakSet<object>();
  private gate: Promise<void> = Promise.resolve();
  private open: () => void = () => {};
  private reached: () => void = () => {};
  /** Resolves once a held insert has executed and waits for `release()`. */
  holding: Promise<void> = Promise.resolve();

  holdNext(): void {
    this.mode = 'hold';
    this.gate = new Promise((resolve) => {
      this.open = resolve;
    });
    this.holding = new Promise((resolve) => {
      this.reached = resolve;
    });
  }

  failNext(): void {
    this.mode = 'fail';
  }

  release(): void {
    this.open();
  }

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    const node = args.node;
    const isCustomerInsert =
      node.kind === 'InsertQueryNode' &&
      (node as InsertQueryNode).into?.table.identifier.name === 'customers';
    if (isCustomerInsert && this.mode === 'fail') {
      this.mode = 'pass';
      throw new Error('injected database failure');
    }
    if (isCustomerInsert && this.mode === 'hold') {
      this.mode = 'pass';
      this.held.add(args.queryId);
    }
    return node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    if (this.held.has(args.queryId)) {
      this.held.delete(args.queryId);
      this.reached();
      await this.gate;
    }
    return args.result;
  }
}

/** The fingerprint src/http/idempotency.ts computes: method, path and canonical body. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
function fingerprint(method: string, path: string, body: Record<string, unknown>): string {
  return createHash('sha256')
    .update(`${method} ${path}\n${canonicalJson(body)}`)
    .digest('hex');
}

/** A customer request's record left in flight: `key` claimed at `lockedAt` by `owner`. */
function inFlightCustomer(
  target: TestServer,
  account: TestAccount,
  key: string,
  body: Record<string, unknown>,
  owner: string | null,
  lockedAt = new Date(),
): Promise<boolean> {
  return insertIdempotencyKey(target.deps.db, {
    tenant: { accountId: account.accountId, mode: 'test' },
    key,
    fingerprint: fingerprint('POST', '/v1/customers', body),
    now: lockedAt,
    expiresAt: new Date(lockedAt.getTime() + DAY),
    ownerInstanceId: owner,
  });
}

async function customerIds(target: TestServer, accountId: string): Promise<string[]> {
  const rows = await target.deps.db
    .selectFrom('customers')
    .select('id')
    .where('account_id', '=', accountId)
    .orderBy('id')
    .execute();
  return rows.map((r) => r.id);
}

function postCustomer(
  target: TestServer,
  account: TestAccount,
  body: unknown,
  idempotencyKey?: string,
  key = account.testKey,
): Promise<TestResponse> {
  return request(target, 'POST', '/v1/customers', {
    key,
    body,
    headers: idempotencyKey ? { 'idempotency-key': idempotencyKey } : {},
  });
}

describe('replays', () => {
  it('replays the first response byte for byte and creates one customer', async () => {
    const account = await createTestAccount(server);
    const body = { customer: { email: 'once@example.com', metadata: { n: '1' } } };
    const first = await postCustomer(server, account, body, 'create-once');
    const second = await postCustomer(server, account, body, 'create-once');

    expect(first.status).toBe(200);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(second.status).toBe(200);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(second.headers.get('content-type')).toMatch(/^application\/json/);
    expect(second.text).toBe(first.text);
    expect(second.headers.get('request-id')).not.toBe(first.headers.get('request-id'));
    expect(await customerIds(server, account.accountId)).toEqual([first.body.customer.customer_id]);
  });

  it('treats a reordered, re-spaced body as the same request', async () => {
    const account = await createTestAccount(server);
    const first = await request(server, 'POST', '/v1/customers', {
      key: account.testKey,
      raw: '{"customer":{"name":"N","email":"n@example.com"}}',
      headers: { 'idempotency-key': 'reordered' },
    });
    const second = await request(server, 'POST', '/v1/customers', {
      key: account.testKey,
      raw: '{ "customer" : { "email": "n@example.com",  "name": "N" } }',
      headers: { 'idempotency-key': 'reordered' },
    });
    expect(second.status).toBe(200);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(second.text).toBe(first.text);
    expect(await customerIds(server, account.accountId)).toHaveLength(1);
  });

  it('takes the key from the idempotency_key body field as well', async () => {
    const account = await createTestAccount(server);
    const first = await postCustomer(server, account, {
      customer: { name: 'Body key' },
      idempotency_key: 'in-body',
    });
    const second = await postCustomer(server, account, {
      customer: { name: 'Body key' },
      idempotency_key: 'in-body',
    });
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(second.text).toBe(first.text);
    expect(await customerIds(server, account.accountId)).toHaveLength(1);
  });

  it('treats the header and the body field as the same key', async () => {
    const account = await createTestAccount(server);
    const viaHeader = await postCustomer(server, account, { customer: { name: 'Same' } }, 'k-1');
    const viaBody = await postCustomer(server, account, {
      customer: { name: 'Same' },
      idempotency_key: 'k-1',
    });
    expect(viaBody.status).toBe(200);
    expect(viaBody.headers.get('idempotent-replayed')).toBe('true');
    expect(viaBody.text).toBe(viaHeader.text);

    const bodyFirst = await postCustomer(server, account, {
      customer: { name: 'Other' },
      idempotency_key: 'k-2',
    });
    const headerSecond = await postCustomer(
      server,
      account,
      { customer: { name: 'Other' } },
      'k-2',
    );
    expect(headerSecond.headers.get('idempotent-replayed')).toBe('true');
    expect(headerSecond.text).toBe(bodyFirst.text);

    expect(await customerIds(server, account.accountId)).toHaveLength(2);
  });

  it('accepts the same key in the header and the body field together', async () => {
    const account = await createTestAccount(server);
    const body = { customer: { name: 'Both' }, idempotency_key: 'both' };
    const first = await postCustomer(server, account, body, 'both');
    const second = await postCustomer(server, account, { customer: { name: 'Both' } }, 'both');
    expect(first.status).toBe(200);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(second.text).toBe(first.text);
  });

  it('rejects a header and a body field that differ, creating nothing', async () => {
    const account = await createTestAccount(server);
    const res = await postCustomer(
      server,
      account,
      { customer: { name: 'x' }, idempotency_key: 'body-key' },
      'header-key',
    );
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({
      type: 'invalid_request',
      code: 'idempotency_key_invalid',
    });
    expect(await customerIds(server, account.accountId)).toEqual([]);
  });

  it.each([
    ['a non-ASCII key', 'clé'],
    ['a key of 256 characters', 'k'.repeat(256)],
  ])('rejects %s with a 400, creating nothing', async (_label, key) => {
    const account = await createTestAccount(server);
    const res = await postCustomer(server, account, { customer: {} }, key);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({
      type: 'invalid_request',
      code: 'idempotency_key_invalid',
    });
    expect(await customerIds(server, account.accountId)).toEqual([]);
  });

  it('rejects an invalid idempotency_key body field with a 422', async () => {
    const account = await createTestAccount(server);
    const res = await postCustomer(server, account, { customer: {}, idempotency_key: '' });
    expect(res.status).toBe(422);
    expect(res.body.error.type).toBe('validation_error');
    expect(res.body.error.errors.map((e: any) => e.loc)).toEqual([['idempotency_key']]);
    expect(await customerIds(server, account.accountId)).toEqual([]);
  });

  it('replays a PATCH', async () => {
    const account = await createTestAccount(server);
    const created = await postCustomer(server, account, { customer: { name: 'Before' } });
    const path = `/v1/customers/${created.body.customer.customer_id}`;
    const body = { customer: { name: 'After', metadata: { v: '1' } } };
    const headers = { 'idempotency-key': 'patch-1' };
    const first = await request(server, 'PATCH', path, { key: account.testKey, body, headers });
    // Change the customer in between: the replay still shows the first response.
    await request(server, 'PATCH', path, {
      key: account.testKey,
      body: { customer: { name: 'Later' } },
    });
    const second = await request(server, 'PATCH', path, { key: account.testKey, body, headers });
    expect(first.status).toBe(200);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(second.text).toBe(first.text);
    const got = await request(server, 'GET', path, { key: account.testKey });
    expect(got.body.customer.name).toBe('Later');
  });

  it('replays the first response of a POST /v1/api_keys', async () => {
    const account = await createTestAccount(server);
    const first = await request(server, 'POST', '/v1/api_keys', {
      key: account.testKey,
      body: { api_key: { name: 'once' } },
      headers: { 'idempotency-key': 'key-once' },
    });
    const second = await request(server, 'POST', '/v1/api_keys', {
      key: account.testKey,
      body: { api_key: { name: 'once' } },
      headers: { 'idempotency-key': 'key-once' },
    });
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(second.body.api_key.api_key_id).toBe(first.body.api_key.api_key_id);
    const list = await request(server, 'GET', '/v1/api_keys', { key: account.testKey });
    expect(list.body.api_keys).toHaveLength(2);
  });

  it('does not apply to requests without a key', async () => {
    const account = await createTestAccount(server);
    const body = { customer: { name: 'twice' } };
    const first = await postCustomer(server, account, body);
    const second = await postCustomer(server, account, body);
    expect(second.headers.get('idempotent-replayed')).toBeNull();
    expect(second.body.customer.customer_id).not.toBe(first.body.customer.customer_id);
    expect(await customerIds(server, account.accountId)).toHaveLength(2);
  });
});

describe('mismatches', () => {
  it('rejects the same key with a different body with a 422 idempotency_error', async () => {
    const account = await createTestAccount(server);
    const first = await postCustomer(server, account, { customer: { name: 'A' } }, 'reused');
    const second = await postCustomer(server, account, { customer: { name: 'B' } }, 'reused');
    expect(second.status).toBe(422);
    expect(second.body.error.type).toBe('idempotency_error');
    expect(second.body.error.request_id).toBe(second.headers.get('request-id'));
    expect(await customerIds(server, account.accountId)).toEqual([first.body.customer.customer_id]);
    // The original is still replayed afterwards.
    const third = await postCustomer(server, account, { customer: { name: 'A' } }, 'reused');
    expect(third.text).toBe(first.text);
  });

  it('rejects the same key on a different path with a 422 idempotency_error', async () => {
    const account = await createTestAccount(server);
    const first = await postCustomer(server, account, { customer: {} }, 'cross-path');
    expect(first.status).toBe(200);
    const onKeys = await request(server, 'POST', '/v1/api_keys', {
      key: account.testKey,
      body: { api_key: {} },
      headers: { 'idempotency-key': 'cross-path' },
    });
    expect(onKeys.status).toBe(422);
    expect(onKeys.body.error.type).toBe('idempotency_error');
    const keys = await request(server, 'GET', '/v1/api_keys', { key: account.testKey });
    expect(keys.body.api_keys).toHaveLength(1);

    const onPatch = await request(
      server,
      'PATCH',
      `/v1/customers/${first.body.customer.customer_id}`,
      {
        key: account.testKey,
        body: { customer: {} },
        headers: { 'idempotency-key': 'cross-path' },
      },
    );
    expect(onPatch.status).toBe(422);
    expect(onPatch.body.error.type).toBe('idempotency_error');
  });
});

describe('scope', () => {
  it('scopes keys per account', async () => {
    const a = await createTestAccount(server);
    const b = await createTestAccount(server);
    const body = { customer: { name: 'Scoped' } };
    const fromA = await postCustomer(server, a, body, 'shared-key');
    const fromB = await postCustomer(server, b, body, 'shared-key');
    expect(fromB.status).toBe(200);
    expect(fromB.headers.get('idempotent-replayed')).toBeNull();
    expect(fromB.body.customer.customer_id).not.toBe(fromA.body.customer.customer_id);
    expect(await customerIds(server, a.accountId)).toEqual([fromA.body.customer.customer_id]);
    expect(await customerIds(server, b.accountId)).toEqual([fromB.body.customer.customer_id]);
  });

  it('scopes keys per mode', async () => {
    const account = await createTestAccount(server);
    const body = { customer: { name: 'Moded' } };
    const test = await postCustomer(server, account, body, 'mode-key');
    const live = await postCustomer(server, account, body, 'mode-key', account.liveKey);
    expect(live.status).toBe(200);
    expect(live.headers.get('idempotent-replayed')).toBeNull();
    expect(live.body.customer.test_mode).toBe(false);
    expect(test.body.customer.test_mode).toBe(true);
    expect(await customerIds(server, account.accountId)).toHaveLength(2);
  });

  it('replays for another key of the same account and mode', async () => {
    const account = await createTestAccount(server);
    const extra = await request(server, 'POST', '/v1/api_keys', {
      key: account.testKey,
      body: { api_key: {} },
    });
    const body = { customer: { name: 'Any key' } };
    const first = await postCustomer(server, account, body, 'per-tenant');
    const second = await postCustomer(
      server,
      account,
      body,
      'per-tenant',
      extra.body.api_key.secret,
    );
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(second.text).toBe(first.text);
  });
});

describe('concurrency', () => {
  it('runs 100 concurrent requests with one key exactly once', async () => {
    const account = await createTestAccount(server);
    const body = { customer: { email: 'race@example.com', name: 'Race' } };
    const responses = await Promise.all(
      Array.from({ length: 100 }, () => postCustomer(server, account, body, 'stampede')),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(100).fill(200));
    const texts = new Set(responses.map((r) => r.text));
    expect(texts.size).toBe(1);
    expect(responses.filter((r) => r.headers.get('idempotent-replayed') === null)).toHaveLength(1);
    const ids = await customerIds(server, account.accountId);
    expect(ids).toHaveLength(1);
    expect(ids[0]).toBe(responses[0]?.body.customer.customer_id);
  });
});

describe('in flight', () => {
  it('answers a duplicate of a running request with a 409 once the wait is over', async () => {
    const base = await testDatabase();
    const control = new CustomerInsertControl();
    const slow = await startTestServer({
      deps: { db: base.db.withPlugin(control), clock: systemClock },
      idempotency: { waitMs: 100 },
    });
    try {
      const account = await createTestAccount(slow);
      const body = { customer: { name: 'Slow' } };
      control.holdNext();
      const firstPromise = postCustomer(slow, account, body, 'in-flight');
      await control.holding;

      const duplicate = await postCustomer(slow, account, body, 'in-flight');
      expect(duplicate.status).toBe(409);
      expect(duplicate.body.error).toMatchObject({
        type: 'conflict',
        code: 'idempotency_key_in_use',
      });
      // A different body with the same key is a mismatch even while the first runs.
      const different = await postCustomer(slow, account, { customer: { name: 'X' } }, 'in-flight');
      expect(different.status).toBe(422);
      expect(different.body.error.type).toBe('idempotency_error');

      control.release();
      const first = await firstPromise;
      expect(first.status).toBe(200);
      const replay = await postCustomer(slow, account, body, 'in-flight');
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      expect(replay.text).toBe(first.text);
      expect(await customerIds(slow, account.accountId)).toHaveLength(1);
    } finally {
      control.release();
      await slow.close();
    }
  });

  it('lets a duplicate wait for the running request and replay its response', async () => {
    const base = await testDatabase();
    const control = new CustomerInsertControl();
    const patient = await startTestServer({
      deps: { db: base.db.withPlugin(control), clock: systemClock },
      idempotency: { waitMs: 10_000 },
    });
    try {
      const account = await createTestAccount(patient);
      const body = { customer: { name: 'Waited for' } };
      control.holdNext();
      const firstPromise = postCustomer(patient, account, body, 'wait-for-me');
      await control.holding;
      const duplicatePromise = postCustomer(patient, account, body, 'wait-for-me');
      // Give the duplicate time to find the in-flight record before the first finishes.
      await sleep(50);
      control.release();
      const [first, duplicate] = await Promise.all([firstPromise, duplicatePromise]);
      expect(first.status).toBe(200);
      expect(duplicate.status).toBe(200);
      expect(duplicate.headers.get('idempotent-replayed')).toBe('true');
      expect(duplicate.text).toBe(first.text);
      expect(await customerIds(patient, account.accountId)).toHaveLength(1);
    } finally {
      control.release();
      await patient.close();
    }
  });

  it('answers 409 for an in-flight record of the same request inserted directly', async () => {
    const quick = await startTestServer({ idempotency: { waitMs: 100 } });
    try {
      const account = await createTestAccount(quick);
      const body = { customer: { name: 'Direct' } };
      const owner = (await testInstance()).id;
      const inserted = await inFlightCustomer(quick, account, 'direct', body, owner);
      expect(inserted).toBe(true);
      const res = await postCustomer(quick, account, body, 'direct');
      expect(res.status).toBe(409);
      expect(res.body.error).toMatchObject({ type: 'conflict', code: 'idempotency_key_in_use' });
      expect(await customerIds(quick, account.accountId)).toEqual([]);
    } finally {
      await quick.close();
    }
  });

  it('answers 422 for an in-flight record of a different request', async () => {
    const account = await createTestAccount(server);
    const now = new Date();
    await insertIdempotencyKey(server.deps.db, {
      tenant: { accountId: account.accountId, mode: 'test' },
      key: 'other-request',
      fingerprint: 'f'.repeat(64),
      now,
      expiresAt: new Date(now.getTime() + DAY),
      ownerInstanceId: (await testInstance()).id,
    });
    const res = await postCustomer(server, account, { customer: {} }, 'other-request');
    expect(res.status).toBe(422);
    expect(res.body.error.type).toBe('idempotency_error');
    expect(await customerIds(server, account.accountId)).toEqual([]);
  });

  it('re-runs at once a request whose instance died (its lease ran out, or it is gone)', async () => {
    const account = await createTestAccount(server);
    const tenant = { accountId: account.accountId, mode: 'test' } as const;
    const dead = await startInstance(server.deps.db, 1000);
    // Its lease ends, by the database's clock, as if it had stopped beating.
    await sql`update flint_instances set alive_until = now() - interval '1 second' where id = ${dead.id}`.execute(
      server.deps.db,
    );
    const owners = { 'lease-ran-out': dead.id, 'owner-gone': 'inst_never_registered' };
    for (const [key, ownerInstanceId] of Object.entries(owners)) {
      const body = { customer: { name: key } };
      await inFlightCustomer(server, account, key, body, ownerInstanceId);
      const res = await postCustomer(server, account, body, key);
      expect(res.status).toBe(200);
      expect(res.headers.get('idempotent-replayed')).toBeNull();
      const row = await selectIdempotencyKey(server.deps.db, tenant, key);
      expect(row?.state).toBe('completed');
      expect(row?.owner_instance_id).toBe((await testInstance()).id);
      expect(row?.response_body).toBe(res.text);
      const replay = await postCustomer(server, account, body, key);
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      expect(replay.text).toBe(res.text);
    }
    expect(await customerIds(server, account.accountId)).toHaveLength(2);
  });

  it('does not re-run a request whose instance is alive, however old its record', async () => {
    const quick = await startTestServer({ idempotency: { waitMs: 100 } });
    const other = await startInstance(quick.deps.db, 60_000);
    try {
      const account = await createTestAccount(quick);
      const body = { customer: { name: 'Still running elsewhere' } };
      const lockedAt = new Date(Date.now() - 6 * HOUR);
      await inFlightCustomer(quick, account, 'alive-owner', body, other.id, lockedAt);
      const res = await postCustomer(quick, account, body, 'alive-owner');
      expect(res.status).toBe(409);
      expect(res.body.error).toMatchObject({ type: 'conflict', code: 'idempotency_key_in_use' });
      expect(await customerIds(quick, account.accountId)).toEqual([]);

      // It stops cleanly: its record is free for the retry at once.
      await retireInstance(quick.deps.db, other);
      const retry = await postCustomer(quick, account, body, 'alive-owner');
      expect(retry.status).toBe(200);
      expect(await customerIds(quick, account.accountId)).toEqual([
        retry.body.customer.customer_id,
      ]);
    } finally {
      await retireInstance(quick.deps.db, other);
      await quick.close();
    }
  });

  it('re-runs a record naming no instance (written before instances) after 5 minutes', async () => {
    const account = await createTestAccount(server);
    const body = { customer: { name: 'Abandoned' } };
    const lockedAt = new Date(Date.now() - 5 * 60 * 1000 - 1000);
    const tenant = { accountId: account.accountId, mode: 'test' } as const;
    await inFlightCustomer(server, account, 'abandoned', body, null, lockedAt);
    const res = await postCustomer(server, account, body, 'abandoned');
    expect(res.status).toBe(200);
    expect(res.headers.get('idempotent-replayed')).toBeNull();
    expect(await customerIds(server, account.accountId)).toEqual([res.body.customer.customer_id]);
    const row = await selectIdempotencyKey(server.deps.db, tenant, 'abandoned');
    expect(row?.state).toBe('completed');
    expect(row?.response_body).toBe(res.text);

    const replay = await postCustomer(server, account, body, 'abandoned');
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.text).toBe(res.text);
  });

  it('does not re-run a record naming no instance locked less than 5 minutes ago', async () => {
    const quick = await startTestServer({ idempotency: { waitMs: 100 } });
    try {
      const account = await createTestAccount(quick);
      const body = { customer: { name: 'Recent' } };
      const lockedAt = new Date(Date.now() - 4 * 60 * 1000);
      await inFlightCustomer(quick, account, 'recent', body, null, lockedAt);
      const res = await postCustomer(quick, account, body, 'recent');
      expect(res.status).toBe(409);
      expect(await customerIds(quick, account.accountId)).toEqual([]);
    } finally {
      await quick.close();
    }
  });
});

describe('failures', () => {
  it('releases the key after a 5xx so that a retry runs', async () => {
    const base = await testDatabase();
    const control = new CustomerInsertControl();
    const flaky = await startTestServer({
      deps: { db: base.db.withPlugin(control), clock: systemClock },
    });
    try {
      const account = await createTestAccount(flaky);
      const body = { customer: { name: 'Retry me' } };
      const tenant = { accountId: account.accountId, mode: 'test' } as const;

      control.failNext();
      const failed = await postCustomer(flaky, account, body, 'after-500');
      expect(failed.status).toBe(500);
      expect(failed.body).toEqual({
        error: {
          type: 'api_error',
          message: expect.any(String),
          code: expect.any(String),
          request_id: failed.headers.get('request-id'),
        },
      });
      expect(failed.text).not.toContain('injected database failure');
      expect(failed.text).not.toMatch(/\bat .+:\d+:\d+/);
      expect(await selectIdempotencyKey(flaky.deps.db, tenant, 'after-500')).toBeUndefined();

      const retry = await postCustomer(flaky, account, body, 'after-500');
      expect(retry.status).toBe(200);
      expect(retry.headers.get('idempotent-replayed')).toBeNull();
      expect(await customerIds(flaky, account.accountId)).toEqual([
        retry.body.customer.customer_id,
      ]);
      const replay = await postCustomer(flaky, account, body, 'after-500');
      expect(replay.text).toBe(retry.text);
    } finally {
      await flaky.close();
    }
  });

  it('records and replays a 4xx response', async () => {
    const account = await createTestAccount(server);
    const path = '/v1/customers/cus_01m84sgeyjf21ada62ac1e65xf';
    const options = {
      key: account.testKey,
      body: { customer: { name: 'nobody' } },
      headers: { 'idempotency-key': 'missing-customer' },
    };
    const first = await request(server, 'PATCH', path, options);
    const second = await request(server, 'PATCH', path, options);
    expect(first.status).toBe(404);
    expect(second.status).toBe(404);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(second.text).toBe(first.text);
  });

  it('releaseIdempotencyKey forgets an in-flight record but keeps a completed one', async () => {
    const account = await createTestAccount(server);
    const tenant = { accountId: account.accountId, mode: 'test' } as const;
    const now = new Date();
    await insertIdempotencyKey(server.deps.db, {
      tenant,
      key: 'release-me',
      fingerprint: 'a'.repeat(64),
      now,
      expiresAt: new Date(now.getTime() + DAY),
      ownerInstanceId: (await testInstance()).id,
    });
    await releaseIdempotencyKey(server.deps.db, tenant, 'release-me');
    expect(await selectIdempotencyKey(server.deps.db, tenant, 'release-me')).toBeUndefined();

    const done = await postCustomer(server, account, { customer: {} }, 'keep-me');
    await releaseIdempotencyKey(server.deps.db, tenant, 'keep-me');
    const row = await selectIdempotencyKey(server.deps.db, tenant, 'keep-me');
    expect(row?.state).toBe('completed');
    expect(row?.response_body).toBe(done.text);
  });
});

describe('expiry', () => {
  it('replays within 24 hours and runs the request again after', async () => {
    // A clock in the past: nothing else in the database expires at these times.
    const clock = new ManualClock(new Date(Date.UTC(2001, 0, 1) + Math.floor(Math.random() * DAY)));
    const start = clock.now();
    const timed = await startTestServer({ deps: { db: server.deps.db, clock } });
    try {
      const account = await createTestAccount(timed);
      const body = { customer: { name: 'Expiring' } };
      const first = await postCustomer(timed, account, body, 'expiring');
      expect(first.body.customer.created_at).toBe(start.toISOString());

      clock.set(new Date(start.getTime() + DAY - 1));
      const replay = await postCustomer(timed, account, body, 'expiring');
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      expect(replay.text).toBe(first.text);

      clock.set(new Date(start.getTime() + DAY + 1));
      const rerun = await postCustomer(timed, account, body, 'expiring');
      expect(rerun.status).toBe(200);
      expect(rerun.headers.get('idempotent-replayed')).toBeNull();
      expect(rerun.body.customer.customer_id).not.toBe(first.body.customer.customer_id);
      expect(await customerIds(timed, account.accountId)).toHaveLength(2);

      // An expired key may also be reused with a different body.
      clock.set(new Date(start.getTime() + 3 * DAY));
      const changed = await postCustomer(timed, account, { customer: { name: 'New' } }, 'expiring');
      expect(changed.status).toBe(200);
      expect(changed.body.customer.name).toBe('New');
    } finally {
      await timed.close();
    }
  });

  it('the reaper deletes expired records and keeps fresh ones', async () => {
    const clock = new ManualClock(new Date(Date.UTC(2002, 0, 1) + Math.floor(Math.random() * DAY)));
    const start = clock.now();
    const timed = await startTestServer({ deps: { db: server.deps.db, clock } });
    try {
      const account = await createTestAccount(timed);
      const tenant = { accountId: account.accountId, mode: 'test' } as const;
      await postCustomer(timed, account, { customer: { name: 'old' } }, 'old-key');
      clock.set(new Date(start.getTime() + 2 * HOUR));
      await postCustomer(timed, account, { customer: { name: 'fresh' } }, 'fresh-key');

      clock.set(new Date(start.getTime() + DAY + HOUR));
      const deleted = await reapExpiredIdempotencyKeys(timed.deps);
      expect(deleted).toBeGreaterThanOrEqual(1);
      expect(await selectIdempotencyKey(timed.deps.db, tenant, 'old-key')).toBeUndefined();
      expect((await selectIdempotencyKey(timed.deps.db, tenant, 'fresh-key'))?.state).toBe(
        'completed',
      );

      // Nothing left to reap at the same time; a small batch size still reaps everything later.
      expect(await reapExpiredIdempotencyKeys(timed.deps)).toBe(0);
      clock.set(new Date(start.getTime() + 3 * DAY));
      expect(await reapExpiredIdempotencyKeys(timed.deps, 1)).toBeGreaterThanOrEqual(1);
      expect(await selectIdempotencyKey(timed.deps.db, tenant, 'fresh-key')).toBeUndefined();
    } finally {
      await timed.close();
    }
  });
});
