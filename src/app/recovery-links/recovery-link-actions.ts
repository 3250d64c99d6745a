import type { Kysely } from 'kysely';
import { writeAsOne } from '../../adapters/db/one-statement.js';
import { insertEventsQuery } from '../../adapters/db/repos/events-repo.js';
import {
  lockRecoveryLinkById,
  updateRecoveryLinkQuery,
} from '../../adapters/db/repos/recovery-links-repo.js';
import type { Database } from '../../adapters/db/schema.js';
import type { RecoveryLinkRow } from '../../adapters/db/schema-recovery.js';
import { transact } from '../../adapters/db/transact.js';
import { fail, missing, ok, type Result } from '../../domain/errors.js';
import { updatedMetadata } from '../../domain/metadata.js';
import { moveRecoveryLink } from '../../domain/recovery-links/recovery-link-state.js';
import type { RecoveryLinkView } from '../../resources/recovery-link.js';
import type { ChangeContext, Update } from '../shared/command-context.js';
import type { MetadataUpdate } from '../shared/updates.js';
import { type RecoveryLinkEventType, recoveryLinkEvent, viewOf } from './recovery-link-views.js';

/** The merchant's and the expiry's moves of a link, each with the one event it records. */
const MOVES = {
  deactivate: { event: 'recovery_link.deactivated', stamp: 'deactivated_at' },
  expire: { event: 'recovery_link.expired', stamp: 'expired_at' },
} as const satisfies Record<
  string,
  { readonly event: RecoveryLinkEventType; readonly stamp: keyof RecoveryLinkRow }
>;

/**
 * Moves a link through its transition table, in one transaction under the link's lock:
 * its new status, when, and its event; a wrong move (a completed link deactivated) is the
 * 409 naming the allowed actions, and changes nothing.
 */
export function moveRecoveryLinkRow(
  ctx: ChangeContext,
  move: { readonly id: string; readonly action: keyof typeof MOVES },
): Promise<Result<RecoveryLinkView>> {
  return transact(ctx.deps.db, (tx) => moveRecoveryLinkIn(tx, ctx, move));
}

/** `moveRecoveryLinkRow` in the caller's transaction (a due job's completion). */
export async function moveRecoveryLinkIn(
  tx: Kysely<Database>,
  ctx: ChangeContext,
  { id, action }: { readonly id: string; readonly action: keyof typeof MOVES },
): Promise<Result<RecoveryLinkView>> {
  const { deps, tenant } = ctx;
  const current = await lockRecoveryLinkById(tx, tenant, id);
  if (!current) return fail(missing('recovery link'));
  const to = moveRecoveryLink(current.status, action);
  if (!to.ok) return to;
  const now = deps.clock.now();
  const { event, stamp } = MOVES[action];
  const changes = { status: to.value, [stamp]: now, updated_at: now };
  const view = await viewOf(tx, tenant, { ...current, ...changes });
  await writeAsOne(
    tx,
    [
      updateRecoveryLinkQuery(tx, tenant, id, changes),
      insertEventsQuery(tx, [
        recoveryLinkEvent(ctx, { type: event, view, publicUrl: deps.publicUrl }),
      ]),
    ],
    { last: true },
  );
  return ok(view);
}

/** Stops a link taking payment: its page says so from now on. */
export function deactivateRecoveryLink(
  ctx: ChangeContext,
  { id }: { readonly id: string },
): Promise<Result<RecoveryLinkView>> {
  return moveRecoveryLinkRow(ctx, { id, action: 'deactivate' });
}

/** Changes a link's metadata (in any status), with `recovery_link.updated`. */
export function updateRecoveryLink(
  ctx: ChangeContext,
  { id, changes: input }: Update<MetadataUpdate>,
): Promise<Result<RecoveryLinkView>> {
  const { deps, tenant } = ctx;
  return transact(deps.db, async (tx) => {
    const current = await lockRecoveryLinkById(tx, tenant, id);
    if (!current) return fail(missing('recovery link'));
    const metadata = updatedMetadata(current.metadata, input.metadata, 'recovery_link');
    if (!metadata.ok) return metadata;
    const changes = { metadata: metadata.value, updated_at: deps.clock.now() };
    const before = await viewOf(tx, tenant, current);
    const view: RecoveryLinkView = { ...before, link: { ...current, ...changes } };
    await writeAsOne(
      tx,
      [
        updateRecoveryLinkQuery(tx, tenant, id, changes),
        insertEventsQuery(tx, [
          recoveryLinkEvent(ctx, {
            type: 'recovery_link.updated',
            view,
            before,
            publicUrl: deps.publicUrl,
          }),
        ]),
      ],
      { last: true },
    );
    return ok(view);
  });
}
