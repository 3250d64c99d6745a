import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobKind } from '../src/app/jobs/job-kinds.js';
import { runDueJobs } from '../src/app/jobs/run-due-jobs.js';
import type { Deps } from '../src/app/shared/deps.js';
import {
  CHARGE_JOB,
  RENEWAL_JOB,
  SUBSCRIPTION_JOB_KINDS,
} from '../src/app/subscriptions/subscription-jobs.js';
import type { SubscriptionJobPayload } from '../src/app/subscriptions/subscription-schedule.js';
import { systemClock } from '../src/ports/clock.js';
import { defaultProcessors } from '../src/processors.js';
import { startTestServer, type TestServer, testDatabase } from './harness.js';
import { Merchant } from './subscription-fixtures.js';
import { waitFor } from './webhook-receiver.js';

// A worker that dies after a renewal's charge was made and recorded, before the charge job's
// end: the job is claimed again once its lease runs out, finds the invoice paid and ends —
// no second charge. Real time (no test clock), in process, on both databases; the same
// through SIGKILLed `flint worker` processes is subscription-renewal-processes.db.test.ts.

let server: TestServer;
let deps: Deps;
beforeAll(async () => {
  server = await startTestServer();
  deps = { db: (await testDatabase()).db, clock: systemClock };
});
afterAll(() => server.close());

describe('a renewal charged, then its worker dies before the job ends', () => {
  it('is claimed again after its lease and ends without charging twice', async () => {
    const m = await Merchant.open(server);
    const customer = await m.customer();
    const plan = await m.plan({ interval: 'day' });
    const res = await m.subscribe({ customer_id: customer.id, items: [{ plan_id: plan }] });
    expect(res.status, res.text).toBe(200);
    const id: string = res.body.subscription.subscription_id;
    // Its first period as if it began a day ago: the renewal is due now.
    await sql`update subscriptions set
        billing_cycle_anchor = now() - interval '1 day',
        current_period_start = now() - interval '1 day',
        current_period_end = now()
      where id = ${id}`.execute(deps.db);
    await sql`update due_jobs set run_at = now()
      where kind = ${RENEWAL_JOB.kind} and payload->>'subscription_id' = ${id}`.execute(deps.db);

    const processors = defaultProcessors(deps.db, null);
    const scope = { accountIds: [m.account.accountId] };
    let charged = false;
    let revive: () => void = () => {};
    const dying: JobKind<SubscriptionJobPayload> = {
      ...CHARGE_JOB,
      async run(ctx, job) {
        await CHARGE_JOB.run(ctx, job); // charged and recorded…
        charged = true;
        await new Promise<void>((resolve) => {
          revive = resolve; // …and the worker stops here, its job's end never written
        });
      },
    };
    const first = runDueJobs(deps, {
      kinds: [RENEWAL_JOB, dying] as never,
      owner: null,
      scope,
      processors,
      leaseMs: 60_000,
    });
    await waitFor('the charge made', () => charged, 30_000);

    const sub = await m.subscription(id);
    const invoice = await m.invoice(sub.latest_invoice_id);
    expect(invoice.status).toBe('paid');
    const chargeJob = () =>
      deps.db
        .selectFrom('due_jobs')
        .selectAll()
        .where('kind', '=', CHARGE_JOB.kind)
        .where(sql<string>`payload->>'invoice_id'`, '=', invoice.invoice_id)
        .executeTakeFirstOrThrow();
    expect(await chargeJob()).toMatchObject({ status: 'running', attempts: 1 });
    // Its lease held: another runner finds nothing to do.
    const kinds = SUBSCRIPTION_JOB_KINDS as never;
    expect(await runDueJobs(deps, { kinds, owner: null, scope, processors })).toMatchObject({
      succeeded: 0,
    });

    // The lease runs out: the job is claimed again, finds its invoice paid, and ends.
    await sql`update due_jobs set locked_until = now() - interval '1 second'
      where id = ${(await chargeJob()).id}`.execute(deps.db);
    expect(await runDueJobs(deps, { kinds, owner: null, scope, processors })).toMatchObject({
      succeeded: 1,
      lost: 0,
    });
    expect(await chargeJob()).toMatchObject({ status: 'succeeded', attempts: 2 });
    // The first worker, were it to wake, cannot end the job again: its attempt is lost.
    revive();
    expect(await first).toMatchObject({ succeeded: 1, lost: 1 });

    const intents = await deps.db
      .selectFrom('payment_intents')
      .select(['status', 'amount_received'])
      .where('order_id', '=', invoice.order_id)
      .execute();
    expect(intents).toEqual([{ status: 'succeeded', amount_received: invoice.amount_paid.amount }]);
    const invoices = await m.invoicesOf(customer.id);
    expect(invoices.map((i: { billing_reason: string }) => i.billing_reason)).toEqual([
      'subscription_create',
      'subscription_cycle',
    ]);
    expect((await m.subscription(id)).status).toBe('active');
  });
});
