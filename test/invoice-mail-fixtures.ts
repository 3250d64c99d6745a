import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { BUILT_IN_JOB_KINDS } from '../src/app/jobs/built-in-job-kinds.js';
import { type DueJobCounts, runDueJobs } from '../src/app/jobs/run-due-jobs.js';
import type { Clock } from '../src/ports/clock.js';
import { request, startTestServer, type TestServer, testDatabase } from './harness.js';

// Invoice mail in tests: a test clock the server's deps run by (its jobs carry its id and
// run only when a test runs them up to a time), the due jobs run as a worker runs them,
// and the mailbox read through the API.

export interface TestClock extends Clock {
  readonly id: string;
  set(iso: string): void;
}

/** A clock that stands still at `start` until set. */
export function testClock(start: string): TestClock {
  let now = new Date(start);
  return {
    id: `clock_${randomBytes(6).toString('hex')}`,
    now: () => new Date(now),
    set(iso: string) {
      now = new Date(iso);
    },
  };
}

/** Runs an account's due jobs of the clock up to `until` (the clock is set there first). */
export function runJobsUntil(
  server: TestServer,
  clock: TestClock,
  { accountId, until }: { readonly accountId: string; readonly until: string },
): Promise<DueJobCounts> {
  clock.set(until);
  return runDueJobs(
    server.deps,
    { kinds: BUILT_IN_JOB_KINDS, owner: null, scope: { accountIds: [accountId] } },
    { clockId: clock.id, until: new Date(until) },
  );
}

export interface TestEmail {
  readonly email_id: string;
  readonly kind: string;
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  readonly dedupe_key: string | null;
  readonly related_object: { readonly type: string; readonly id: string } | null;
}

/** The test-mode mail about an object, oldest first (optionally of one kind). */
export async function mailsAbout(
  server: Pick<TestServer, 'url'>,
  key: string,
  objectId: string,
  kind?: string,
): Promise<TestEmail[]> {
  const query = new URLSearchParams({ related_object_id: objectId, limit: '100' });
  if (kind) query.set('kind', kind);
  const res = await request(server, 'GET', `/v1/test_helpers/emails?${query}`, { key });
  expect(res.status, res.text).toBe(200);
  return [...res.body.emails].reverse();
}

/** Sets the account's invoice settings in the key's mode; anything but a 200 fails. */
export async function setInvoiceSettings(
  server: Pick<TestServer, 'url'>,
  key: string,
  settings: Record<string, unknown>,
) {
  const res = await request(server, 'POST', '/v1/invoice_settings', {
    key,
    body: { invoice_settings: settings },
  });
  expect(res.status, res.text).toBe(200);
  return res.body.invoice_settings;
}

/** The real HTTP server, its deps running by a test clock that stands at `start`. */
export async function startClockServer(
  start: string,
): Promise<{ readonly server: TestServer; readonly clock: TestClock }> {
  const clock = testClock(start);
  const server = await startTestServer({ deps: { db: (await testDatabase()).db, clock } });
  return { server, clock };
}
