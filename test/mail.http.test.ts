import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  claimDueEmails,
  selectEmailById,
  updateLeasedEmail,
} from '../src/adapters/db/repos/emails-repo.js';
import { transact } from '../src/adapters/db/transact.js';
import { queueMail } from '../src/app/mail/queue-mail.js';
import { fail } from '../src/domain/errors.js';
import type { Tenant } from '../src/domain/tenant.js';
import { expectError } from './catalog-fixtures.js';
import { createTestAccount, request, startTestServer, type TestServer } from './harness.js';
import {
  mailInput,
  queueTestMail,
  readMime,
  startSmtpSink,
  startTestMailWorker,
} from './mail-fixtures.js';
import { waitFor } from './webhook-receiver.js';

// Mail (issue 17): written in the caller's transaction, kept in test mode, sent through a
// real SMTP server process in live mode, listed at /v1/test_helpers/emails.

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

async function tenants() {
  const account = await createTestAccount(server, 'Mail merchant');
  const test: Tenant = { accountId: account.accountId, mode: 'test' };
  const live: Tenant = { accountId: account.accountId, mode: 'live' };
  return { account, test, live };
}

const emailsOf = async (tenant: Tenant) =>
  server.deps.db
    .selectFrom('emails')
    .selectAll()
    .where('account_id', '=', tenant.accountId)
    .where('mode', '=', tenant.mode)
    .execute();

const reload = async (tenant: Tenant, id: string) => {
  const row = await selectEmailById(server.deps.db, tenant, id);
  if (!row) throw new Error(`no email ${id}`);
  return row;
};

describe('queueMail, in the caller transaction', () => {
  it('keeps nothing when the transaction rolls back (a failure or a thrown error)', async () => {
    const { test, live } = await tenants();
    const refused = await transact(server.deps.db, async (tx) => {
      await queueMail(tx, test, mailInput());
      await queueMail(tx, live, mailInput());
      return fail({ code: 'parameter_invalid', message: 'the change was refused' });
    });
    expect(refused.ok).toBe(false);
    await expect(
      transact(server.deps.db, async (tx) => {
        await queueMail(tx, test, mailInput());
        throw new Error('crash after queueing');
      }),
    ).rejects.toThrow('crash after queueing');
    expect(await emailsOf(test)).toEqual([]);
    expect(await emailsOf(live)).toEqual([]);
  });

  it('keeps test-mode mail and queues live-mode mail when the transaction commits', async () => {
    const { test, live } = await tenants();
    const kept = await queueTestMail(server.deps, test, {
      kind: 'invoice',
      object: { type: 'invoice', id: 'inv_01m84sgeyjf21ada62ac1e65xf' },
    });
    expect(kept).toMatchObject({ status: 'kept', next_attempt_at: null, attempt_count: 0 });
    expect(kept.id).toMatch(/^em_[0-7][0-9a-hjkmnp-tv-z]{25}$/);
    const queued = await queueTestMail(server.deps, live);
    expect(queued.status).toBe('queued');
    expect(queued.next_attempt_at).toBeInstanceOf(Date);
  });

  it('writes one mail per dedupe key, however many times (and concurrently) it is queued', async () => {
    const { test, live } = await tenants();
    const dedupeKey = 'invoice:inv_1:reminder:overdue';
    const first = await queueTestMail(server.deps, test, { dedupeKey });
    const again = await transact(server.deps.db, async (tx) => ({
      ok: true as const,
      value: await queueMail(tx, test, mailInput({ dedupeKey, subject: 'Another' })),
    }));
    expect(again.ok && again.value.duplicate).toBe(true);
    expect(again.ok && again.value.email.id).toBe(first.id);
    const racing = await Promise.all(
      Array.from({ length: 5 }, () => queueTestMail(server.deps, live, { dedupeKey })),
    );
    expect(new Set(racing.map((e) => e.id)).size).toBe(1);
    expect(await emailsOf(test)).toHaveLength(1);
    expect(await emailsOf(live)).toHaveLength(1);
    // The key is per account and mode: another account uses it freely.
    const other = await tenants();
    await queueTestMail(server.deps, other.test, { dedupeKey });
    expect(await emailsOf(other.test)).toHaveLength(1);
  });

  it('refuses an address or subject that would add headers', async () => {
    const { test } = await tenants();
    await expect(
      queueTestMail(server.deps, test, { to: 'a@example.com\r\nBcc: b@example.com' }),
    ).rejects.toThrow('one line');
    await expect(queueTestMail(server.deps, test, { subject: 'Hi\nBcc: x@y.z' })).rejects.toThrow(
      'one line',
    );
    expect(await emailsOf(test)).toEqual([]);
  });
});

