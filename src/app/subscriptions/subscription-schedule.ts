import type { Kysely } from 'kysely';
import type { SubscriptionSettings } from '../../adapters/db/repos/subscriptions-repo.js';
import type { Database } from '../../adapters/db/schema.js';
import type { SubscriptionRow } from '../../adapters/db/schema-subscriptions.js';
import type { Tenant } from '../../domain/tenant.js';
import { scheduleJobIn } from '../jobs/schedule-jobs.js';

// The subscription's scheduled work, named here without handlers (`subscription-jobs.ts`
// runs them), so the commands that schedule it and the handlers that run it import no cycle.
// Each key names the subscription and the step, so scheduling it again keeps the one job.

export const RENEWAL = { kind: 'subscription.renewal', maxAttempts: 20 } as const;
export const CHARGE = { kind: 'subscription.charge', maxAttempts: 20 } as const;
export const DUNNING_END = { kind: 'subscription.dunning_end', maxAttempts: 20 } as const;
export const TRIAL_WILL_END = { kind: 'subscription.trial_will_end', maxAttempts: 10 } as const;
export const UPCOMING = { kind: 'subscription.upcoming', maxAttempts: 10 } as const;
export const INCOMPLETE_EXPIRY = {
  kind: 'subscription.incomplete_expiry',
  maxAttempts: 20,
} as const;
export const COLLECTION_RESUMES = {
  kind: 'subscription.collection_resumes',
  maxAttempts: 10,
} as const;

export interface SubscriptionJobPayload {
  readonly subscription_id: string;
  /** The period a renewal bills, or the one an upcoming notice is about. */
  readonly index?: number;
  /** The invoice a charge (or the end of its dunning) is about, and the attempt. */
  readonly invoice_id?: string;
  readonly attempt?: number;
  /** When the period's first charge failed: retries are counted from it. */
  readonly first_failed_at?: string;
}

/** A first payment that is not made within this long expires the subscription (Stripe: 23 h). */
export const INCOMPLETE_WINDOW_MS = 23 * 3_600_000;

const DAY_MS = 86_400_000;

type Kind = { readonly kind: string; readonly maxAttempts: number };

/** Schedules one of the subscription's jobs, on its test clock if it has one. */
export function scheduleSubscriptionJob(
  tx: Kysely<Database>,
  tenant: Tenant,
  p: {
    readonly row: Pick<SubscriptionRow, 'id' | 'test_clock_id'>;
    readonly kind: Kind;
    readonly step: string;
    readonly runAt: Date;
    readonly payload?: Omit<SubscriptionJobPayload, 'subscription_id'>;
  },
) {
  return scheduleJobIn<SubscriptionJobPayload>(tx, tenant, {
    kind: p.kind,
    key: `subscription:${p.row.id}:${p.step}`,
    payload: { subscription_id: p.row.id, ...p.payload },
    runAt: p.runAt,
    clockId: p.row.test_clock_id,
  });
}

/**
 * What the current period of a subscription needs scheduled: its renewal at the period's
 * end (the next period's index), the trial's notice before a trial ends, and the notice of
 * the next invoice some days before it. A notice whose time has passed is not sent.
 */
export async function scheduleCurrentPeriod(
  tx: Kysely<Database>,
  tenant: Tenant,
  p: { readonly row: SubscriptionRow; readonly settings: SubscriptionSettings; readonly now: Date },
): Promise<void> {
  const { row, settings, now } = p;
  const next = row.period_index + 1;
  await scheduleSubscriptionJob(tx, tenant, {
    row,
    kind: RENEWAL,
    step: `period:${next}`,
    runAt: row.current_period_end,
    payload: { index: next },
  });
  const end = row.current_period_end.getTime();
  if (row.status === 'trialing' && row.trial_end) {
    const at = row.trial_end.getTime() - settings.trial_will_end_days * DAY_MS;
    if (at > now.getTime()) {
      await scheduleSubscriptionJob(tx, tenant, {
        row,
        kind: TRIAL_WILL_END,
        step: `trial_will_end:${row.trial_end.toISOString()}`,
        runAt: new Date(at),
      });
    }
  }
  const upcoming = end - settings.upcoming_days * DAY_MS;
  if (settings.upcoming_days > 0 && upcoming > now.getTime()) {
    await scheduleSubscriptionJob(tx, tenant, {
      row,
      kind: UPCOMING,
      step: `upcoming:${next}`,
      runAt: new Date(upcoming),
      payload: { index: next },
    });
  }
}
