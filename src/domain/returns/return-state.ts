import { fail, ok, type Result } from '../errors.js';
import type { ReturnAction, ReturnStatus } from './return-values.js';

/**
 * The return lifecycle as one table: for each status, the actions it allows and the
 * status each leads to. A return whose money already moved (it settled on receipt), or
 * whose goods went back into stock on receipt, can no longer be canceled: `returnActions`
 * drops `cancel` for it (stock taken back out could already be sold again).
 *
 *   requested ──receive──▶ received ──complete──▶ completed
 *       ╰──cancel──▶ canceled ◀──cancel──╯
 */
export const RETURN_TRANSITIONS = {
  requested: { update: 'requested', receive: 'received', cancel: 'canceled' },
  received: { update: 'received', complete: 'completed', cancel: 'canceled' },
  completed: { update: 'completed' },
  canceled: { update: 'canceled' },
} as const satisfies Record<ReturnStatus, Partial<Record<ReturnAction, ReturnStatus>>>;

type Moves = Partial<Record<ReturnAction, ReturnStatus>>;

/** What decides a return's moves besides its status. */
export interface ReturnFacts {
  readonly status: ReturnStatus;
  /** Its refund (or exchange) was made: it can no longer be canceled. */
  readonly settled: boolean;
  /** Its goods were received back into tracked stock: it can no longer be canceled. */
  readonly restocked?: boolean | undefined;
}

/** A return's facts from its row. */
export function returnFactsOf(row: {
  readonly status: ReturnStatus;
  readonly settled_at: Date | null;
  readonly received_at: Date | null;
  readonly restock: boolean;
}): ReturnFacts {
  return {
    status: row.status,
    settled: row.settled_at !== null,
    restocked: row.restock && row.received_at !== null,
  };
}

/** The actions a return allows, in the table's order, for `available_actions`. */
export function returnActions({ status, settled, restocked }: ReturnFacts): ReturnAction[] {
  const all = Object.keys(RETURN_TRANSITIONS[status]) as ReturnAction[];
  return settled || restocked ? all.filter((a) => a !== 'cancel') : all;
}

/** Whether a return counts against what its lines may still return. */
export function holdsQuantity(status: ReturnStatus): boolean {
  return status !== 'canceled';
}

/**
 * Where `action` takes a return, if allowed; otherwise the `return_state_invalid`
 * failure (a 409) naming the actions that are allowed.
 */
export function moveReturn(facts: ReturnFacts, action: ReturnAction): Result<ReturnStatus> {
  const allowed = returnActions(facts);
  const to = (RETURN_TRANSITIONS[facts.status] as Moves)[action];
  if (to === undefined || !allowed.includes(action)) {
    return fail({
      code: 'return_state_invalid',
      message: `Cannot ${action} a return that is ${facts.status}${
        action !== 'cancel'
          ? ''
          : facts.settled
            ? ' and already refunded'
            : facts.restocked
              ? ' and back in stock'
              : ''
      }; allowed: ${allowed.join(', ')}`,
      loc: ['status'],
      details: { status: facts.status, available_actions: allowed },
    });
  }
  return ok(to);
}
