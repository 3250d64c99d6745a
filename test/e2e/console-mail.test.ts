import { describe, expect, it } from 'vitest';
import type { Tenant } from '../../src/domain/tenant.js';
import { createTestAccount, liveKeyOf, request } from '../harness.js';
import { queueTestMail } from '../mail-fixtures.js';
import { browserSuite, expectStrictCsp, inPage, skipBrowserTests, textOf } from './browser.js';

// The console's Mail page in Chromium: from the navigation to one message, its HTML
// rendered (inline styles and all) in a sandboxed frame where no script runs, the
// console's own policy unchanged.

const PASSWORD = 'correct horse battery staple';

describe.skipIf(skipBrowserTests)('console Mail in a browser', () => {
  const suite = browserSuite();

  it('shows a kept mail: text, and HTML framed and styled, with its scripts dead', async () => {
    const account = await createTestAccount(suite.server, 'Mailroom');
    const tenant: Tenant = { accountId: account.accountId, mode: 'test' };
    const mail = await queueTestMail(suite.server.deps, tenant, {
      subject: 'Invoice FLT-000007',
      html:
        '<!doctype html><html><body><h1 id="mail-heading" style="color:rgb(200, 0, 0)">Invoice FLT-000007</h1>' +
        '<script>parent.document.title = "owned"; document.body.dataset.ran = "yes";</script></body></html>',
    });
    const invited = await request(suite.server, 'POST', '/v1/console_users', {
      key: liveKeyOf(account.testKey),
      body: { console_user: { email: `mail.${Date.now()}@shop.example`, role: 'viewer' } },
    });
    expect(invited.status, invited.text).toBe(200);
    const tab = await suite.openTab();
    await tab.page.goto(invited.body.console_user.invite_url);
    await tab.page.getByLabel('New password').fill(PASSWORD);
    await Promise.all([
      tab.page.waitForURL('**/console/orders'),
      tab.page.getByRole('button', { name: 'Set password and sign in' }).click(),
    ]);

    await Promise.all([
      tab.page.waitForURL('**/console/mail?mode=test'),
      tab.page.getByRole('link', { name: 'Mail', exact: true }).click(),
    ]);
    const [response] = await Promise.all([
      tab.page.waitForResponse((r) => r.url().includes(`/console/mail/${mail.id}?`)),
      tab.page.getByRole('link', { name: mail.id }).click(),
    ]);
    await expectStrictCsp(response);
    expect(await textOf(tab.page.getByRole('heading', { level: 1 }))).toBe('Invoice FLT-000007');
    expect(await textOf(tab.page.locator('#mail-text'))).toContain('Thanks for your order');

    const framed = tab.page.frameLocator('iframe.mail-html');
    const heading = framed.locator('#mail-heading');
    expect(await textOf(heading)).toBe('Invoice FLT-000007');
    // The tests compile without the DOM typings: the frame's window, untyped.
    const color = await heading.evaluate(
      (el: any) => el.ownerDocument.defaultView.getComputedStyle(el).color as string,
    );
    expect(color).toBe('rgb(200, 0, 0)');
    expect(await framed.locator('body').getAttribute('data-ran')).toBeNull();
    expect(await inPage<string>(tab.page, 'document.title')).not.toBe('owned');
    // Chromium says, once, that the sandbox kept the mail's script from running.
    tab.expectProblem(/Blocked script execution/);
  });
});
