import { fail, ok, type Result } from '../errors.js';
import type { RecoveryLinkAction, RecoveryLinkStatus } from './recovery-link-values.js';

/**
 * The recovery link lifecycle as one table: an active link is completed when its order is
 * paid in full (by any path), expires at its `expires_at`, or is deactivated by the
 * merchant; the other statuses are final (their metadata still changes).
 *
 *   active ──complete──▶ completed
 *     │ ╲──expire──▶ expired
 *     ╰──deactivate──▶ deactivated
 */
export const RECOVERY_LINK_TRANSITIONS = {
  active: { update: 'active', complete: 'completed', expire: 'expired', deactivate: 'deactivated' },
  completed: {},
  expired: {},
  deactivated: {},
} as const satisfies Record<
  RecoveryLinkStatus,
  Partial<Record<RecoveryLinkAction, RecoveryLinkStatus>>
>;

type Moves = Partial<Record<RecoveryLinkAction, RecoveryLinkStatus>>;

/** The actions a link in `status` allows, in the table's order, for `available_actions`. */
export function recoveryLinkActions(status: RecoveryLinkStatus): RecoveryLinkAction[] {
  return Object.keys(RECOVERY_LINK_TRANSITIONS[status]) as RecoveryLinkAction[];
}

/**
 * Where `action` takes a link in `status`; otherwise the `recovery_link_state_invalid`
 * failure (a 409) naming the actions allowed.
 */
export function moveRecoveryLink(
  status: RecoveryLinkStatus,
  action: RecoveryLinkAction,
): Result<RecoveryLinkStatus> {
  const to = (RECOVERY_LINK_TRANSITIONS[status] as Moves)[action];
  if (to !== undefined) return ok(to);
  const allowed = recoveryLinkActions(status);
  return fail({
    code: 'recovery_link_state_invalid',
    message: `Cannot ${action} a recovery link that is ${status}`,
    loc: ['status'],
    details: { status, available_actions: allowed },
  });
}

/** How long a link may live when it is given an `expires_at`: 30 minutes to 90 days. */
export const LINK_LIFETIME = { minimumMs: 30 * 60_000, maximumMs: 90 * 24 * 3600_000 } as const;

/** Whether an `expires_at` (ms since the epoch) is within the lifetime allowed from `now`. */
export function expiryAllowed(expiresAt: number, now: number): boolean {
  const ms = expiresAt - now;
  return !Number.isNaN(ms) && ms >= LINK_LIFETIME.minimumMs && ms <= LINK_LIFETIME.maximumMs;
}

/**
 * How long a payment may wait for the buyer's 3-D Secure step before it is canceled and
 * its hold on the order's balance ends (Stripe's own sessions let a buyer take about as
 * long): 30 minutes.
 */
export const PAYMENT_HOLD_MS = 30 * 60_000;

/** What an order offers to recover: its status and balance, and the payments under way. */
export interface RecoverableOrder {
  readonly status: string;
  readonly balance: number;
  readonly payments: readonly { readonly amount: number; readonly status: string }[];
}

/**
 * Whether an order has a balance to collect with a recovery link: OPEN with a balance
 * above zero (partly paid, a declined or abandoned payment, an expired checkout). A PAID
 * order, or one with nothing owed, is the `order_state_invalid` conflict.
 */
export function requireBalance(order: RecoverableOrder): Result<number> {
  if (order.status !== 'OPEN' || order.balance <= 0) {
    return fail({
      code: 'order_state_invalid',
      message:
        order.status === 'OPEN'
          ? 'The order has no balance to recover'
          : `The order is ${order.status}: it has no balance to recover`,
      loc: ['order_id'],
      details: { status: order.status, balance: Math.max(order.balance, 0) },
    });
  }
  return ok(order.balance);
}

/**
 * What a payer can take now: the balance less what payments under way (processing, or
 * waiting for 3-D Secure) already hold. Zero means the balance is held until they end.
 */
export function collectibleNow(order: RecoverableOrder): number {
  const held = order.payments
    .filter((p) => p.status === 'processing' || p.status === 'requires_action')
    .reduce((sum, p) => sum + p.amount, 0);
  return Math.max(order.balance - held, 0);
}
