import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { insertWebhookEndpoint } from '../src/adapters/db/repos/webhook-endpoints-repo.js';
import { systemResolver } from '../src/adapters/webhooks/system-resolver.js';
import { newId } from '../src/app/shared/ids.js';
import { createSecretBox } from '../src/app/shared/secret-box.js';
import { mintWebhookSecret, sealWebhookSecret } from '../src/app/webhooks/webhook-secrets.js';
import type { HostResolver } from '../src/ports/host-resolver.js';
import { request, startTestServer, type TestServer, testDatabase } from './harness.js';
import { ENCRYPTION_KEY, WebhookTestBed } from './webhook-fixtures.js';
import { waitFor } from './webhook-receiver.js';

// DNS rebinding: the name is public when the endpoint is created, loopback when called.
const PUBLIC_THEN_LOOPBACK = 'rebind.example.com';
const atCreation: HostResolver = async () => [{ address: '93.184.215.14', family: 4 }];
const atDelivery: HostResolver = async (hostname) => {
  if (hostname === PUBLIC_THEN_LOOPBACK) return [{ address: '127.0.0.1', family: 4 }];
  if (hostname === 'mixed.example.com') {
    return [
      { address: '93.184.215.14', family: 4 },
      { address: '::1', family: 6 },
    ];
  }
  return systemResolver(hostname);
};

const bed = new WebhookTestBed();
let rebinding: TestServer;
beforeAll(async () => {
  await bed.start();
  rebinding = await startTestServer({ encryptionKey: ENCRYPTION_KEY, resolver: atCreation });
});
afterEach(() => bed.cleanUp());
afterAll(async () => {
  await bed.server.close();
  await rebinding.close();
});

/** A live endpoint written straight to the database, as if its URL had been allowed before. */
async function storedLiveEndpoint(accountId: string, url: string): Promise<string> {
  const { db } = await testDatabase();
  const id = newId('we');
  const tenant = { accountId, mode: 'live' as const };
  const now = new Date();
  await insertWebhookEndpoint(db, {
    id,
    account_id: accountId,
    mode: 'live',
    url,
    enabled_events: ['*'],
    description: null,
    metadata: {},
    status: 'enabled',
    disabled_reason: null,
    secret: sealWebhookSecret(createSecretBox(ENCRYPTION_KEY), tenant, {
      endpointId: id,
      secret: mintWebhookSecret(),
    }),
    previous_secret: null,
    previous_secret_expires_at: null,
    failing_since: null,
    created_at: now,
    updated_at: now,
    deleted_at: null,
  });
  return id;
}

it('never delivers a live-mode webhook to a private address: the canary counts 0', async () => {
  const account = await bed.account();
  const canary = await bed.receiver();
  const { port } = new URL(canary.url);
  const created = await request(rebinding, 'POST', '/v1/webhook_endpoints', {
    key: account.liveKey,
    body: {
      webhook_endpoint: {
        url: `https://${PUBLIC_THEN_LOOPBACK}:${port}/hooks`,
        enabled_events: ['*'],
      },
    },
  });
  expect(created.status, created.text).toBe(200);
  const live = [
    created.body.webhook_endpoint.webhook_endpoint_id,
    await storedLiveEndpoint(account.accountId, `http://127.0.0.1:${port}/hooks`),
    await storedLiveEndpoint(account.accountId, `http://[::ffff:7f00:1]:${port}/hooks`),
    await storedLiveEndpoint(account.accountId, `http://localhost:${port}/hooks`),
    await storedLiveEndpoint(account.accountId, `http://mixed.example.com:${port}/hooks`),
  ];
  // The control: the same canary in test mode does receive (so 0 below means refused).
  await bed.endpoint(account.testKey, { url: canary.url });

  await bed.worker(account, { resolver: atDelivery, scheduleMs: [0, 20] });
  await bed.order(account.liveKey);
  await bed.order(account.testKey);

  for (const id of live) {
    await waitFor(`${id} failed`, async () => {
      const log = await request(bed.server, 'GET', `/v1/webhook_endpoints/${id}/deliveries`, {
        key: account.liveKey,
      });
      return log.body.webhook_deliveries[0]?.status === 'failed';
    });
  }
  await waitFor('the test-mode control', () => canary.received.length === 1);
  await sleep(200);
  expect(canary.received.map((r) => JSON.parse(r.body).test_mode)).toEqual([true]);

  const errors = [];
  for (const id of live) {
    const log = await request(bed.server, 'GET', `/v1/webhook_endpoints/${id}/deliveries`, {
      key: account.liveKey,
    });
    const [delivery] = log.body.webhook_deliveries;
    expect(delivery.attempt_count).toBe(2);
    errors.push(delivery.attempts[0].error);
  }
  expect(errors).toEqual([
    `refused: ${PUBLIC_THEN_LOOPBACK} resolves to 127.0.0.1, a loopback address (live-mode webhooks reach public addresses only)`,
    'refused: 127.0.0.1 is a loopback address (live-mode webhooks reach public addresses only)',
    'refused: ::ffff:7f00:1 is a loopback address (live-mode webhooks reach public addresses only)',
    expect.stringMatching(/^refused: localhost resolves to (127\.0\.0\.1|::1), a loopback address/),
    'refused: mixed.example.com resolves to ::1, a loopback address (live-mode webhooks reach public addresses only)',
  ]);
});
