import { randomBytes } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DatabaseHandle, openDatabase } from '../src/adapters/db/database.js';
import type { Database } from '../src/adapters/db/schema.js';
import { transact } from '../src/adapters/db/transact.js';
import type { AnyJobKind, JobKind } from '../src/app/jobs/job-kinds.js';
import { type DueJobRunner, runDueJobs } from '../src/app/jobs/run-due-jobs.js';
import { cancelJob, findJob, scheduleJob, scheduleJobIn } from '../src/app/jobs/schedule-jobs.js';
import type { Deps } from '../src/app/shared/deps.js';
import { retireInstance, startInstance } from '../src/app/shared/instances.js';
import { fail, ok } from '../src/domain/errors.js';
import type { Tenant } from '../src/domain/tenant.js';
import { systemClock } from '../src/ports/clock.js';
import { startDueJobsWorker } from '../src/workers/due-jobs.js';
import { createTestAccount, startTestServer, type TestServer, testDatabase } from './harness.js';
import { waitFor } from './webhook-receiver.js';

// Scheduled work on the due-jobs table, on the worker's database (PGlite, or PostgreSQL with
// DATABASE_URL): a job runs to success once however many runners race for it and whoever
// dies mid-job; due times are the database's; a job is scheduled with the transaction that
// asks for it. What a job did is a row its handler writes with its completion
// (`due_job_test_effects`), so "once" is counted in the database, not in memory.

const POSTGRES = Boolean(process.env.DATABASE_URL);

let server: TestServer;
let db: Kysely<Database>;
let deps: Deps;
const extraHandles: DatabaseHandle[] = [];

beforeAll(async () => {
  server = await startTestServer();
  db = (await testDatabase()).db;
  deps = { db, clock: systemClock };
  await sql`create table if not exists due_job_test_effects (
    job_id text not null, attempt integer not null)`.execute(db);
});

afterAll(async () => {
  for (const handle of extraHandles) await handle.close();
  await server.close();
});

/** A fresh account, its test mode as the tenant, and a runner scoped to it. */
async function seed(): Promise<{ tenant: Tenant; scope: { accountIds: string[] } }> {
  const { accountId } = await createTestAccount(server);
  return { tenant: { accountId, mode: 'test' }, scope: { accountIds: [accountId] } };
}

const unique = (name: string) => `test.${name}.${randomBytes(4).toString('hex')}`;

type Payload = { readonly n: number };

/** A kind whose handler records its effect with its completion, after `before` (if any). */
function effectKind(
  name: string,
  options: Partial<Pick<JobKind<Payload>, 'maxAttempts' | 'backoff'>> & {
    readonly before?: (attempt: number) => Promise<void>;
  } = {},
): JobKind<Payload> & { readonly calls: string[] } {
  const { before, ...settings } = options;
  const calls: string[] = [];
  return {
    kind: unique(name),
    ...settings,
    calls,
    async run(ctx, job) {
      calls.push(job.id);
      await before?.(job.attempt);
      await ctx.complete((tx) =>
        sql`insert into due_job_test_effects (job_id, attempt) values (${job.id}, ${job.attempt})`.execute(
          tx,
        ),
      );
    },
  };
}

async function effectsOf(jobIds: readonly string[]): Promise<Map<string, number[]>> {
  const { rows } = await sql<{ job_id: string; attempt: number }>`select job_id, attempt
    from due_job_test_effects where job_id in (${sql.join(jobIds)}) order by attempt`.execute(db);
  const effects = new Map<string, number[]>();
  for (const row of rows)
    effects.set(row.job_id, [...(effects.get(row.job_id) ?? []), row.attempt]);
  return effects;
}

function runner(
  kinds: AnyJobKind[],
  scope: { accountIds: string[] },
  extra: Partial<DueJobRunner> = {},
) {
  return { kinds, scope, owner: null, ...extra } satisfies DueJobRunner;
}

