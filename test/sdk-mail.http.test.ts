import { Flint, FlintNotFoundError, FlintPermissionError } from 'flint-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestAccount, startTestServer, type TestServer } from './harness.js';
import { queueTestMail } from './mail-fixtures.js';

// The SDK's test-mode mailbox against the real server: flint.testHelpers.emails.

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const client = (key: string) => new Flint({ apiKey: key, baseUrl: server.url, maxRetries: 0 });

describe('flint.testHelpers.emails', () => {
  it('lists (camelCase filters, every page) and retrieves kept mail', async () => {
    const account = await createTestAccount(server, 'SDK mail');
    const tenant = { accountId: account.accountId, mode: 'test' as const };
    const about = { type: 'invoice', id: 'inv_01m84sgeyjf21ada62ac1e65xf' };
    const mails = [];
    for (let i = 0; i < 3; i++) {
      mails.push(
        await queueTestMail(server.deps, tenant, { to: 'sdk@example.com', object: about }),
      );
    }
    await queueTestMail(server.deps, tenant, { to: 'other@example.com' });
    const flint = client(account.testKey);

    const listed = [];
    for await (const email of flint.testHelpers.emails.list({
      limit: 2,
      relatedObjectId: about.id,
    })) {
      listed.push(email.id);
    }
    expect(listed).toEqual(mails.map((m) => m.id).reverse());

    const one = await flint.testHelpers.emails.retrieve(mails[0]?.id ?? '');
    expect(one).toMatchObject({
      id: mails[0]?.id,
      emailId: mails[0]?.id,
      object: 'email',
      status: 'kept',
      to: 'sdk@example.com',
      relatedObject: about,
      testMode: true,
    });
    expect(one.html).toBe(mails[0]?.html);
  });

  it('raises FlintPermissionError for a live key and FlintNotFoundError for a foreign id', async () => {
    const account = await createTestAccount(server, 'SDK mail');
    const other = await createTestAccount(server, 'Other');
    const mail = await queueTestMail(server.deps, { accountId: account.accountId, mode: 'test' });
    await expect(client(account.liveKey).testHelpers.emails.retrieve(mail.id)).rejects.toThrow(
      FlintPermissionError,
    );
    await expect(client(other.testKey).testHelpers.emails.retrieve(mail.id)).rejects.toThrow(
      FlintNotFoundError,
    );
  });
});
