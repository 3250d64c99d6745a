import type { Kysely } from 'kysely';
import type { AccountRow, Database } from '../schema.js';

export async function insertAccount(db: Kysely<Database>, row: AccountRow): Promise<void> {
  await db
    .insertInto('accounts')
    .values({ ...row, metadata: JSON.stringify(row.metadata) })
    .execute();
}

export async function selectAccountById(
  db: Kysely<Database>,
  id: string,
): Promise<AccountRow | undefined> {
  return db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Reads an account and locks its row until the transaction ends. */
export async function lockAccountById(
  db: Kysely<Database>,
  id: string,
): Promise<AccountRow | undefined> {
  return db
    .selectFrom('accounts')
    .selectAll()
    .where('id', '=', id)
    .forNoKeyUpdate()
    .executeTakeFirst();
}

export type AccountChanges = Partial<Pick<AccountRow, 'name' | 'tax_shipping' | 'metadata'>> &
  Pick<AccountRow, 'updated_at'>;

export async function updateAccount(
  db: Kysely<Database>,
  id: string,
  changes: AccountChanges,
): Promise<void> {
  const { metadata, ...rest } = changes;
  await db
    .updateTable('accounts')
    .set(metadata === undefined ? rest : { ...rest, metadata: JSON.stringify(metadata) })
    .where('id', '=', id)
    .execute();
}
