// The renewal benchmark's worker (child process): opens the database the server used (it
// has stopped: PGlite is one process's), makes every subscription's renewal due at the same
// instant, runs the real due-jobs runner (`runDueJobs` with the built-in kinds and the
// accounts' processors, as `flint worker` does) with RUNNERS runners at once until no job is
// left, and answers how long that took and what was written, counted in the database.
// Env: DATABASE_URL or FLINT_DATA_DIR, RUNNERS (default 10).

import { sql } from 'kysely';
import { openDatabase } from '../../dist/adapters/db/database.js';
import { BUILT_IN_JOB_KINDS } from '../../dist/app/jobs/built-in-job-kinds.js';
import { runDueJobs } from '../../dist/app/jobs/run-due-jobs.js';
import { systemClock } from '../../dist/ports/clock.js';
import { defaultProcessors } from '../../dist/processors.js';

const RUNNERS = Number(process.env.RUNNERS ?? 10);
const handle = await openDatabase({
  url: process.env.DATABASE_URL || undefined,
  dataDir: process.env.FLINT_DATA_DIR || undefined,
  poolSize: RUNNERS + 2,
  // COUNT_STATEMENTS=1: every statement sent (PostgreSQL), counted by its text's start.
  ...(process.env.COUNT_STATEMENTS === '1' ? { log: (event) => count(event.query.sql) } : {}),
});
const statements = new Map();
function count(text) {
  const key = text.trim().slice(0, 90);
  statements.set(key, (statements.get(key) ?? 0) + 1);
}
const { db } = handle;
// COUNT_STATEMENTS_WHERE=1: each statement counted by where in the app it was built.
const where = {
  transformQuery({ node }) {
    const frames = (new Error().stack ?? '')
      .split('\n')
      .filter((l) => l.includes('/dist/app/'))
      .slice(0, 3)
      .map((l) => l.replace(/.*dist\/app\//, '').replace(/\)$/, ''));
    const table = JSON.stringify(node).match(/"table":\{"kind":"IdentifierNode","name":"(\w+)"/);
    count(`${node.kind} ${table?.[1] ?? ''} ← ${frames.join(' < ')}`);
    return node;
  },
  async transformResult({ result }) {
    return result;
  },
};
const deps = {
  db: process.env.COUNT_STATEMENTS_WHERE === '1' ? db.withPlugin(where) : db,
  clock: systemClock,
};
const processors = defaultProcessors(db, null);

// Every daily subscription as if its current period were [T − 1 day, T) (its anchor moved
// back with it), and its renewal due at T: the database's now, one instant for all. Run
// again on the same database, it renews the next period (`node bench/servers/renewals.mjs`
// alone prints its figures: a profile's loop).
const dueAt = await sql`
  with t as (select now() as at),
  subs as (
    update subscriptions set
      billing_cycle_anchor = t.at - (period_index + 1) * interval '1 day',
      current_period_start = t.at - interval '1 day',
      current_period_end = t.at
    from t
    where status = 'active' and interval = 'day' and interval_count = 1
      and test_clock_id is null
    returning subscriptions.id
  )
  update due_jobs set run_at = t.at from t
  where kind = 'subscription.renewal' and status = 'scheduled' and clock_id is null
    and payload->>'subscription_id' in (select id from subs)
  returning t.at`.execute(db);
const subscriptions = dueAt.rows.length;
const since = dueAt.rows[0]?.at ?? new Date();

statements.clear();
const started = performance.now();
const counts = await Promise.all(
  Array.from({ length: RUNNERS }, () =>
    runDueJobs(deps, { kinds: BUILT_IN_JOB_KINDS, owner: null, processors }),
  ),
);
const seconds = (performance.now() - started) / 1000;
const sent = [...statements.entries()].sort((a, b) => b[1] - a[1]);
if (sent.length > 0) {
  const all = sent.reduce((sum, [, n]) => sum + n, 0);
  console.log(`${all} statements, ${(all / subscriptions).toFixed(1)} per renewal:`);
  for (const [head, n] of sent)
    console.log(`${(n / subscriptions).toFixed(2).padStart(6)}  ${head}`);
}
const total = (key) => counts.reduce((sum, c) => sum + c[key], 0);

// What was written: one invoice and one order per period, one succeeded charge each.
const cycle = sql`billing_reason = 'subscription_cycle' and created_at >= ${since}`;
const { rows } = await sql`
  select
    (select count(*) from subscription_periods where created_at >= ${since}) as periods,
    (select count(*) from invoices where ${cycle}) as invoices,
    (select count(*) from invoices where ${cycle} and status = 'paid') as paid,
    (select count(distinct order_id) from invoices where ${cycle}) as orders,
    (select count(*) from payment_intents p
       where p.status = 'succeeded' and p.order_id in (select order_id from invoices
       where ${cycle})) as charges,
    (select count(*) from (select i.subscription_id from invoices i
       where i.billing_reason = 'subscription_cycle'
       group by i.subscription_id, i.period_start having count(*) > 1) d) as duplicate_invoices,
    (select count(*) from (select p.order_id from payment_intents p
       join invoices i on i.order_id = p.order_id
       where i.billing_reason = 'subscription_cycle' and p.status = 'succeeded'
       group by p.order_id having count(*) > 1) d) as duplicate_charges`.execute(db);
await handle.close();
const written = Object.fromEntries(Object.entries(rows[0]).map(([k, v]) => [k, Number(v)]));
const figures = {
  subscriptions,
  seconds,
  jobs: {
    succeeded: total('succeeded'),
    retried: total('retried'),
    failed: total('failed'),
    lost: total('lost'),
  },
  ...written,
};
if (process.send) process.send(figures);
else console.log(JSON.stringify(figures));
process.exit(0);
