/**
 * The order lifecycle (PRODUCT.md §2) as one table: which actions each status allows.
 * Every status change and every "is this allowed?" question goes through here.
 *
 *   OPEN ──pay (balance reaches 0)──▶ PAID ──refund part──▶ PARTIALLY_REFUNDED ──refund rest──▶ REFUNDED
 *   OPEN ──pay, nothing to pay (total 0, no payment)──▶ PAID
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

/**
 * Money on an OPEN order: `none` taken; `held` (a payment under way, or captured money
 * not all refunded); `returned` (it was paid in part and all of that was refunded).
 */
export type OrderMoney = 'none' | 'held' | 'returned';

/** What `moneyOf` reads of an order: its paid and refunded totals and its payments' states. */
export interface OrderMoneyFacts {
  readonly order: { readonly paid: number; readonly refunded: number };
  readonly payments: readonly { readonly status: string }[];
}

/** The money on an order, for what an OPEN order still allows. */
export function moneyOf(aggregate: OrderMoneyFacts): OrderMoney {
  const { payments, order } = aggregate;
  if (payments.some((p) => p.status === 'processing' || p.status === 'requires_action')) {
    return 'held';
  }
  if (order.paid - order.refunded > 0) return 'held';
  return payments.some((p) => p.status === 'succeeded') ? 'returned' : 'none';
}

/**
 * An OPEN order that has taken money can no longer change what it sells: the money would
 * be stranded on a total that no longer matches it. It can be paid further or refunded;
 * once every payment is refunded, it can be canceled.
 */
const OPEN_WITH_MONEY: Record<Exclude<OrderMoney, 'none'>, readonly OrderAction[]> = {
  held: ['pay', 'refund', 'update_metadata'],
  returned: ['pay', 'cancel', 'update_metadata'],
};

/** The actions an order allows, for `available_actions`. */
export function availableActions(
  status: OrderStatus,
  money: OrderMoney = 'none',
  { frozen = false }: { readonly frozen?: boolean } = {},
): readonly OrderAction[] {
  const allowed = status === 'OPEN' && money !== 'none' ? OPEN_WITH_MONEY[money] : ALLOWED[status];
  return frozen ? allowed.filter((action) => !CHANGES_WHAT_IS_SOLD.has(action)) : allowed;
}

/**
 * What a frozen order (an exchange's follow-up, credited with its return's credit) can no
 * longer do: change what it sells, or be canceled under its credit.
 */
const CHANGES_WHAT_IS_SOLD: ReadonlySet<OrderAction> = new Set([
  'update',
  'apply_coupon',
  'remove_coupon',
  'cancel',
]);

/** ok when `action` is allowed; otherwise the `order_state_invalid` failure naming what is. */
export function requireAction(
  status: OrderStatus,
  action: OrderAction,
  money: OrderMoney = 'none',
): Result<void> {
  const allowed = availableActions(status, money);
  if (allowed.includes(action)) return ok(undefined);
  const what = action.replace('_', ' ');
  return fail({
    code: 'order_state_invalid',
    message:
      status !== 'OPEN' || money === 'none'
        ? `Cannot ${what} an order that is ${status}`
        : action === 'cancel'
          ? 'Cannot cancel an order that holds payments: refund them first'
          : `Cannot ${what} an order that has payments`,
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

/** What `completionWithoutPayment` reads of an order: its status, totals and payments. */
export interface CompletionFacts extends OrderMoneyFacts {
  readonly order: {
    readonly status: OrderStatus;
    readonly total: number;
    readonly paid: number;
    readonly refunded: number;
  };
}

/**
 * An order with nothing to pay (a 100 % coupon, free lines, a fully credited amount)
 * becomes PAID with no payment at all — no intent, no processor call — like Square's
 * PayOrder without payments or Stripe's $0 invoice. Only an OPEN order whose total is 0
 * and that never took money (nothing paid, nothing under way); any other order is paid
 * through a payment, and this answers why not.
 */
export function completionWithoutPayment(facts: CompletionFacts): Result<'PAID'> {
  const { status, total, paid } = facts.order;
  const money = moneyOf(facts);
  const allowed = requireAction(status, 'pay', money);
  if (!allowed.ok) return allowed;
  if (money !== 'none' || paid !== 0) {
    return fail({
      code: 'order_state_invalid',
      message: 'An order that has taken payments is completed by paying it',
      loc: ['status'],
      details: { status, available_actions: availableActions(status, money) },
    });
  }
  if (total !== 0) {
    return fail({
      code: 'amount_invalid',
      message: `The order has ${total} to pay: it needs a payment`,
      loc: ['payment', 'payment_source_token'],
      details: { amount_due: total },
    });
  }
  return ok('PAID');
}

/** The status a cancel or close leads to. */
export const TERMINAL_BY_ACTION = {
  cancel: 'CANCELED',
  close: 'CLOSED',
} as const satisfies Partial<Record<OrderAction, OrderStatus>>;