describe('scheduling', () => {
  it('schedules a key once: twice is one job, run once, and a finished job is not run again', async () => {
    const { tenant, scope } = await seed();
    const kind = effectKind('once');
    const first = await scheduleJob(
      { deps, tenant },
      { kind, key: 'order:1:thanks', payload: { n: 1 } },
    );
    const second = await scheduleJob(
      { deps, tenant },
      { kind, key: 'order:1:thanks', payload: { n: 2 } },
    );
    expect(first.scheduled).toBe(true);
    expect(second).toMatchObject({
      scheduled: false,
      job: { id: first.job.id, payload: { n: 1 } },
    });

    expect(await runDueJobs(deps, runner([kind], scope))).toEqual({
      succeeded: 1,
      retried: 0,
      failed: 0,
      lost: 0,
    });
    const again = await scheduleJob(
      { deps, tenant },
      { kind, key: 'order:1:thanks', payload: { n: 3 } },
    );
    expect(again).toMatchObject({
      scheduled: false,
      job: { id: first.job.id, status: 'succeeded' },
    });
    expect((await runDueJobs(deps, runner([kind], scope))).succeeded).toBe(0);
    expect(kind.calls).toEqual([first.job.id]);
    expect(await effectsOf([first.job.id])).toEqual(new Map([[first.job.id, [1]]]));
  });

  it('keeps keys apart per kind and per mode', async () => {
    const { tenant } = await seed();
    const a = effectKind('a');
    const b = effectKind('b');
    const input = { key: 'invoice:inv_1:reminder', payload: { n: 1 } };
    const ids = [
      (await scheduleJob({ deps, tenant }, { ...input, kind: a })).job.id,
      (await scheduleJob({ deps, tenant }, { ...input, kind: b })).job.id,
      (await scheduleJob({ deps, tenant: { ...tenant, mode: 'live' } }, { ...input, kind: a })).job
        .id,
    ];
    expect(new Set(ids).size).toBe(3);
  });

  it('schedules with the transaction that asks for it: a rollback leaves no job', async () => {
    const { tenant } = await seed();
    const kind = effectKind('rollback');
    const refused = await transact(db, async (tx) => {
      await scheduleJobIn(tx, tenant, { kind, key: 'gone', payload: { n: 1 } });
      return fail({ code: 'parameter_invalid', message: 'refused after scheduling' });
    });
    expect(refused.ok).toBe(false);
    expect(await findJob({ deps, tenant }, { kind: kind.kind, key: 'gone' })).toBeUndefined();

    await transact(db, async (tx) => {
      await scheduleJobIn(tx, tenant, { kind, key: 'kept', payload: { n: 1 } });
      return ok(null);
    });
    expect(await findJob({ deps, tenant }, { kind: kind.kind, key: 'kept' })).toMatchObject({
      status: 'scheduled',
      attempts: 0,
    });
  });

  it('cancels a job before it runs; it then never runs', async () => {
    const { tenant, scope } = await seed();
    const kind = effectKind('cancel');
    const { job } = await scheduleJob({ deps, tenant }, { kind, key: 'k', payload: { n: 1 } });
    expect(await cancelJob({ deps, tenant }, { kind: kind.kind, key: 'k' })).toBe(true);
    expect(await cancelJob({ deps, tenant }, { kind: kind.kind, key: 'k' })).toBe(false);
    expect((await runDueJobs(deps, runner([kind], scope))).succeeded).toBe(0);
    expect(kind.calls).toEqual([]);
    expect(await findJob({ deps, tenant }, { kind: kind.kind, key: 'k' })).toMatchObject({
      id: job.id,
      status: 'canceled',
    });
  });
});

