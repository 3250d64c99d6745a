import { selectReturnById } from '../../adapters/db/repos/returns-repo.js';
import type { ReturnRow } from '../../adapters/db/schema-returns.js';
import { fail, missing, ok, type Result } from '../../domain/errors.js';
import { updatedMetadata } from '../../domain/metadata.js';
import type { ReturnReason } from '../../domain/returns/return-values.js';
import type { ChangeContext, CommandContext, Update } from '../shared/command-context.js';
import type { MetadataUpdate } from '../shared/updates.js';
import { moveReturnRow } from './return-moves.js';
import { refundExchangeRest } from './settle-exchange.js';
import { settleReturn } from './settle-return.js';

export interface UpdateReturnInput extends MetadataUpdate {
  readonly reason?: ReturnReason | undefined;
}

async function orderOf(ctx: ChangeContext, id: string): Promise<Result<ReturnRow>> {
  const row = await selectReturnById(ctx.deps.db, ctx.tenant, id);
  return row ? ok(row) : fail(missing('return'));
}

/** Changes a return's reason or metadata, in any status. */
export async function updateReturn(
  ctx: ChangeContext,
  { id, changes }: Update<UpdateReturnInput>,
): Promise<Result<ReturnRow>> {
  const found = await orderOf(ctx, id);
  if (!found.ok) return found;
  return moveReturnRow(ctx, {
    orderId: found.value.order_id,
    id,
    action: 'update',
    step: (current) => {
      const metadata = updatedMetadata(current.metadata, changes.metadata, 'return');
      if (!metadata.ok) return metadata;
      return ok({ reason: changes.reason ?? current.reason, metadata: metadata.value });
    },
  });
}

/**
 * The buyer's goods arrived: a return that restocks puts its units back; one that settles
 * on receipt (`refund_on: "received"`) is refunded (and its exchange made) now.
 */
export async function receiveReturn(
  ctx: CommandContext,
  { id }: { readonly id: string },
): Promise<Result<ReturnRow>> {
  return stepReturn(ctx, id, 'receive');
}

/** The return is done: one that settles on completion is refunded (and exchanged) now. */
export async function completeReturn(
  ctx: CommandContext,
  { id }: { readonly id: string },
): Promise<Result<ReturnRow>> {
  return stepReturn(ctx, id, 'complete');
}

/** Cancels a return not yet settled: its units are free to return again. */
export async function cancelReturn(
  ctx: ChangeContext,
  { id }: { readonly id: string },
): Promise<Result<ReturnRow>> {
  const found = await orderOf(ctx, id);
  if (!found.ok) return found;
  return moveReturnRow(ctx, { orderId: found.value.order_id, id, action: 'cancel' });
}

async function stepReturn(
  ctx: CommandContext,
  id: string,
  action: 'receive' | 'complete',
): Promise<Result<ReturnRow>> {
  const found = await orderOf(ctx, id);
  if (!found.ok) return found;
  const row = found.value;
  if (row.settled_at && row.exchange_order_id && !row.refund_id) {
    // Stopped between an exchange and the refund of its rest: finish that first.
    const finished = await refundExchangeRest(ctx, row.id);
    if (!finished.ok) return finished;
    if (finished.value.refunded && finished.value.row.status === STEP_OF[action]) {
      return ok(finished.value.row);
    }
  }
  const settles = row.settled_at === null && row.refund_on === STEP_OF[action];
  if (settles) return settleReturn(ctx, { row, action });
  return moveReturnRow(ctx, { orderId: row.order_id, id, action });
}

const STEP_OF = { receive: 'received', complete: 'completed' } as const;
