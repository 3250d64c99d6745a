import { expect } from 'vitest';
import { Buyer, type BuyerOptions, hidden } from './checkout-page-client.js';
import { liveKeyOf, request, type TestServer } from './harness.js';

export const CONSOLE_PASSWORD = 'correct horse battery staple';
let emails = 0;
export const newConsoleEmail = () => `op${++emails}.${Date.now()}@shop.example`;

export interface InvitedUser {
  readonly console_user_id: string;
  readonly email: string;
  readonly invite_url: string;
}

export async function inviteConsoleUser(
  server: Pick<TestServer, 'url'>,
  key: string,
  fields: Record<string, unknown> = {},
): Promise<InvitedUser> {
  const res = await request(server, 'POST', '/v1/console_users', {
    // console users are account-wide: only a live key may invite them
    key: liveKeyOf(key),
    body: { console_user: { email: newConsoleEmail(), role: 'owner', ...fields } },
  });
  expect(res.status, res.text).toBe(200);
  return res.body.console_user;
}

/** A browser signed in as a new console user of the account (its password set by invite). */
export async function signedInConsoleUser(
  server: Pick<TestServer, 'url'>,
  key: string,
  fields: Record<string, unknown> = {},
  options: BuyerOptions = {},
): Promise<{ browser: Buyer; user: InvitedUser }> {
  const user = await inviteConsoleUser(server, key, fields);
  const browser = new Buyer(server, options);
  const path = new URL(user.invite_url).pathname;
  const page = await browser.get(path);
  const done = await browser.post(path, {
    csrf_token: hidden(page.text, 'csrf_token'),
    password: CONSOLE_PASSWORD,
  });
  expect(done.status, done.text).toBe(303);
  return { browser, user };
}

/** Posts the sign-in form (read fresh from the page) with `email` and `password`. */
export async function postSignIn(browser: Buyer, email: string, password: string) {
  const page = await browser.get('/console/login');
  return browser.post('/console/login', {
    csrf_token: hidden(page.text, 'csrf_token'),
    email,
    password,
  });
}
