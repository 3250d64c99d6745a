import { expect } from 'vitest';
import { Buyer, hidden } from './checkout-page-client.js';
import { request, type TestServer } from './harness.js';

export const CONSOLE_PASSWORD = 'correct horse battery staple';
let people = 0;

/**
 * A new console user of the live key's account who has set their password through the
 * invite link: the browser they did it in is signed in.
 */
export async function signedInUser(
  server: Pick<TestServer, 'url'>,
  liveKey: string,
  role = 'owner',
) {
  const email = `person${++people}.${Date.now()}@shop.example`;
  const res = await request(server, 'POST', '/v1/console_users', {
    key: liveKey,
    body: { console_user: { email, role } },
  });
  expect(res.status, res.text).toBe(200);
  const browser = new Buyer(server);
  const path = new URL(res.body.console_user.invite_url).pathname;
  const page = await browser.get(path);
  const done = await browser.post(path, {
    csrf_token: hidden(page.text, 'csrf_token'),
    password: CONSOLE_PASSWORD,
  });
  expect(done.status, done.text).toBe(303);
  return { browser, email, invitePage: page };
}
