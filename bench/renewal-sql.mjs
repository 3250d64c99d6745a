// The renewal bench's SQL, for the parent (PostgreSQL) and the worker child (PGlite): every
// renewal made due at one instant, and what the renewals wrote, counted.
import { sql } from 'kysely';

/**
 * Every daily subscription as if its current period were [T − 1 day, T) (its anchor moved
 * back with it), and its renewal due at T: the database's now, one instant for all. Run
 * again on the same database, it renews the next period. Answers how many and T.
 */
export async function makeRenewalsDue(db) {
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
  return { subscriptions: dueAt.rows.length, since: dueAt.rows[0]?.at ?? new Date() };
}

/** What the renewals since `since` wrote: one period, invoice, order and charge each. */
export async function countRenewals(db, since) {
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
  return Object.fromEntries(Object.entries(rows[0]).map(([k, v]) => [k, Number(v)]));
}