describe('due times', () => {
  it("runs a job when the database's clock says it is due, whatever the process's clock says", async () => {
    const { tenant, scope } = await seed();
    const kind = effectKind('due');
    // The process's clock is a century ahead: it decides nothing.
    const ahead: Deps = { db, clock: { now: () => new Date('2126-01-01T00:00:00Z') } };
    const later = await scheduleJob(
      { deps: ahead, tenant },
      { kind, key: 'later', payload: { n: 1 }, runAt: new Date(Date.now() + 60 * 60_000) },
    );
    const now = await scheduleJob({ deps: ahead, tenant }, { kind, key: 'now', payload: { n: 2 } });
    const counts = await runDueJobs(ahead, runner([kind], scope));
    expect(counts.succeeded).toBe(1);
    expect(kind.calls).toEqual([now.job.id]);
    expect(await findJob({ deps, tenant }, { kind: kind.kind, key: 'later' })).toMatchObject({
      id: later.job.id,
      status: 'scheduled',
      attempts: 0,
    });
  });

  it("runs a test clock's jobs only when that clock is run up to them, in due order", async () => {
    const { tenant, scope } = await seed();
    const kind = effectKind('clock');
    const start = new Date('2030-01-01T00:00:00Z');
    const day = (n: number) => new Date(start.getTime() + n * 86_400_000);
    const clockId = `clock_${randomBytes(6).toString('hex')}`;
    const ids: string[] = [];
    for (const n of [3, 1, 2, 10]) {
      const { job } = await scheduleJob(
        { deps, tenant },
        { kind, key: `day:${n}`, payload: { n }, runAt: day(n), clockId },
      );
      ids[n] = job.id;
    }
    // These are the clock's times: running real-time jobs never takes them.
    expect((await runDueJobs(deps, runner([kind], scope))).succeeded).toBe(0);
    const counts = await runDueJobs(deps, runner([kind], scope), { clockId, until: day(3) });
    expect(counts.succeeded).toBe(3);
    expect(kind.calls).toEqual([ids[1], ids[2], ids[3]]);
    expect(await findJob({ deps, tenant }, { kind: kind.kind, key: 'day:10' })).toMatchObject({
      status: 'scheduled',
    });
  });
});

describe('retries', () => {
  it('retries a failing job with backoff until its attempts are spent, then fails it (logged)', async () => {
    const { tenant, scope } = await seed();
    const calls: number[] = [];
    const kind: JobKind<Payload> = {
      kind: unique('failing'),
      maxAttempts: 3,
      backoff: { baseMs: 0, maxMs: 0 },
      async run(_ctx, job) {
        calls.push(job.attempt);
        throw new Error(`boom ${job.attempt}`);
      },
    };
    const warnings: string[] = [];
    const logger = { warn: (_details: object, message: string) => void warnings.push(message) };
    const { job } = await scheduleJob({ deps, tenant }, { kind, key: 'k', payload: { n: 1 } });
    const counts = await runDueJobs(deps, runner([kind], scope, { logger }));
    expect(counts).toEqual({ succeeded: 0, retried: 2, failed: 1, lost: 0 });
    expect(calls).toEqual([1, 2, 3]);
    expect(warnings).toEqual(['due job failed']);
    expect(await findJob({ deps, tenant }, { kind: kind.kind, key: 'k' })).toMatchObject({
      id: job.id,
      status: 'failed',
      attempts: 3,
      last_error: 'boom 3',
      locked_until: null,
    });
    expect((await runDueJobs(deps, runner([kind], scope))).failed).toBe(0);
  });

  it("waits out the backoff by the database's clock, then succeeds; a failed attempt's writes roll back", async () => {
    const { tenant, scope } = await seed();
    const kind = effectKind('flaky', {
      maxAttempts: 3,
      backoff: { baseMs: 60 * 60_000, maxMs: 60 * 60_000 },
    });
    const failing: JobKind<Payload> = {
      ...kind,
      async run(ctx, job) {
        if (job.attempt === 1) {
          await ctx.complete(async (tx) => {
            await sql`insert into due_job_test_effects (job_id, attempt) values (${job.id}, 1)`.execute(
              tx,
            );
            throw new Error('failed after writing');
          });
        }
        await kind.run(ctx, job);
      },
    };
    const { job } = await scheduleJob(
      { deps, tenant },
      { kind: failing, key: 'k', payload: { n: 1 } },
    );
    expect(await runDueJobs(deps, runner([failing], scope))).toMatchObject({ retried: 1 });
    const waiting = await db
      .selectFrom('due_jobs')
      .select([
        'status',
        'attempts',
        'last_error',
        sql<boolean>`run_at > now() + interval '50 minutes'`.as('backs_off'),
      ])
      .where('id', '=', job.id)
      .executeTakeFirstOrThrow();
    expect(waiting).toEqual({
      status: 'scheduled',
      attempts: 1,
      last_error: 'failed after writing',
      backs_off: true,
    });
    expect((await runDueJobs(deps, runner([failing], scope))).succeeded).toBe(0);

    await sql`update due_jobs set run_at = now() where id = ${job.id}`.execute(db);
    expect((await runDueJobs(deps, runner([failing], scope))).succeeded).toBe(1);
    expect(await effectsOf([job.id])).toEqual(new Map([[job.id, [2]]]));
  });
});

