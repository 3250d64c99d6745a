import { type Kysely, sql } from 'kysely';
import type { Tenant } from '../../../domain/tenant.js';
import type { Database } from '../schema.js';
import type { EmailRow } from '../schema-mail.js';
import { scoped } from '../scoped.js';
import { type ListRows, tableRows } from '../table-rows.js';
import { DB_NOW } from './webhook-deliveries-repo.js';
import type { WorkerScope } from './webhook-outbox-repo.js';

const emails = tableRows('emails', {
  json: [],
  filters: { to: 'to_address', kind: 'kind', related_object_id: 'object_id' },
});

export const selectEmailById = emails.byId;

export interface EmailFilter {
  readonly to?: string | undefined;
  readonly kind?: EmailRow['kind'] | undefined;
  readonly related_object_id?: string | undefined;
}

export const listEmails: ListRows<EmailFilter, EmailRow> = emails.list;

/**
 * Writes a new mail unless the tenant already has one with its `dedupe_key`; answers the
 * row written, or the one that was there. In the caller's transaction: a rollback takes
 * the mail with it, and a concurrent writer of the same key waits for this one's end.
 */
export async function insertEmail(
  db: Kysely<Database>,
  row: EmailRow,
): Promise<{ readonly row: EmailRow; readonly duplicate: boolean }> {
  const inserted = await db
    .insertInto('emails')
    .values(row)
    .onConflict((oc) => oc.columns(['account_id', 'mode', 'dedupe_key']).doNothing())
    .returningAll()
    .executeTakeFirst();
  if (inserted) return { row: inserted, duplicate: false };
  const tenant: Tenant = { accountId: row.account_id, mode: row.mode };
  const existing = await db
    .selectFrom('emails')
    .selectAll()
    .$call(scoped(tenant))
    .where('dedupe_key', '=', row.dedupe_key)
    .executeTakeFirstOrThrow();
  return { row: existing, duplicate: true };
}

/**
 * Takes a lease on up to `limit` live-mode mails due for an attempt (rows another worker
 * holds are skipped) and returns them with their new `locked_until`. The lease is committed
 * before the mail is sent, so a crashed worker's mail is taken over once `leaseMs` has
 * passed by the database's clock. Test-mode mail is never queued, and never claimed.
 */
export async function claimDueEmails(
  db: Kysely<Database>,
  scope: WorkerScope,
  { now, leaseMs, limit }: { readonly now: Date; readonly leaseMs: number; readonly limit: number },
): Promise<Array<EmailRow & { locked_until: Date }>> {
  if (scope.accountIds?.length === 0) return [];
  let due = db
    .selectFrom('emails')
    .select('id')
    .where('status', '=', 'queued')
    .where('mode', '=', 'live')
    .where('next_attempt_at', '<=', now)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', DB_NOW)]));
  if (scope.accountIds) due = due.where('account_id', 'in', scope.accountIds);
  const claimed = await db
    .updateTable('emails')
    .set({ locked_until: sql<Date>`${DB_NOW} + ${leaseMs} * interval '1 millisecond'` })
    .where('id', 'in', due.orderBy('next_attempt_at').limit(limit).forUpdate().skipLocked())
    .returningAll()
    .execute();
  return claimed as Array<EmailRow & { locked_until: Date }>;
}

export type EmailChanges = Partial<
  Pick<
    EmailRow,
    | 'status'
    | 'from_address'
    | 'attempt_count'
    | 'next_attempt_at'
    | 'locked_until'
    | 'last_error'
    | 'provider_message_id'
    | 'sent_at'
  >
> &
  Pick<EmailRow, 'updated_at'>;

/**
 * Records what an attempt came to, only while the caller still holds its lease on a queued
 * mail; false when it does not (the lease ran out and another worker took the mail over).
 */
export async function updateLeasedEmail(
  db: Kysely<Database>,
  row: EmailRow & { readonly locked_until: Date },
  changes: EmailChanges,
): Promise<boolean> {
  const updated = await db
    .updateTable('emails')
    .set(changes)
    .$call(scoped({ accountId: row.account_id, mode: row.mode }))
    .where('id', '=', row.id)
    .where('status', '=', 'queued')
    .where('locked_until', '=', row.locked_until)
    .returning('id')
    .execute();
  return updated.length > 0;
}
