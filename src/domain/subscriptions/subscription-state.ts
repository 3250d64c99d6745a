import { fail, ok, type Result } from '../errors.js';
import type {
  SubscriptionAction,
  SubscriptionEvent,
  SubscriptionStatus,
} from './subscription-values.js';

type Move = SubscriptionAction | SubscriptionEvent;

/**
 * The subscription lifecycle as one table: for each status, what a caller (actions) and
 * the subscription's own payments and clock (events) may do, and the status each leads
 * to. Canceled and incomplete_expired are final. Pausing *collection* keeps the status
 * (`active` stays `active`, as Stripe's `pause_collection`); the status `paused` is only
 * reached by a trial that ends without a payment method when the account says so.
 *
 *   incomplete ──first_payment_succeeded──▶ active ◀──invoice_paid── past_due / unpaid
 *        ╰──first_payment_expired──▶ incomplete_expired
 *   trialing ──period_paid──▶ active ──period_failed──▶ past_due ──retries_exhausted──▶ unpaid | canceled
 *        ╰──trial_ended_without_method_pause──▶ paused ──resume──▶ active
 *   any but the final ──cancel──▶ canceled
 */
export const SUBSCRIPTION_TRANSITIONS = {
  incomplete: {
    update: 'incomplete',
    cancel: 'canceled',
    first_payment_succeeded: 'active',
    first_payment_expired: 'incomplete_expired',
  },
  incomplete_expired: {},
  trialing: {
    update: 'trialing',
    cancel: 'canceled',
    cancel_at_period_end: 'trialing',
    reactivate: 'trialing',
    pause_collection: 'trialing',
    resume_collection: 'trialing',
    trial_ended: 'active',
    period_paid: 'active',
    period_failed: 'past_due',
    period_unattempted: 'past_due',
    trial_ended_without_method_pause: 'paused',
    trial_ended_without_method_cancel: 'canceled',
    period_end_cancel: 'canceled',
  },
  active: {
    update: 'active',
    cancel: 'canceled',
    cancel_at_period_end: 'active',
    reactivate: 'active',
    pause_collection: 'active',
    resume_collection: 'active',
    period_paid: 'active',
    period_failed: 'past_due',
    period_unattempted: 'active',
    invoice_paid: 'active',
    period_end_cancel: 'canceled',
  },
  past_due: {
    update: 'past_due',
    cancel: 'canceled',
    cancel_at_period_end: 'past_due',
    reactivate: 'past_due',
    pause_collection: 'past_due',
    resume_collection: 'past_due',
    period_paid: 'past_due',
    period_failed: 'past_due',
    period_unattempted: 'past_due',
    invoice_paid: 'active',
    retries_exhausted_unpaid: 'unpaid',
    retries_exhausted_cancel: 'canceled',
    period_end_cancel: 'canceled',
  },
  unpaid: {
    update: 'unpaid',
    cancel: 'canceled',
    period_unattempted: 'unpaid',
    invoice_paid: 'active',
  },
  paused: {
    update: 'paused',
    cancel: 'canceled',
    resume: 'active',
  },
  canceled: {},
} as const satisfies Record<SubscriptionStatus, Partial<Record<Move, SubscriptionStatus>>>;

type Moves = Partial<Record<Move, SubscriptionStatus>>;

const CALLER_ACTIONS: ReadonlySet<string> = new Set<SubscriptionAction>([
  'update',
  'cancel',
  'cancel_at_period_end',
  'reactivate',
  'pause_collection',
  'resume_collection',
  'resume',
]);

/** What besides its status decides a subscription's moves. */
export interface SubscriptionFacts {
  readonly status: SubscriptionStatus;
  readonly cancelAtPeriodEnd: boolean;
  /** Collection is paused (`pause_collection` set). */
  readonly collectionPaused: boolean;
}

/** Whether a status is one nothing moves out of. */
export function isFinalSubscriptionStatus(status: SubscriptionStatus): boolean {
  return Object.keys(SUBSCRIPTION_TRANSITIONS[status]).length === 0;
}

/** Whether a subscription in this status still bills periods (renews at its period's end). */
export function renews(status: SubscriptionStatus): boolean {
  return (
    status === 'trialing' || status === 'active' || status === 'past_due' || status === 'unpaid'
  );
}

/** The caller's actions a subscription allows, in the table's order, for `available_actions`. */
export function subscriptionActions(facts: SubscriptionFacts): SubscriptionAction[] {
  const all = Object.keys(SUBSCRIPTION_TRANSITIONS[facts.status]).filter((m) =>
    CALLER_ACTIONS.has(m),
  ) as SubscriptionAction[];
  return all.filter((action) => {
    switch (action) {
      case 'cancel_at_period_end':
        return !facts.cancelAtPeriodEnd;
      case 'reactivate':
        return facts.cancelAtPeriodEnd;
      case 'pause_collection':
        return !facts.collectionPaused;
      case 'resume_collection':
        return facts.collectionPaused;
      default:
        return true;
    }
  });
}

/**
 * Where a caller's `action` takes a subscription, if allowed; otherwise the
 * `subscription_state_invalid` failure (a 409) naming the actions that are allowed.
 */
export function moveSubscription(
  facts: SubscriptionFacts,
  action: SubscriptionAction,
): Result<SubscriptionStatus> {
  const allowed = subscriptionActions(facts);
  const to = (SUBSCRIPTION_TRANSITIONS[facts.status] as Moves)[action];
  if (to === undefined || !allowed.includes(action)) {
    return fail({
      code: 'subscription_state_invalid',
      message: `Cannot ${action.replaceAll('_', ' ')} a subscription that is ${describe(facts)}${
        allowed.length > 0 ? `; allowed: ${allowed.join(', ')}` : ''
      }`,
      loc: ['status'],
      details: { status: facts.status, available_actions: allowed },
    });
  }
  return ok(to);
}

function describe(facts: SubscriptionFacts): string {
  if (facts.cancelAtPeriodEnd && facts.status !== 'canceled') {
    return `${facts.status} and set to cancel at period end`;
  }
  if (facts.collectionPaused) return `${facts.status} with collection paused`;
  return facts.status;
}

/**
 * Where something that happens by itself (a payment, the clock, dunning) takes a
 * subscription; null when the table has no such move from its status (the event no
 * longer applies: e.g. a retry's payment landing on a subscription canceled meanwhile),
 * which the caller treats as "leave the status as it is".
 */
export function statusAfter(
  status: SubscriptionStatus,
  event: SubscriptionEvent,
): SubscriptionStatus | null {
  return (SUBSCRIPTION_TRANSITIONS[status] as Moves)[event] ?? null;
}

/** A subscription's facts from its row. */
export function subscriptionFactsOf(row: {
  readonly status: SubscriptionStatus;
  readonly cancel_at_period_end: boolean;
  readonly pause_collection: unknown;
}): SubscriptionFacts {
  return {
    status: row.status,
    cancelAtPeriodEnd: row.cancel_at_period_end,
    collectionPaused: row.pause_collection !== null,
  };
}
