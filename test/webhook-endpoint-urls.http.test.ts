import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostResolver } from '../src/ports/host-resolver.js';
import { expectError } from './catalog-fixtures.js';
import { createTestAccount, request, startTestServer, type TestServer } from './harness.js';
import { createdEndpoint, createEndpoint as postEndpoint } from './webhook-fixtures.js';

// Names these tests resolve without DNS: public, private, and a mix of both.
const resolver: HostResolver = async (hostname) => {
  const table: Record<string, string[]> = {
    'hooks.example.com': ['93.184.215.14'],
    'intranet.example.com': ['10.1.2.3'],
    'mixed.example.com': ['93.184.215.14', '192.168.1.10'],
    'metadata.example.com': ['169.254.169.254'],
    'v6local.example.com': ['fd00::1'],
  };
  const addresses = table[hostname];
  if (!addresses) throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
  return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
};

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ encryptionKey: randomBytes(32), resolver });
});
afterAll(() => server.close());

function createEndpoint(key: string, fields: Record<string, unknown>) {
  return postEndpoint(server, key, fields);
}

function created(key: string, fields: Record<string, unknown> = {}) {
  return createdEndpoint(server, key, {
    url: 'https://hooks.example.com/flint',
    enabled_events: ['order.created'],
    ...fields,
  });
}

describe('live-mode URLs (SSRF)', () => {
  const refused = [
    'http://127.0.0.1/',
    'http://127.0.0.1:4242/v1/accounts',
    'http://2130706433/', // decimal 127.0.0.1
    'http://0177.0.0.1/', // octal
    'http://0x7f.1/', // hex, short form
    'http://127.1/',
    'http://0/', // 0.0.0.0
    'http://[::1]/',
    'http://[::]/',
    'http://[::ffff:127.0.0.1]/',
    'http://[::ffff:7f00:1]/',
    'http://[::ffff:10.0.0.1]/',
    'http://[64:ff9b::a00:1]/', // NAT64 of 10.0.0.1
    'http://[2002:c0a8:101::1]/', // 6to4 of 192.168.1.1
    'http://[fe80::1]/',
    'http://[fd00::1]/',
    'http://10.0.0.1/',
    'http://172.16.0.1/',
    'http://172.31.255.255/',
    'http://192.168.1.1/',
    'http://169.254.169.254/latest/meta-data/',
    'http://100.64.0.1/',
    'http://224.0.0.1/',
    'http://255.255.255.255/',
    'http://localhost:4242/',
    'http://LOCALHOST./',
    'http://api.localhost/',
    'https://intranet.example.com/',
    'https://mixed.example.com/',
    'https://metadata.example.com/',
    'https://v6local.example.com/',
  ];

  it('refuses URLs that reach loopback, private, link-local or internal addresses', async () => {
    const account = await createTestAccount(server);
    for (const url of refused) {
      const res = await createEndpoint(account.liveKey, { url, enabled_events: ['*'] });
      expect(res.status, url).toBe(422);
      expect(res.body.error.code).toBe('parameter_invalid');
      expect(res.body.error.errors[0].loc).toEqual(['webhook_endpoint', 'url']);
    }
    const list = await request(server, 'GET', '/v1/webhook_endpoints', { key: account.liveKey });
    expect(list.body.webhook_endpoints).toEqual([]);
  });

  it('accepts public addresses and names, and names that do not resolve yet', async () => {
    const account = await createTestAccount(server);
    for (const url of [
      'https://hooks.example.com/flint',
      'https://93.184.215.14/hook',
      'https://[2606:4700:4700::1111]/hook',
      'https://not-yet-registered.example.org/hook',
    ]) {
      const res = await createEndpoint(account.liveKey, { url, enabled_events: ['*'] });
      expect(res.status, `${url}: ${res.text}`).toBe(200);
      expect(res.body.webhook_endpoint.test_mode).toBe(false);
    }
  });

  it('refuses plain http in live mode (422, nothing stored) and allows it in test mode', async () => {
    const account = await createTestAccount(server);
    for (const url of ['http://hooks.example.com/flint', 'http://93.184.215.14/hook']) {
      const res = await createEndpoint(account.liveKey, { url, enabled_events: ['*'] });
      expectError(res, 422, 'validation_error', 'parameter_invalid', [['webhook_endpoint', 'url']]);
    }
    const list = await request(server, 'GET', '/v1/webhook_endpoints', { key: account.liveKey });
    expect(list.body.webhook_endpoints).toEqual([]);
    const live = await created(account.liveKey);
    const patched = await request(
      server,
      'PATCH',
      `/v1/webhook_endpoints/${live.webhook_endpoint_id}`,
      {
        key: account.liveKey,
        body: { webhook_endpoint: { url: 'http://hooks.example.com/flint' } },
      },
    );
    expectError(patched, 422, 'validation_error', 'parameter_invalid', [
      ['webhook_endpoint', 'url'],
    ]);
    const shown = await request(
      server,
      'GET',
      `/v1/webhook_endpoints/${live.webhook_endpoint_id}`,
      {
        key: account.liveKey,
      },
    );
    expect(shown.body.webhook_endpoint.url).toBe('https://hooks.example.com/flint');
    expect((await created(account.testKey, { url: 'http://hooks.example.com/flint' })).url).toBe(
      'http://hooks.example.com/flint',
    );
  });

  it('stores the URL normalised, and test mode allows local addresses', async () => {
    const account = await createTestAccount(server);
    const endpoint = await created(account.testKey, { url: 'http://2130706433:8080/hooks' });
    expect(endpoint.url).toBe('http://127.0.0.1:8080/hooks');
    expect((await created(account.testKey, { url: 'http://localhost:3000/' })).url).toBe(
      'http://localhost:3000/',
    );
  });

  it('checks an updated URL the same way', async () => {
    const account = await createTestAccount(server);
    const endpoint = await created(account.liveKey);
    const res = await request(
      server,
      'PATCH',
      `/v1/webhook_endpoints/${endpoint.webhook_endpoint_id}`,
      { key: account.liveKey, body: { webhook_endpoint: { url: 'http://[::ffff:192.168.0.1]/' } } },
    );
    expectError(res, 422, 'validation_error', 'parameter_invalid', [['webhook_endpoint', 'url']]);
  });
});
