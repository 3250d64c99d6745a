import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/adapters/db/schema.js';
import type { JobKind } from '../src/app/jobs/job-kinds.js';
import { findJob, scheduleJob } from '../src/app/jobs/schedule-jobs.js';
import type { Deps } from '../src/app/shared/deps.js';
import type { Tenant } from '../src/domain/tenant.js';
import { systemClock } from '../src/ports/clock.js';
import { exitOf } from './flint-process.js';
import { createTestAccount, startTestServer, type TestServer, testDatabase } from './harness.js';
import { waitFor } from './webhook-receiver.js';

// Due jobs run by separate processes on one PostgreSQL database (`due-jobs-child.mjs`, over
// the build): three race over 200 jobs and each job runs to success once; one SIGKILLed
// mid-job loses its claim when its lease runs out, and another process runs the job once.
// PGlite is one process's database (it owns its data directory): PostgreSQL only; the same
// races between runners in one process run on both databases in due-jobs.db.test.ts.

const POSTGRES = Boolean(process.env.DATABASE_URL);
if (!POSTGRES) {
  console.log('due-jobs-processes.db.test.ts: skipped, it needs PostgreSQL (set DATABASE_URL)');
}

const CHILD = join(import.meta.dirname, 'due-jobs-child.mjs');
let server: TestServer;
let db: Kysely<Database>;
let deps: Deps;
const children: ChildProcess[] = [];

beforeAll(async () => {
  if (!POSTGRES) return;
  server = await startTestServer();
  db = (await testDatabase()).db;
  deps = { db, clock: systemClock };
  await sql`create table if not exists due_job_test_effects (
    job_id text not null, attempt integer not null)`.execute(db);
});

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await Promise.all(children.map(exitOf));
  await server?.close();
});

/** A runner process for `kind` in `tenant`'s account; `output` is what it printed so far. */
function startRunner(tenant: Tenant, kind: string, env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [CHILD], {
    env: { ...process.env, JOB_ACCOUNT: tenant.accountId, JOB_KIND: kind, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  const runner = { child, output: '' };
  child.stdout?.on('data', (chunk: Buffer) => {
    runner.output += chunk.toString();
  });
  return runner;
}

/** The counts a runner printed last, once it has exited. */
async function countsOf(runner: ReturnType<typeof startRunner>) {
  expect(await exitOf(runner.child)).toBe(0);
  const lines = runner.output.trim().split('\n');
  return JSON.parse(lines[lines.length - 1] ?? '{}') as Record<string, number>;
}

async function effectsOf(jobIds: readonly string[]): Promise<Map<string, number[]>> {
  const { rows } = await sql<{ job_id: string; attempt: number }>`select job_id, attempt
    from due_job_test_effects where job_id in (${sql.join(jobIds)}) order by attempt`.execute(db);
  const effects = new Map<string, number[]>();
  for (const row of rows) {
    effects.set(row.job_id, [...(effects.get(row.job_id) ?? []), row.attempt]);
  }
  return effects;
}

/** A kind to schedule with: the processes bring its handler. */
function kindNamed(name: string): JobKind<{ n: number }> {
  return {
    kind: `test.${name}.${randomBytes(4).toString('hex')}`,
    async run() {
      throw new Error('run by the child processes only');
    },
  };
}

describe.skipIf(!POSTGRES)('due jobs across processes on one PostgreSQL', () => {
  it('three processes race over 200 jobs: each runs to success once', async () => {
    const { accountId } = await createTestAccount(server);
    const tenant: Tenant = { accountId, mode: 'test' };
    const kind = kindNamed('processes');
    const ids: string[] = [];
    for (let n = 0; n < 200; n += 1) {
      const { job } = await scheduleJob(
        { deps, tenant },
        { kind, key: `job:${n}`, payload: { n } },
      );
      ids.push(job.id);
    }
    const runners = [0, 1, 2].map(() => startRunner(tenant, kind.kind));
    const counts = await Promise.all(runners.map(countsOf));
    expect(counts.reduce((sum, c) => sum + (c.succeeded ?? 0), 0)).toBe(200);
    expect(counts.every((c) => c.lost === 0 && c.failed === 0)).toBe(true);
    const effects = await effectsOf(ids);
    expect(effects.size).toBe(200);
    expect([...effects.values()].every((attempts) => attempts.length === 1)).toBe(true);
  });

  it('a process SIGKILLed mid-job: another runs the job once its lease runs out', async () => {
    const { accountId } = await createTestAccount(server);
    const tenant: Tenant = { accountId, mode: 'test' };
    const kind = kindNamed('killed');
    const { job } = await scheduleJob({ deps, tenant }, { kind, key: 'k', payload: { n: 1 } });
    const dying = startRunner(tenant, kind.kind, { JOB_HANG: '1', JOB_LEASE_MS: '5000' });
    await waitFor('the job to start', () => dying.output.includes(`started ${job.id}`), 20_000);
    dying.child.kill('SIGKILL');
    await exitOf(dying.child);
    // Its lease still holds: a runner started now finds nothing due.
    expect(await countsOf(startRunner(tenant, kind.kind))).toMatchObject({ succeeded: 0 });
    await waitFor('the lease to run out', async () => {
      const { rows } = await sql<{ out: boolean }>`select locked_until <= now() as out
        from due_jobs where id = ${job.id}`.execute(db);
      return rows[0]?.out === true;
    });
    expect(await countsOf(startRunner(tenant, kind.kind))).toMatchObject({ succeeded: 1 });
    expect(await effectsOf([job.id])).toEqual(new Map([[job.id, [2]]]));
    expect(await findJob({ deps, tenant }, { kind: kind.kind, key: 'k' })).toMatchObject({
      status: 'succeeded',
      attempts: 2,
    });
  });
});