describe('delivery through SMTP (a real smtp-server process)', () => {
  it('sends live-mode mail with its subject, text and HTML, and never test-mode mail', async () => {
    const sink = await startSmtpSink();
    const { test, live } = await tenants();
    const worker = startTestMailWorker(server.deps, {
      url: sink.url,
      accountIds: [live.accountId],
    });
    try {
      const kept = await queueTestMail(server.deps, test, { to: 'test-buyer@example.com' });
      const queued = await queueTestMail(server.deps, live, { to: 'live-buyer@example.com' });
      await waitFor(
        'the live mail sent',
        async () => (await reload(live, queued.id)).status === 'sent',
      );
      const sent = await reload(live, queued.id);
      expect(sent).toMatchObject({
        status: 'sent',
        attempt_count: 1,
        from_address: 'Shop <billing@shop.example>',
        last_error: null,
        locked_until: null,
      });
      expect(sent.sent_at).toBeInstanceOf(Date);
      expect(sent.provider_message_id).toBe(`<${queued.id}@shop.example>`);

      expect(sink.received).toHaveLength(1);
      const [message] = sink.received;
      expect(message?.to).toEqual(['live-buyer@example.com']);
      expect(message?.from).toBe('billing@shop.example');
      const mime = readMime(message?.raw ?? '');
      expect(mime.subject).toBe(queued.subject);
      expect(mime.messageId).toBe(`<${queued.id}@shop.example>`);
      expect(mime.text.trimEnd()).toBe(queued.text.trimEnd());
      expect(mime.html.trimEnd()).toBe(queued.html);
      expect(mime.text).toContain('"Café" <included>');
      expect(mime.html).toContain('&quot;Café&quot; &lt;included&gt;');

      // A few more passes: the test-mode mail stays kept, and nothing else goes out.
      await new Promise((resolve) => setTimeout(resolve, 150));
      expect((await reload(test, kept.id)).status).toBe('kept');
      expect(sink.received).toHaveLength(1);
    } finally {
      await worker.stop();
      await sink.close();
    }
  });

  it('never sends test-mode mail, even with the worker serving the account', async () => {
    const sink = await startSmtpSink();
    const { test } = await tenants();
    const worker = startTestMailWorker(server.deps, {
      url: sink.url,
      accountIds: [test.accountId],
    });
    try {
      const kept = await queueTestMail(server.deps, test);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(await reload(test, kept.id)).toMatchObject({ status: 'kept', attempt_count: 0 });
      expect(sink.received).toEqual([]);
    } finally {
      await worker.stop();
      await sink.close();
    }
  });

  it('retries a temporary refusal (451) on the schedule, then marks the mail failed', async () => {
    const sink = await startSmtpSink(() => 451);
    const { live } = await tenants();
    const worker = startTestMailWorker(server.deps, {
      url: sink.url,
      accountIds: [live.accountId],
      scheduleMs: [0, 30, 30],
    });
    try {
      const queued = await queueTestMail(server.deps, live);
      await waitFor(
        'the mail failed',
        async () => (await reload(live, queued.id)).status === 'failed',
      );
      const failed = await reload(live, queued.id);
      expect(failed.attempt_count).toBe(3);
      expect(failed.last_error).toContain('451');
      expect(failed).toMatchObject({ next_attempt_at: null, locked_until: null, sent_at: null });
      expect(sink.refusals()).toBe(3);
      expect(sink.received).toEqual([]);
    } finally {
      await worker.stop();
      await sink.close();
    }
  });

  it('marks a permanent refusal (550) failed at once, and a later mail still goes out', async () => {
    const sink = await startSmtpSink((to) => (to.startsWith('nobody') ? 550 : null));
    const { live } = await tenants();
    const worker = startTestMailWorker(server.deps, {
      url: sink.url,
      accountIds: [live.accountId],
    });
    try {
      const refused = await queueTestMail(server.deps, live, { to: 'nobody@example.com' });
      const fine = await queueTestMail(server.deps, live, { to: 'someone@example.com' });
      await waitFor('both answered', async () => {
        const [a, b] = [await reload(live, refused.id), await reload(live, fine.id)];
        return a.status === 'failed' && b.status === 'sent';
      });
      expect(await reload(live, refused.id)).toMatchObject({ attempt_count: 1 });
      expect(sink.received.map((m) => m.to)).toEqual([['someone@example.com']]);
    } finally {
      await worker.stop();
      await sink.close();
    }
  });

  it('leaves mail queued while the server is unreachable, and sends it once it answers', async () => {
    const sink = await startSmtpSink();
    await sink.close(); // nothing listens on its port now
    const { live } = await tenants();
    const down = startTestMailWorker(server.deps, {
      url: sink.url,
      accountIds: [live.accountId],
      scheduleMs: [0, 30, 30, 30, 30, 30, 30, 30, 30, 30],
    });
    const queued = await queueTestMail(server.deps, live);
    try {
      await waitFor(
        'a failed attempt',
        async () => (await reload(live, queued.id)).attempt_count > 0,
      );
      const waiting = await reload(live, queued.id);
      expect(waiting.status).toBe('queued');
      expect(waiting.last_error).not.toBeNull();
    } finally {
      await down.stop();
    }
    const up = await startSmtpSink();
    const worker = startTestMailWorker(server.deps, {
      url: up.url,
      accountIds: [live.accountId],
      scheduleMs: [0, 30, 30, 30, 30, 30, 30, 30, 30, 30],
    });
    try {
      await waitFor('the mail sent', async () => (await reload(live, queued.id)).status === 'sent');
      expect(up.received).toHaveLength(1);
    } finally {
      await worker.stop();
      await up.close();
    }
  });
});

