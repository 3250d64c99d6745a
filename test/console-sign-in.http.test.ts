import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../src/ports/clock.js';
import { Buyer, loopbackAddress, type PageResponse } from './checkout-page-client.js';
import {
  CONSOLE_PASSWORD,
  newConsoleEmail,
  postSignIn,
  signedInConsoleUser,
} from './console-fixtures.js';
import { createTestAccount, startTestServer, type TestServer, testDatabase } from './harness.js';

// Sign-in failures are counted in the database, per email and per address, with backoff:
// two servers (two processes' worth of app) on one database and one clock the test moves.
let offsetMs = 0;
const clock: Clock = { now: () => new Date(Date.now() + offsetMs) };
let one: TestServer;
let two: TestServer;
let strict: TestServer;
beforeAll(async () => {
  const { db } = await testDatabase();
  one = await startTestServer({ deps: { db, clock } });
  two = await startTestServer({ deps: { db, clock } });
  strict = await startTestServer({
    deps: { db, clock },
    signInLimits: { perEmail: 5, perAddress: 3 },
  });
});
afterAll(async () => {
  await Promise.all([one.close(), two.close(), strict.close()]);
});

const statusesOf = (responses: PageResponse[]) => responses.map((r) => r.status);

async function failures(browsers: Buyer[], email: string, count: number) {
  const answers: PageResponse[] = [];
  for (let i = 0; i < count; i++) {
    const browser = browsers[i % browsers.length] as Buyer;
    answers.push(await postSignIn(browser, email, 'wrong password!!'));
  }
  return answers;
}

function expectLockedOut(res: PageResponse, wait: string, seconds: number) {
  expect(res.status).toBe(429);
  expect(res.text).toContain(`Too many failed sign-ins. Try again in ${wait}.`);
  expect(res.headers.get('retry-after')).toBe(String(seconds));
}

describe('console sign-in failures', () => {
  it('locks an email after 5 failures on any process, even for the right password, doubling the wait', async () => {
    const { testKey: key } = await createTestAccount(one);
    const { user } = await signedInConsoleUser(one, key);
    const onOne = new Buyer(one, { from: loopbackAddress() });
    const onTwo = onOne.at(two);
    // Five failures, spread over both processes, count as five.
    expect(statusesOf(await failures([onOne, onTwo], user.email, 5))).toEqual([
      401, 401, 401, 401, 401,
    ]);
    expectLockedOut(await postSignIn(onOne, user.email, CONSOLE_PASSWORD), '2 seconds', 2);
    expectLockedOut(
      await postSignIn(onTwo, user.email.toUpperCase(), CONSOLE_PASSWORD),
      '2 seconds',
      2,
    );
    // Another email from the same address is not locked.
    expect((await postSignIn(onTwo, newConsoleEmail(), 'wrong password!!')).status).toBe(401);

    offsetMs += 2000;
    expect(statusesOf(await failures([onTwo], user.email, 1))).toEqual([401]);
    expectLockedOut(await postSignIn(onOne, user.email, CONSOLE_PASSWORD), '4 seconds', 4);
    offsetMs += 4000;
    const signedIn = await postSignIn(onOne, user.email, CONSOLE_PASSWORD);
    expect(signedIn.status).toBe(303);
    expect(signedIn.location).toBe('/console/orders');

    // The success cleared the email: a new streak needs five failures again, from 2 s.
    expect(statusesOf(await failures([onTwo, onOne], user.email, 5))).toEqual([
      401, 401, 401, 401, 401,
    ]);
    expectLockedOut(await postSignIn(onTwo, user.email, CONSOLE_PASSWORD), '2 seconds', 2);
  });

  it('locks an address after its limit of failures, whatever the emails; other addresses still sign in', async () => {
    const { testKey: key } = await createTestAccount(strict);
    const { user } = await signedInConsoleUser(strict, key);
    const from = loopbackAddress();
    const attacker = new Buyer(strict, { from });
    const answers = [];
    for (let i = 0; i < 3; i++) {
      answers.push(await postSignIn(attacker, newConsoleEmail(), 'wrong password!!'));
    }
    expect(statusesOf(answers)).toEqual([401, 401, 401]);
    expectLockedOut(await postSignIn(attacker, user.email, CONSOLE_PASSWORD), '2 seconds', 2);
    const { db } = await testDatabase();
    const row = await db
      .selectFrom('sign_in_failures')
      .select(['failures'])
      .where('subject', '=', 'address')
      .where('value', '=', from)
      .executeTakeFirstOrThrow();
    expect(row.failures).toBe(3); // the refused attempt was not checked, so not counted

    const elsewhere = new Buyer(strict, { from: loopbackAddress() });
    expect((await postSignIn(elsewhere, user.email, CONSOLE_PASSWORD)).status).toBe(303);
  });

  it('never counts successes: a dozen sign-ins from one address in a minute all succeed', async () => {
    const { testKey: key } = await createTestAccount(strict);
    const { user } = await signedInConsoleUser(strict, key);
    const office = new Buyer(strict, { from: loopbackAddress() });
    const answers = [];
    for (let i = 0; i < 12; i++)
      answers.push(await postSignIn(office, user.email, CONSOLE_PASSWORD));
    expect(statusesOf(answers)).toEqual(Array(12).fill(303));
  });
});
