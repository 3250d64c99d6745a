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
