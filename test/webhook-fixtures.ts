import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import type { Worker } from '../src/workers/periodic.js';
import {
  createTestAccount,
  request,
  startTestServer,
  startTestWebhookWorker,
  type TestAccount,
  type TestServer,
  type TestWebhookWorkerOptions,
} from './harness.js';
import {
  type Answer,
  type ReceivedWebhook,
  type Receiver,
  startReceiver,
} from './webhook-receiver.js';

/** The encryption key the test server seals secrets with, and the workers open them with. */
export const ENCRYPTION_KEY = randomBytes(32);

/** `POST /v1/webhook_endpoints` with these fields, as the key's account. */
export function createEndpoint(server: TestServer, key: string, fields: Record<string, unknown>) {
  return request(server, 'POST', '/v1/webhook_endpoints', {
    key,
    body: { webhook_endpoint: fields },
  });
}

/** Creates an endpoint that must be accepted; returns it, with its secret. */
export async function createdEndpoint(
  server: TestServer,
  key: string,
  fields: Record<string, unknown>,
): Promise<any> {
  const res = await createEndpoint(server, key, fields);
  expect(res.status, res.text).toBe(200);
  return res.body.webhook_endpoint;
}

/** The server, and everything a test starts, stopped after it (`cleanUp` in afterEach). */
export class WebhookTestBed {
  server!: TestServer;
  private readonly running: { stop(): Promise<void> }[] = [];

  async start(): Promise<void> {
    this.server = await startTestServer({ encryptionKey: ENCRYPTION_KEY });
  }

  async cleanUp(): Promise<void> {
    const running = this.running.splice(0);
    await Promise.all(running.map((r) => r.stop()));
  }

  async receiver(answer?: (n: number, request: ReceivedWebhook) => Answer): Promise<Receiver> {
    const receiver = await startReceiver(answer);
    this.running.push({ stop: () => receiver.close() });
    return receiver;
  }

  async worker(
    account: TestAccount,
    options: Partial<Omit<TestWebhookWorkerOptions, 'accountIds' | 'encryptionKey'>> = {},
  ): Promise<Worker> {
    const worker = await startTestWebhookWorker({
      accountIds: [account.accountId],
      encryptionKey: ENCRYPTION_KEY,
      ...options,
    });
    this.running.push(worker);
    return worker;
  }

  account(): Promise<TestAccount> {
    return createTestAccount(this.server);
  }

  /** Creates an endpoint (all events unless told otherwise) and returns it with its secret. */
  endpoint(key: string, fields: Record<string, unknown>): Promise<any> {
    return createdEndpoint(this.server, key, { enabled_events: ['*'], ...fields });
  }

  /** An order, so an `order.created` event. */
  async order(key: string, name = 'Widget'): Promise<any> {
    const res = await request(this.server, 'POST', '/v1/orders', {
      key,
      body: { order: { line_items: [{ name, quantity: 1, unit_price_money: { amount: 1000 } }] } },
    });
    expect(res.status, res.text).toBe(200);
    return res.body.order;
  }

  async deliveries(key: string, endpointId: string, query = ''): Promise<any[]> {
    const res = await request(
      this.server,
      'GET',
      `/v1/webhook_endpoints/${endpointId}/deliveries?limit=100${query}`,
      { key },
    );
    expect(res.status, res.text).toBe(200);
    return res.body.webhook_deliveries;
  }

  async showEndpoint(key: string, endpointId: string): Promise<any> {
    const res = await request(this.server, 'GET', `/v1/webhook_endpoints/${endpointId}`, { key });
    expect(res.status, res.text).toBe(200);
    return res.body.webhook_endpoint;
  }
}
