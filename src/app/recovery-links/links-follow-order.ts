import type { Kysely } from 'kysely';
import type { Write } from '../../adapters/db/one-statement.js';
import { completeActiveLinksQuery } from '../../adapters/db/repos/recovery-links-repo.js';
import type { Database, EventRow } from '../../adapters/db/schema.js';
import type { ChangeContext } from '../shared/command-context.js';
import { completedLinkEvents } from './recovery-link-views.js';

/**
 * A recovery link follows its order, however the order is paid (the link's page, `/pay`,
 * a checkout session, an invoice): the change that makes the order PAID completes its
 * active links in the same statement (`recovery_link.completed` each, with the balance
 * now 0). Only active links change, so this happens once.
 */
export function linksCompletedWithOrder(
  tx: Kysely<Database>,
  ctx: ChangeContext,
  {
    orderId,
    currency,
    now,
  }: { readonly orderId: string; readonly currency: string; readonly now: Date },
): {
  readonly write: Write;
  readonly events: (rows: readonly Record<string, unknown>[] | undefined) => EventRow[];
} {
  return {
    write: completeActiveLinksQuery(tx, orderId, now),
    events: (rows) =>
      completedLinkEvents(ctx, {
        rows,
        order: { id: orderId, currency, balance: 0, status: 'PAID' },
        publicUrl: ctx.deps.publicUrl,
      }),
  };
}
