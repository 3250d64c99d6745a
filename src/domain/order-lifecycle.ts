/**
 * The order lifecycle (PRODUCT.md §2) as one table: which actions each status allows.
 * Every status change and every "is this allowed?" question goes through here.
 *
 *   OPEN ──pay (balance reaches 0)──▶ PAID ──refund part──▶ PARTIALLY_REFUNDED ──refund rest──▶ REFUNDED
 *   OPEN ──cancel──▶ CANCELED          PAID / PARTIALLY_REFUNDED ──close──▶ CLOSED
 */
import { fail, ok, type Result } from './errors.js';

export const ORDER_STATUSES = [
  'OPEN',
  'PAID',
  'PARTIALLY_REFUNDED',
  'REFUNDED',
  'CANCELED',
  'CLOSED',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export type OrderAction =
  | 'update'
  | 'apply_coupon'
  | 'remove_coupon'
  | 'pay'
  | 'cancel'
  | 'refund'
  | 'close'
  | 'update_metadata';

const ALLOWED: Record<OrderStatus, readonly OrderAction[]> = {
  OPEN: ['update', 'apply_coupon', 'remove_coupon', 'pay', 'cancel', 'update_metadata'],
  PAID: ['refund', 'close', 'update_metadata'],
  PARTIALLY_REFUNDED: ['refund', 'close', 'update_metadata'],
  REFUNDED: ['update_metadata'],
  CANCELED: ['update_metadata'],
  CLOSED: ['update_metadata'],
};

/** While money is on an OPEN order (a payment made or under way) only these remain. */
const WITH_MONEY_ON_OPEN: readonly OrderAction[] = ['pay', 'update_metadata'];

/**
 * The actions an order allows, for `available_actions`. An OPEN order that has taken
 * (or is taking) money can no longer change what it sells or be canceled: the money
 * would be stranded on a total that no longer matches it.
 */
export function availableActions(
  status: OrderStatus,
  moneyOnOrder = false,
): readonly OrderAction[] {
  return status === 'OPEN' && moneyOnOrder ? WITH_MONEY_ON_OPEN : ALLOWED[status];
}

/** ok when `action` is allowed; otherwise the `order_state_invalid` failure naming what is. */
export function requireAction(
  status: OrderStatus,
  action: OrderAction,
  moneyOnOrder = false,
): Result<void> {
  const allowed = availableActions(status, moneyOnOrder);
  if (allowed.includes(action)) return ok(undefined);
  return fail({
    code: 'order_state_invalid',
    message:
      status === 'OPEN' && moneyOnOrder
        ? `Cannot ${action.replace('_', ' ')} an order that has payments`
        : `Cannot ${action.replace('_', ' ')} an order that is ${status}`,
    loc: ['status'],
    details: { status, available_actions: allowed },
  });
}

/** Where an order goes when money moves: derived from its totals, never stored by hand. */
export function statusAfterMoneyMoved(
  current: OrderStatus,
  amounts: { readonly total: number; readonly paid: number; readonly refunded: number },
): OrderStatus {
  if (current === 'CANCELED' || current === 'CLOSED') return current;
  if (amounts.paid < amounts.total || amounts.paid === 0) {
    return current === 'OPEN' ? 'OPEN' : current;
  }
  if (amounts.refunded <= 0) return 'PAID';
  return amounts.refunded >= amounts.paid ? 'REFUNDED' : 'PARTIALLY_REFUNDED';
}

/** The status a cancel or close leads to. */
export const TERMINAL_BY_ACTION = {
  cancel: 'CANCELED',
  close: 'CLOSED',
} as const satisfies Partial<Record<OrderAction, OrderStatus>>;