describe('many workers, and a worker that dies', () => {
  it('sends each mail once with three workers on one database', async () => {
    const sink = await startSmtpSink();
    const { live } = await tenants();
    const workers = [1, 2, 3].map(() =>
      startTestMailWorker(server.deps, { url: sink.url, accountIds: [live.accountId] }),
    );
    try {
      const mails = [];
      for (let i = 0; i < 12; i++) mails.push(await queueTestMail(server.deps, live));
      await waitFor('every mail sent', async () =>
        (await emailsOf(live)).every((e) => e.status === 'sent'),
      );
      const sentTo = sink.received.flatMap((m) => m.to).sort();
      expect(sentTo).toEqual(mails.map((m) => m.to_address).sort());
      expect((await emailsOf(live)).every((e) => e.attempt_count === 1)).toBe(true);
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
      await sink.close();
    }
  });

  it("takes over a crashed worker's mail once its lease runs out; the late record is refused", async () => {
    const sink = await startSmtpSink();
    const { live } = await tenants();
    const queued = await queueTestMail(server.deps, live);
    const scope = { accountIds: [live.accountId] };
    // A worker claims the mail, then dies before sending (or before recording a send).
    const [claimed] = await claimDueEmails(server.deps.db, scope, {
      now: new Date(),
      leaseMs: 300,
      limit: 10,
    });
    expect(claimed?.id).toBe(queued.id);
    // While the lease holds, no other worker takes it.
    expect(
      await claimDueEmails(server.deps.db, scope, { now: new Date(), leaseMs: 300, limit: 10 }),
    ).toEqual([]);
    const worker = startTestMailWorker(server.deps, {
      url: sink.url,
      accountIds: [live.accountId],
    });
    try {
      await waitFor('the mail sent', async () => (await reload(live, queued.id)).status === 'sent');
      expect(sink.received).toHaveLength(1);
      // The dead worker's record, arriving late, changes nothing.
      if (!claimed) throw new Error('claimed nothing');
      const late = await updateLeasedEmail(server.deps.db, claimed, {
        status: 'failed',
        last_error: 'late',
        updated_at: new Date(),
      });
      expect(late).toBe(false);
      expect(await reload(live, queued.id)).toMatchObject({ status: 'sent', last_error: null });
    } finally {
      await worker.stop();
      await sink.close();
    }
  });
});

