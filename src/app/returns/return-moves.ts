import type { Kysely } from 'kysely';
import { type Write, writeAsOne } from '../../adapters/db/one-statement.js';
import { insertEventsQuery } from '../../adapters/db/repos/events-repo.js';
import { lockReturnById, updateReturnQuery } from '../../adapters/db/repos/returns-repo.js';
import type { Database, NewEventRow } from '../../adapters/db/schema.js';
import type { ReturnRow } from '../../adapters/db/schema-returns.js';
import { fail, missing, ok, type Result } from '../../domain/errors.js';
import type { EventType } from '../../domain/event-types.js';
import { moveReturn, returnFactsOf } from '../../domain/returns/return-state.js';
import type { ReturnAction } from '../../domain/returns/return-values.js';
import { returnResource } from '../../resources/return.js';
import { objectEvent } from '../events/record-events.js';
import { withOrderLock } from '../orders/change-order.js';
import type { ChangeContext } from '../shared/command-context.js';
import { restockWrites } from './restock.js';

/** The event each action records about the return. */
const EVENT_OF: Record<ReturnAction, EventType> = {
  update: 'return.updated',
  receive: 'return.received',
  complete: 'return.completed',
  cancel: 'return.canceled',
};

/** What a move writes besides status and times: an update's fields, a settlement's refund. */
export type ReturnStep = (current: ReturnRow, now: Date) => Result<Partial<ReturnRow>>;

export interface ReturnMove {
  readonly id: string;
  readonly action: ReturnAction;
  readonly step?: ReturnStep | undefined;
}

/** What a move wrote: the return after it, and the writes and events that go with it. */
export interface MovedReturn {
  readonly row: ReturnRow;
  readonly writes: readonly Write[];
  readonly events: readonly NewEventRow[];
}

/**
 * Moves a return under its lock (the caller holds its order's): the table allows the
 * move or answers `409 return_state_invalid` naming the allowed ones; receiving a return
 * that restocks puts its units back; the move stamps its time and records its event.
 * Answers the writes, for the caller to send with its own (a refund's).
 */
export async function moveLockedReturn(
  tx: Kysely<Database>,
  ctx: ChangeContext,
  { id, action, step, now }: ReturnMove & { readonly now: Date },
): Promise<Result<MovedReturn>> {
  const current = await lockReturnById(tx, ctx.tenant, id);
  if (!current) return fail(missing('return'));
  const status = moveReturn(returnFactsOf(current), action);
  if (!status.ok) return status;
  const own = step ? step(current, now) : ok({});
  if (!own.ok) return own;
  const changes: Partial<ReturnRow> = {
    ...own.value,
    status: status.value,
    ...(action === 'receive' ? { received_at: now } : {}),
    ...(action === 'complete' ? { completed_at: now } : {}),
    ...(action === 'cancel' ? { canceled_at: now } : {}),
    updated_at: now,
  };
  const row: ReturnRow = { ...current, ...changes };
  const restock = action === 'receive' && row.restock;
  const event = objectEvent(ctx, {
    type: EVENT_OF[action],
    objectType: 'return',
    objectId: row.id,
    object: returnResource(row),
    now,
    ...(action === 'update' ? { previous: returnResource(current) } : {}),
  });
  return ok({
    row,
    writes: [
      updateReturnQuery(tx, ctx.tenant, id, changes),
      ...(restock ? await restockWrites(tx, ctx.tenant, row) : []),
    ],
    events: [event],
  });
}

/** A move that moves no money: under the order's lock, then the return's, in one transaction. */
export async function moveReturnRow(
  ctx: ChangeContext,
  { orderId, ...move }: ReturnMove & { readonly orderId: string },
): Promise<Result<ReturnRow>> {
  return withOrderLock(ctx, orderId, async (tx, now) => {
    const moved = await moveLockedReturn(tx, ctx, { ...move, now });
    if (!moved.ok) return moved;
    const { row, writes, events } = moved.value;
    await writeAsOne(tx, [...writes, insertEventsQuery(tx, events)], { last: true });
    return ok(row);
  });
}

/**
 * Records on a settled return the refund of what its exchange's credit exceeded the
 * follow-up by (in that refund's transaction): once; a second is refused and undone.
 */
export async function recordReturnRefund(
  tx: Kysely<Database>,
  ctx: ChangeContext,
  { id, refundId, now }: { readonly id: string; readonly refundId: string; readonly now: Date },
): Promise<Result<MovedReturn>> {
  const current = await lockReturnById(tx, ctx.tenant, id);
  if (!current) return fail(missing('return'));
  if (current.refund_id !== null) {
    return fail({
      code: 'return_state_invalid',
      message: `The return was already refunded (${current.refund_id})`,
      loc: ['status'],
      details: { status: current.status, refund_id: current.refund_id },
    });
  }
  const changes = { refund_id: refundId, updated_at: now };
  return ok({
    row: { ...current, ...changes },
    writes: [updateReturnQuery(tx, ctx.tenant, id, changes)],
    events: [],
  });
}