describe('exactly once', () => {
  it('three runners on their own connections race over 200 jobs: each runs to success once', async () => {
    const { tenant, scope } = await seed();
    const kind = effectKind('race', {
      // A little time in each handler, so the runners' claims overlap.
      before: () => new Promise((resolve) => setTimeout(resolve, 1)),
    });
    const ids: string[] = [];
    for (let n = 0; n < 200; n += 1) {
      ids.push(
        (await scheduleJob({ deps, tenant }, { kind, key: `job:${n}`, payload: { n } })).job.id,
      );
    }
    // PostgreSQL: three pools. PGlite is one embedded session: three runners share it.
    const databases = POSTGRES
      ? await Promise.all(
          [0, 1, 2].map(async () => {
            const handle = await openDatabase({ url: process.env.DATABASE_URL, poolSize: 2 });
            extraHandles.push(handle);
            return handle.db;
          }),
        )
      : [db, db, db];
    const results = await Promise.all(
      databases.map((runnerDb) =>
        runDueJobs({ db: runnerDb, clock: systemClock }, runner([kind], scope, { batch: 5 })),
      ),
    );
    const total = results.reduce((sum, r) => sum + r.succeeded, 0);
    expect(total).toBe(200);
    expect(results.every((r) => r.lost === 0 && r.failed === 0 && r.retried === 0)).toBe(true);
    expect(kind.calls.length).toBe(200);
    expect(new Set(kind.calls).size).toBe(200);
    const effects = await effectsOf(ids);
    expect(effects.size).toBe(200);
    expect([...effects.values()].every((attempts) => attempts.length === 1)).toBe(true);
    const statuses = await db
      .selectFrom('due_jobs')
      .select(['status', sql<number>`count(*)::int`.as('count')])
      .where('id', 'in', ids)
      .groupBy('status')
      .execute();
    expect(statuses).toEqual([{ status: 'succeeded', count: 200 }]);
  });

  /** A signal: `wait` until `fire`. */
  function signal() {
    let fire: () => void = () => {};
    const fired = new Promise<void>((resolve) => {
      fire = resolve;
    });
    return { fire, wait: () => fired };
  }

  /**
   * A kind whose attempts hang where the test says (as a worker that stopped answering):
   * `started(n)` once attempt n runs, which then waits for `release(n)`.
   */
  function hangingKind(hangs: readonly number[]) {
    const starts = new Map(hangs.map((attempt) => [attempt, signal()]));
    const releases = new Map(hangs.map((attempt) => [attempt, signal()]));
    const kind = effectKind('crash', {
      before: async (attempt) => {
        starts.get(attempt)?.fire();
        await releases.get(attempt)?.wait();
      },
    });
    const started = (attempt: number) => starts.get(attempt)?.wait();
    const release = (attempt: number) => releases.get(attempt)?.fire();
    return { kind, started, release };
  }

  it('a runner that dies mid-job: once its lease runs out another runs the job, and one success is recorded', async () => {
    const { tenant, scope } = await seed();
    const { kind, started, release } = hangingKind([1, 2]);
    const { job } = await scheduleJob({ deps, tenant }, { kind, key: 'k', payload: { n: 1 } });
    const dying = runDueJobs(deps, runner([kind], scope, { leaseMs: 1500 }));
    await started(1);
    // Its lease still holds: nobody else takes the job.
    expect((await runDueJobs(deps, runner([kind], scope))).succeeded).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 1700));
    const takeover = runDueJobs(deps, runner([kind], scope));
    await started(2);
    // The first runner wakes up while the second runs the job: its completion is refused
    // and its writes roll back.
    release(1);
    expect(await dying).toMatchObject({ succeeded: 0, lost: 1 });
    release(2);
    expect(await takeover).toMatchObject({ succeeded: 1, lost: 0 });
    expect(await effectsOf([job.id])).toEqual(new Map([[job.id, [2]]]));
    expect(await findJob({ deps, tenant }, { kind: kind.kind, key: 'k' })).toMatchObject({
      status: 'succeeded',
      attempts: 2,
    });
  });

  it("a dead instance's jobs are free at once, long lease or not", async () => {
    const { tenant, scope } = await seed();
    const { kind, started, release } = hangingKind([1]);
    const { job } = await scheduleJob({ deps, tenant }, { kind, key: 'k', payload: { n: 1 } });
    const instance = await startInstance(db, 60_000);
    const dying = runDueJobs(
      deps,
      runner([kind], scope, { owner: instance.id, leaseMs: 60 * 60_000 }),
    );
    await started(1);
    expect(await findJob({ deps, tenant }, { kind: kind.kind, key: 'k' })).toMatchObject({
      status: 'running',
      locked_by: instance.id,
    });
    expect((await runDueJobs(deps, runner([kind], scope))).succeeded).toBe(0);
    await retireInstance(db, instance); // as a dead instance is dropped by the others' heartbeat
    expect((await runDueJobs(deps, runner([kind], scope))).succeeded).toBe(1);
    release(1);
    expect(await dying).toMatchObject({ lost: 1 });
    expect(await effectsOf([job.id])).toEqual(new Map([[job.id, [2]]]));
  });

  it('a job whose worker died on its last attempt fails instead of running past its attempts', async () => {
    const { tenant, scope } = await seed();
    const kind = effectKind('last', { maxAttempts: 1 });
    const { job } = await scheduleJob({ deps, tenant }, { kind, key: 'k', payload: { n: 1 } });
    // As a claim whose worker then died would leave it.
    await sql`update due_jobs set status = 'running', attempts = 1,
      locked_until = now() - interval '1 second' where id = ${job.id}`.execute(db);
    expect(await runDueJobs(deps, runner([kind], scope))).toMatchObject({
      failed: 1,
      succeeded: 0,
    });
    expect(kind.calls).toEqual([]);
    expect(await findJob({ deps, tenant }, { kind: kind.kind, key: 'k' })).toMatchObject({
      status: 'failed',
      last_error: 'its worker stopped during the last attempt',
    });
  });
});

describe('the worker', () => {
  it('runs what falls due, every interval, until stopped', async () => {
    const { tenant, scope } = await seed();
    const kind = effectKind('worker');
    const worker = startDueJobsWorker(deps, runner([kind], scope), { intervalMs: 20 });
    try {
      const { job } = await scheduleJob({ deps, tenant }, { kind, key: 'k', payload: { n: 1 } });
      await waitFor('the worker to run the job', async () => {
        const found = await findJob({ deps, tenant }, { kind: kind.kind, key: 'k' });
        return found?.status === 'succeeded';
      });
      expect(await effectsOf([job.id])).toEqual(new Map([[job.id, [1]]]));
    } finally {
      await worker.stop();
    }
  });

  it('a runner told to stop ends after the job under way', async () => {
    const { tenant, scope } = await seed();
    const kind = effectKind('stopping');
    for (const n of [1, 2, 3]) {
      await scheduleJob({ deps, tenant }, { kind, key: `k${n}`, payload: { n } });
    }
    const stopping = () => kind.calls.length >= 1;
    expect(await runDueJobs(deps, runner([kind], scope, { stopping }))).toMatchObject({
      succeeded: 1,
    });
    expect(kind.calls.length).toBe(1);
  });
});