describe('GET /v1/test_helpers/emails', () => {
  it('lists the test-mode mailbox newest first, with keyset pagination and filters', async () => {
    const { account, test, live } = await tenants();
    const a = await queueTestMail(server.deps, test, { to: 'jo@example.com', kind: 'invoice' });
    const b = await queueTestMail(server.deps, test, {
      to: 'jo@example.com',
      kind: 'invoice_reminder',
      object: { type: 'invoice', id: 'inv_01m84sgeyjf21ada62ac1e65xf' },
      dedupeKey: 'inv:reminder:1',
    });
    const c = await queueTestMail(server.deps, test, { to: 'al@example.com' });
    await queueTestMail(server.deps, live, { to: 'jo@example.com' });
    const key = account.testKey;

    const all = await request(server, 'GET', '/v1/test_helpers/emails', { key });
    expect(all.status, all.text).toBe(200);
    expect(all.body.emails.map((e: any) => e.email_id)).toEqual([c.id, b.id, a.id]);
    expect(all.body).toMatchObject({ has_more: false, next_cursor: null });

    const first = await request(server, 'GET', '/v1/test_helpers/emails?limit=2', { key });
    expect(first.body.emails.map((e: any) => e.email_id)).toEqual([c.id, b.id]);
    expect(first.body).toMatchObject({ has_more: true, next_cursor: b.id });
    const second = await request(
      server,
      'GET',
      `/v1/test_helpers/emails?limit=2&starting_after=${b.id}`,
      { key },
    );
    expect(second.body.emails.map((e: any) => e.email_id)).toEqual([a.id]);
    expect(second.body.has_more).toBe(false);

    const toJo = await request(server, 'GET', '/v1/test_helpers/emails?to=jo@example.com', {
      key,
    });
    expect(toJo.body.emails.map((e: any) => e.email_id)).toEqual([b.id, a.id]);
    const reminders = await request(
      server,
      'GET',
      '/v1/test_helpers/emails?kind=invoice_reminder',
      { key },
    );
    expect(reminders.body.emails.map((e: any) => e.email_id)).toEqual([b.id]);
    const about = await request(
      server,
      'GET',
      '/v1/test_helpers/emails?related_object_id=inv_01m84sgeyjf21ada62ac1e65xf',
      { key },
    );
    expect(about.body.emails.map((e: any) => e.email_id)).toEqual([b.id]);

    const one = await request(server, 'GET', `/v1/test_helpers/emails/${b.id}`, { key });
    expect(one.status, one.text).toBe(200);
    expect(one.body.email).toEqual({
      email_id: b.id,
      object: 'email',
      kind: 'invoice_reminder',
      status: 'kept',
      to: 'jo@example.com',
      from: null,
      subject: b.subject,
      text: b.text,
      html: b.html,
      related_object: { type: 'invoice', id: 'inv_01m84sgeyjf21ada62ac1e65xf' },
      dedupe_key: 'inv:reminder:1',
      attempt_count: 0,
      last_error: null,
      provider_message_id: null,
      sent_at: null,
      test_mode: true,
      created_at: b.created_at.toISOString(),
      updated_at: b.updated_at.toISOString(),
    });
  });

  it('answers a live key 403 test_mode_only, and another account 404', async () => {
    const { account, test } = await tenants();
    const other = await createTestAccount(server, 'Other merchant');
    const mail = await queueTestMail(server.deps, test);
    for (const path of ['/v1/test_helpers/emails', `/v1/test_helpers/emails/${mail.id}`]) {
      const res = await request(server, 'GET', path, { key: account.liveKey });
      expectError(res, 403, 'forbidden', 'test_mode_only');
    }
    const foreign = await request(server, 'GET', `/v1/test_helpers/emails/${mail.id}`, {
      key: other.testKey,
    });
    expectError(foreign, 404, 'not_found', 'resource_missing');
    const theirs = await request(server, 'GET', '/v1/test_helpers/emails', { key: other.testKey });
    expect(theirs.body.emails).toEqual([]);
  });

  it('refuses bad parameters with the one error shape, and a live key before them', async () => {
    const { account } = await tenants();
    const key = account.testKey;
    for (const [query, loc] of [
      ['kind=spam', 'kind'],
      ['limit=0', 'limit'],
      ['limit=101', 'limit'],
      ['starting_after=ord_01h455vb4pex5vsknk084sn02q', 'starting_after'],
    ] as const) {
      const res = await request(server, 'GET', `/v1/test_helpers/emails?${query}`, { key });
      expectError(res, 422, 'validation_error', 'parameter_invalid');
      expect(
        res.body.error.errors.map((e: any) => e.loc),
        query,
      ).toContainEqual([loc]);
    }
    expectError(
      await request(server, 'GET', '/v1/test_helpers/emails/em_nope', { key }),
      422,
      'validation_error',
      'parameter_invalid',
    );
    expectError(
      await request(server, 'GET', '/v1/test_helpers/emails?colour=red', { key }),
      400,
      'invalid_request',
      'parameter_unknown',
    );
  });
});
