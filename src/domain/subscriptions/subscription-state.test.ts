import { describe, expect, it } from 'vitest';
import {
  isFinalSubscriptionStatus,
  moveSubscription,
  SUBSCRIPTION_TRANSITIONS,
  statusAfter,
  subscriptionActions,
} from './subscription-state.js';
import { SUBSCRIPTION_STATUSES } from './subscription-values.js';

const facts = (status: (typeof SUBSCRIPTION_STATUSES)[number], more = {}) => ({
  status,
  cancelAtPeriodEnd: false,
  collectionPaused: false,
  ...more,
});

describe('subscription state', () => {
  it('has a row for every status; canceled and incomplete_expired are final', () => {
    expect(Object.keys(SUBSCRIPTION_TRANSITIONS).sort()).toEqual([...SUBSCRIPTION_STATUSES].sort());
    expect(SUBSCRIPTION_STATUSES.filter(isFinalSubscriptionStatus)).toEqual([
      'incomplete_expired',
      'canceled',
    ]);
  });

  it('lists what a caller may do, by its flags', () => {
    expect(subscriptionActions(facts('active'))).toEqual([
      'update',
      'cancel',
      'cancel_at_period_end',
      'pause_collection',
    ]);
    expect(
      subscriptionActions(facts('active', { cancelAtPeriodEnd: true, collectionPaused: true })),
    ).toEqual(['update', 'cancel', 'reactivate', 'resume_collection']);
    expect(subscriptionActions(facts('paused'))).toEqual(['update', 'cancel', 'resume']);
    expect(subscriptionActions(facts('canceled'))).toEqual([]);
  });

  it('refuses a move it does not list, naming the allowed ones', () => {
    const twice = moveSubscription(facts('canceled'), 'cancel');
    expect(twice.ok).toBe(false);
    if (!twice.ok) {
      expect(twice.error.code).toBe('subscription_state_invalid');
      expect(twice.error.details).toEqual({ status: 'canceled', available_actions: [] });
    }
    const resume = moveSubscription(facts('active'), 'resume');
    expect(resume.ok).toBe(false);
    const reactivate = moveSubscription(facts('active'), 'reactivate');
    expect(reactivate.ok).toBe(false);
    expect(moveSubscription(facts('paused'), 'resume')).toEqual({ ok: true, value: 'active' });
  });

  it('moves by payments and the clock, and ignores what no longer applies', () => {
    expect(statusAfter('incomplete', 'first_payment_succeeded')).toBe('active');
    expect(statusAfter('incomplete', 'first_payment_expired')).toBe('incomplete_expired');
    expect(statusAfter('active', 'period_failed')).toBe('past_due');
    expect(statusAfter('past_due', 'invoice_paid')).toBe('active');
    expect(statusAfter('past_due', 'retries_exhausted_unpaid')).toBe('unpaid');
    expect(statusAfter('trialing', 'trial_ended_without_method_pause')).toBe('paused');
    expect(statusAfter('canceled', 'invoice_paid')).toBeNull();
  });
});
