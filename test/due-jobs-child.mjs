// A due-jobs runner as a process of its own (for test/due-jobs-processes.db.test.ts), over the
// built code (`npm run build` first): it runs the jobs of one test kind in one account on
// PostgreSQL and prints its counts. With JOB_HANG=1 its handler prints `started <job id>` and
// never returns, for the test to SIGKILL it mid-job. What a job did is a row its handler
// writes with its completion (`due_job_test_effects`).
import { sql } from 'kysely';
import { openDatabase } from '../dist/adapters/db/database.js';
import { runDueJobs } from '../dist/app/jobs/run-due-jobs.js';
import { systemClock } from '../dist/ports/clock.js';

const { DATABASE_URL, JOB_ACCOUNT, JOB_KIND, JOB_HANG, JOB_LEASE_MS } = process.env;
const handle = await openDatabase({ url: DATABASE_URL, poolSize: 2 });
const kind = {
  kind: JOB_KIND,
  async run(ctx, job) {
    if (JOB_HANG === '1') {
      process.stdout.write(`started ${job.id}\n`);
      await new Promise(() => {});
    }
    await ctx.complete((tx) =>
      sql`insert into due_job_test_effects (job_id, attempt) values (${job.id}, ${job.attempt})`.execute(
        tx,
      ),
    );
  },
};
const counts = await runDueJobs(
  { db: handle.db, clock: systemClock },
  {
    kinds: [kind],
    owner: null,
    scope: { accountIds: [JOB_ACCOUNT] },
    batch: 5,
    leaseMs: Number(JOB_LEASE_MS ?? 300_000),
  },
);
process.stdout.write(`${JSON.stringify(counts)}\n`);
await handle.close();
