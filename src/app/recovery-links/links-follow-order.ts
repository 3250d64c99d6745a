import type { Kysely } from 'kysely';
import type { Write } from '../../adapters/db/one-statement.js';
import { endActiveLinksQuery } from '../../adapters/db/repos/recovery-links-repo.js';
import type { Database, NewEventRow } from '../../adapters/db/schema.js';
import type { ChangeContext } from '../shared/command-context.js';
import { endedLinkEvents } from './recovery-link-views.js';

/**
 * A recovery link follows its order: the change that makes the order PAID, however it is
 * paid (the link's page, `/pay`, a checkout session, an invoice), completes its active
 * links, and the one that cancels it deactivates them — in that change's statement, with
 * one `recovery_link.completed` (or `.deactivated`) each. Only active links change, so
 * this happens once.
 */
export function linksEndedWithOrder(
  tx: Kysely<Database>,
  ctx: ChangeContext,
  p: {
    readonly orderId: string;
    readonly currency: string;
    /** The order's balance after the change. */
    readonly balance: number;
    readonly end: 'completed' | 'deactivated';
    readonly now: Date;
  },
): {
  readonly write: Write;
  readonly events: (rows: readonly Record<string, unknown>[] | undefined) => NewEventRow[];
} {
  return {
    write: endActiveLinksQuery(tx, p.orderId, p.end, p.now),
    events: (rows) =>
      endedLinkEvents(ctx, {
        rows,
        type: p.end === 'completed' ? 'recovery_link.completed' : 'recovery_link.deactivated',
        order: { id: p.orderId, currency: p.currency, balance: p.balance },
        publicUrl: ctx.deps.publicUrl,
      }),
  };
}
