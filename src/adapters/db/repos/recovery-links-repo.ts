import type { Kysely } from 'kysely';
import type { RecoveryLinkStatus } from '../../../domain/recovery-links/recovery-link-values.js';
import type { Tenant } from '../../../domain/tenant.js';
import type { Database } from '../schema.js';
import type { RecoveryLinkRow } from '../schema-recovery.js';
import { scoped } from '../scoped.js';
import { type ListRows, tableRows } from '../table-rows.js';

const links = tableRows('recovery_links', {
  json: ['metadata'],
  filters: { status: 'status', order_id: 'order_id' },
});

/** The insert of a new link, to run with its event. */
export const insertRecoveryLinkQuery = links.insertQuery;
export const selectRecoveryLinkById = links.byId;
/** Reads a link and locks it until the transaction ends. */
export const lockRecoveryLinkById = links.lockById;
/** The update of a link, to run with its event. */
export const updateRecoveryLinkQuery = links.updateQuery;

export interface RecoveryLinkFilter {
  readonly status?: RecoveryLinkStatus | undefined;
  readonly order_id?: string | undefined;
}
export const listRecoveryLinks: ListRows<RecoveryLinkFilter, RecoveryLinkRow> = links.list;

/** The link of a hosted page's token, in any account: the token is the capability. */
export function selectRecoveryLinkByToken(
  db: Kysely<Database>,
  token: string,
): Promise<RecoveryLinkRow | undefined> {
  return db.selectFrom('recovery_links').selectAll().where('token', '=', token).executeTakeFirst();
}

/** The link automatic recovery made for `sourceId` (a session or a payment), if any. */
export function selectRecoveryLinkBySource(
  db: Kysely<Database>,
  tenant: Tenant,
  sourceId: string,
): Promise<RecoveryLinkRow | undefined> {
  return db
    .selectFrom('recovery_links')
    .selectAll()
    .$call(scoped(tenant))
    .where('source_id', '=', sourceId)
    .executeTakeFirst();
}

/**
 * Ends the order's active links, returning them as they now are: `completed` when its
 * balance was paid (by whatever path), `deactivated` when it was canceled. Run in the
 * statement that records the order's change.
 */
export function endActiveLinksQuery(
  db: Kysely<Database>,
  orderId: string,
  status: 'completed' | 'deactivated',
  at: Date,
) {
  const stamp = status === 'completed' ? { completed_at: at } : { deactivated_at: at };
  return db
    .updateTable('recovery_links')
    .set({ status, ...stamp, updated_at: at })
    .where('order_id', '=', orderId)
    .where('status', '=', 'active')
    .returningAll();
}

/** Whether the account recovers abandoned balances by itself in this mode (off by default). */
export async function selectRecoverySettings(
  db: Kysely<Database>,
  tenant: Tenant,
): Promise<{ readonly automatic_recovery: boolean }> {
  const row = await db
    .selectFrom('recovery_settings')
    .select(['automatic_recovery'])
    .$call(scoped(tenant))
    .executeTakeFirst();
  return row ?? { automatic_recovery: false };
}

export async function upsertRecoverySettings(
  db: Kysely<Database>,
  tenant: Tenant,
  settings: { readonly automatic_recovery: boolean },
): Promise<void> {
  await db
    .insertInto('recovery_settings')
    .values({ account_id: tenant.accountId, mode: tenant.mode, ...settings })
    .onConflict((oc) => oc.columns(['account_id', 'mode']).doUpdateSet(settings))
    .execute();
}
