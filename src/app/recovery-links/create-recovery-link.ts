import type { Kysely } from 'kysely';
import { writeAsOne } from '../../adapters/db/one-statement.js';
import { insertEventsQuery } from '../../adapters/db/repos/events-repo.js';
import { selectOrderAggregate } from '../../adapters/db/repos/orders-repo.js';
import { insertRecoveryLinkQuery } from '../../adapters/db/repos/recovery-links-repo.js';
import type { Database } from '../../adapters/db/schema.js';
import type { RecoveryLinkRow } from '../../adapters/db/schema-recovery.js';
import { fail, missing, ok, type Result } from '../../domain/errors.js';
import { type Metadata, withoutEmptyValues } from '../../domain/metadata.js';
import { expiryAllowed, requireBalance } from '../../domain/recovery-links/recovery-link-state.js';
import type { RecoveryLinkSource } from '../../domain/recovery-links/recovery-link-values.js';
import type { RecoveryLinkView } from '../../resources/recovery-link.js';
import { scheduleJobIn } from '../jobs/schedule-jobs.js';
import { withOrderLock } from '../orders/change-order.js';
import type { ChangeContext } from '../shared/command-context.js';
import { newOwnedRow, newPageToken } from '../shared/ids.js';
import { RECOVERY_LINK_EXPIRY } from './recovery-link-jobs.js';
import { recoveryLinkEvent } from './recovery-link-views.js';

export interface CreateRecoveryLinkInput {
  /** RFC 3339, 30 minutes to 90 days from now; the link never expires when not given. */
  readonly expires_at?: string | undefined;
  readonly metadata?: Metadata | undefined;
}

/**
 * Makes a recovery link for an order's balance (`POST /v1/orders/{id}/recovery_links`):
 * an OPEN order with a balance above zero, under the order's lock so that a payment
 * completing it meanwhile either sees the link (and completes it) or comes first (and the
 * order has nothing left to recover: 409). The link holds no amount: its page collects the
 * order's balance as it is when the buyer pays.
 */
export async function createRecoveryLink(
  ctx: ChangeContext,
  { orderId, link }: { readonly orderId: string; readonly link: CreateRecoveryLinkInput },
): Promise<Result<RecoveryLinkView>> {
  const now = ctx.deps.clock.now();
  let expiresAt: Date | null = null;
  if (link.expires_at !== undefined) {
    expiresAt = new Date(link.expires_at);
    if (!expiryAllowed(expiresAt.getTime(), now.getTime())) {
      return fail({
        code: 'parameter_invalid',
        message: 'expires_at must be between 30 minutes and 90 days from now',
        loc: ['recovery_link', 'expires_at'],
      });
    }
  }
  return withOrderLock(ctx, orderId, (tx, at) =>
    makeRecoveryLinkIn(tx, ctx, {
      orderId,
      source: 'api',
      sourceId: null,
      expiresAt,
      metadata: withoutEmptyValues(link.metadata ?? {}),
      now: at,
    }),
  );
}

/**
 * The link's row, event and expiry job, written in the caller's transaction under the
 * order's lock (the API's create, automatic recovery): refused when the order has no
 * balance left.
 */
export async function makeRecoveryLinkIn(
  tx: Kysely<Database>,
  ctx: ChangeContext,
  p: {
    readonly orderId: string;
    readonly source: RecoveryLinkSource;
    readonly sourceId: string | null;
    readonly expiresAt: Date | null;
    readonly metadata: Metadata;
    readonly now: Date;
  },
): Promise<Result<RecoveryLinkView>> {
  const { tenant } = ctx;
  const aggregate = await selectOrderAggregate(tx, tenant, p.orderId);
  if (!aggregate) return fail({ ...missing('order'), loc: ['order_id'] });
  const { order } = aggregate;
  const balance = requireBalance({ ...order, payments: aggregate.payments });
  if (!balance.ok) return balance;
  const link: RecoveryLinkRow = {
    ...newOwnedRow('rl', tenant),
    order_id: order.id,
    status: 'active',
    // 192 random bits: the page's address is the capability.
    token: newPageToken(),
    source: p.source,
    source_id: p.sourceId,
    expires_at: p.expiresAt,
    completed_at: null,
    expired_at: null,
    deactivated_at: null,
    metadata: p.metadata,
    created_at: p.now,
    updated_at: p.now,
  };
  const view: RecoveryLinkView = { link, order };
  if (p.expiresAt) {
    await scheduleJobIn(tx, tenant, {
      kind: RECOVERY_LINK_EXPIRY,
      key: `recovery_link:${link.id}:expire`,
      payload: { recovery_link_id: link.id },
      runAt: p.expiresAt,
    });
  }
  await writeAsOne(tx, [
    insertRecoveryLinkQuery(tx, link),
    insertEventsQuery(tx, [
      recoveryLinkEvent(ctx, {
        type: 'recovery_link.created',
        view,
        publicUrl: ctx.deps.publicUrl,
      }),
    ]),
  ]);
  return ok(view);
}
