// The renewal benchmark's worker (child process): opens the database the server used (it
// has stopped: PGlite is one process's), answers ready, and on the parent's go runs the real
// due-jobs runner (`runDueJobs` with the built-in kinds and the accounts' processors, as
// `flint worker` does) with RUNNERS runners at once until no job is left; it answers when it
// ran. With SHIFT (the default; PGlite's one worker) it first makes every renewal due at
// one instant and counts what was written; on PostgreSQL the parent does both around
// several workers (SHIFT=0). Run alone, it goes at once and prints its figures.
// Env: DATABASE_URL or FLINT_DATA_DIR, RUNNERS (default 10), SHIFT.

import { migrateToLatest, openDatabase } from '../../dist/adapters/db/database.js';
import { BUILT_IN_JOB_KINDS } from '../../dist/app/jobs/built-in-job-kinds.js';
import { runDueJobs } from '../../dist/app/jobs/run-due-jobs.js';
import { systemClock } from '../../dist/ports/clock.js';
import { defaultProcessors } from '../../dist/processors.js';
import { countRenewals, makeRenewalsDue } from '../renewal-sql.mjs';

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
// A database a previous run left (BENCH_SETUP=0, or run alone) is brought to this build's
// schema first, as `flint worker` expects `flint migrate` to have run.
await migrateToLatest(db);
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

const SHIFT = process.env.SHIFT !== '0';
// Opened and ready: the parent says go (at once when run alone).
if (process.send) {
  process.send({ ready: true });
  await new Promise((resolve) => process.once('message', resolve));
}
const { subscriptions, since } = SHIFT ? await makeRenewalsDue(db) : { subscriptions: 0 };
statements.clear();
const startedAt = Date.now();
const counts = await Promise.all(
  Array.from({ length: RUNNERS }, () =>
    runDueJobs(deps, { kinds: BUILT_IN_JOB_KINDS, owner: null, processors }),
  ),
);
const endedAt = Date.now();
const seconds = (endedAt - startedAt) / 1000;
const sent = [...statements.entries()].sort((a, b) => b[1] - a[1]);
if (sent.length > 0 && subscriptions > 0) {
  const all = sent.reduce((sum, [, n]) => sum + n, 0);
  console.log(`${all} statements, ${(all / subscriptions).toFixed(1)} per renewal:`);
  for (const [head, n] of sent)
    console.log(`${(n / subscriptions).toFixed(2).padStart(6)}  ${head}`);
}
const total = (key) => counts.reduce((sum, c) => sum + c[key], 0);
const written = SHIFT ? await countRenewals(db, since) : {};
await handle.close();
const figures = {
  subscriptions,
  startedAt,
  endedAt,
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
