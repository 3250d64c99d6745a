import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tenant } from '../src/domain/tenant.js';
import { Buyer } from './checkout-page-client.js';
import { signedInConsoleUser } from './console-fixtures.js';
import { createTestAccount, startTestServer, type TestServer } from './harness.js';
import { queueTestMail } from './mail-fixtures.js';

// The console's Mail page over HTTP: the mode's mailbox, one message with its text and its
// HTML in a sandboxed frame, under the console's own Content-Security-Policy.

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

async function mailbox() {
  const account = await createTestAccount(server, 'Mailbox merchant');
  const test: Tenant = { accountId: account.accountId, mode: 'test' };
  const live: Tenant = { accountId: account.accountId, mode: 'live' };
  const { browser } = await signedInConsoleUser(server, account.testKey);
  return { account, test, live, browser };
}

describe('console Mail', () => {
  it("lists the mode's mail, newest first, linked from the navigation", async () => {
    const { test, live, browser } = await mailbox();
    const first = await queueTestMail(server.deps, test, { subject: 'Invoice FLT-000001' });
    const second = await queueTestMail(server.deps, test, {
      subject: 'Reminder <b>soon</b>',
      kind: 'invoice_reminder',
    });
    const liveMail = await queueTestMail(server.deps, live, { subject: 'A live receipt' });

    const page = await browser.get('/console/mail?mode=test');
    expect(page.status, page.text).toBe(200);
    expect(page.text).toContain('href="/console/mail?mode=test">Mail</a>');
    expect(page.text).toContain('Test mode never mails anyone');
    expect(page.text.indexOf(second.id)).toBeLessThan(page.text.indexOf(first.id));
    expect(page.text).toContain('Reminder &lt;b&gt;soon&lt;/b&gt;');
    expect(page.text).not.toContain('<b>soon</b>');
    expect(page.text).not.toContain(liveMail.id);

    const reminders = await browser.get('/console/mail?mode=test&kind=invoice_reminder');
    expect(reminders.text).toContain(second.id);
    expect(reminders.text).not.toContain(first.id);

    const livePage = await browser.get('/console/mail?mode=live');
    expect(livePage.status).toBe(200);
    expect(livePage.text).toContain(liveMail.id);
    expect(livePage.text).toContain('queued');
    expect(livePage.text).not.toContain(first.id);
  });

  it('shows one message: its text escaped, its HTML only in a sandboxed frame', async () => {
    const { test, browser } = await mailbox();
    const mail = await queueTestMail(server.deps, test, {
      text: 'Pay <script>alert(1)</script> now\n',
      html: '<p style="color:red">Hello</p><script>parent.document.title="owned"</script>',
    });
    const page = await browser.get(`/console/mail/${mail.id}?mode=test`);
    expect(page.status, page.text).toBe(200);
    expect(page.text).toContain(mail.subject);
    expect(page.text).toContain(mail.to_address);
    expect(page.text).toContain('Pay &lt;script&gt;alert(1)&lt;/script&gt; now');
    expect(page.text).not.toContain('<script>parent.document');
    expect(page.text).toContain(
      `<iframe class="mail-html" title="The mail's HTML" sandbox="" referrerpolicy="no-referrer" src="/console/mail/${mail.id}/html?mode=test"></iframe>`,
    );
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("frame-src 'self'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");

    const framed = await browser.get(`/console/mail/${mail.id}/html?mode=test`);
    expect(framed.status).toBe(200);
    expect(framed.text).toBe(mail.html);
    expect(framed.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const frameCsp = framed.headers.get('content-security-policy') ?? '';
    expect(frameCsp.split('; ')[0]).toBe('sandbox');
    expect(frameCsp).toContain("default-src 'none'");
    expect(frameCsp).toContain("frame-ancestors 'self'");
    expect(frameCsp).not.toContain('script-src');
    expect(framed.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(framed.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('answers 404 for the other mode, another account and a malformed id; sign-in first', async () => {
    const { test, browser } = await mailbox();
    const mail = await queueTestMail(server.deps, test);
    for (const path of [`/console/mail/${mail.id}`, `/console/mail/${mail.id}/html`]) {
      expect((await browser.get(`${path}?mode=live`)).status).toBe(404);
    }
    const stranger = await mailbox();
    const foreign = await stranger.browser.get(`/console/mail/${mail.id}?mode=test`);
    expect(foreign.status).toBe(404);
    expect(foreign.text).not.toContain(mail.subject);
    expect((await stranger.browser.get(`/console/mail/${mail.id}/html?mode=test`)).status).toBe(
      404,
    );
    expect((await browser.get('/console/mail/em_nope?mode=test')).status).toBe(404);

    const anonymous = new Buyer(server);
    for (const path of [
      '/console/mail',
      `/console/mail/${mail.id}`,
      `/console/mail/${mail.id}/html`,
    ]) {
      const res = await anonymous.get(path);
      expect(res.status, path).toBe(303);
      expect(res.location).toBe('/console/login');
    }
  });
});
