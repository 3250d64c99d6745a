import { expect } from 'vitest';
import { BUILT_IN_JOB_KINDS } from '../src/app/jobs/built-in-job-kinds.js';
import { runDueJobs } from '../src/app/jobs/run-due-jobs.js';
import type { Deps } from '../src/app/shared/deps.js';
import type { Clock } from '../src/ports/clock.js';
import { defaultProcessors } from '../src/processors.js';
import { type Buyer, GOOD_CARD, hidden } from './checkout-page-client.js';
import {
  request,
  startTestServer,
  type TestResponse,
  type TestServer,
  testDatabase,
} from './harness.js';

// Shared by the recovery link tests: a clock the test moves, the link's API calls, its page.

/** The real clock moved forward by `offsetMs` (the server's and the due jobs' time). */
export class OffsetClock implements Clock {
  offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
}

export const MINUTE = 60_000;

/** A server on `clock` whose public pages are at https://pay.example (links' and mails' URLs). */
export async function startRecoveryServer(clock: Clock): Promise<TestServer> {
  const { db } = await testDatabase();
  return startTestServer({
    deps: { db, clock, publicUrl: 'https://pay.example' },
    pageRateLimits: { pages: 1000, payments: 1000 },
  });
}

export function recoveryCalls(server: Pick<TestServer, 'url'>, key: string) {
  const call = (method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
    request(server, method, path, { key, body, ...(headers ? { headers } : {}) });
  const okBody = (res: TestResponse) => {
    expect(res.status, res.text).toBe(200);
    return res.body;
  };
  return {
    call,
    create: (
      orderId: string,
      link: Record<string, unknown> = {},
      headers?: Record<string, string>,
    ) => call('POST', `/v1/orders/${orderId}/recovery_links`, { recovery_link: link }, headers),
    async created(orderId: string, link: Record<string, unknown> = {}) {
      return okBody(
        await call('POST', `/v1/orders/${orderId}/recovery_links`, { recovery_link: link }),
      ).recovery_link;
    },
    async get(id: string) {
      return okBody(await call('GET', `/v1/recovery_links/${id}`)).recovery_link;
    },
    async order(id: string) {
      return okBody(await call('GET', `/v1/orders/${id}`)).order;
    },
    async eventTypes(objectId: string): Promise<string[]> {
      const body = okBody(await call('GET', `/v1/events?object_id=${objectId}&limit=100`));
      return body.events.map((e: { type: string }) => e.type).reverse();
    },
    async emails(): Promise<any[]> {
      return okBody(await call('GET', '/v1/test_helpers/emails?kind=recovery')).emails;
    },
    setAutomatic: (on: boolean) =>
      call('POST', '/v1/recovery_settings', { recovery_settings: { automatic_recovery: on } }),
  };
}

/** The page's path of a link (its `url` is on the public address). */
export const pathOf = (link: { url: string }) => new URL(link.url).pathname;

/** Opens a link's page and pays it with `fields` (a valid test card unless overridden). */
export async function payOnLinkPage(
  buyer: Buyer,
  path: string,
  fields: Record<string, string> = {},
) {
  const page = await buyer.get(path);
  expect(page.status, page.text).toBe(200);
  return buyer.post(`${path}/pay`, {
    csrf_token: hidden(page.text, 'csrf_token'),
    attempt: hidden(page.text, 'attempt'),
    ...GOOD_CARD,
    ...fields,
  });
}

/** Runs the built-in due jobs of one account up to the clock's time (as a worker would). */
export function runJobsUntilNow(deps: Deps, clock: Clock, accountId: string) {
  return runDueJobs(
    deps,
    {
      kinds: BUILT_IN_JOB_KINDS,
      owner: null,
      scope: { accountIds: [accountId] },
      processors: defaultProcessors(deps.db, null),
    },
    { until: clock.now() },
  );
}
