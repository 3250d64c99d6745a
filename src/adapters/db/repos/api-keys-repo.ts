import type { Kysely } from 'kysely';
import type { Page, PageRequest } from '../pagination.js';
import type { ApiKeyRow, Database, Mode } from '../schema.js';
import { scoped } from '../scoped.js';
import { tableRows } from '../table-rows.js';

const apiKeys = tableRows('api_keys', { json: [] });

export const insertApiKey = apiKeys.insert;

/** The unrevoked key with this hash, or undefined. */
export async function selectActiveApiKeyByHash(
  db: Kysely<Database>,
  keyHash: string,
): Promise<ApiKeyRow | undefined> {
  return db
    .selectFrom('api_keys')
    .selectAll()
    .where('key_hash', '=', keyHash)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
}

export async function selectApiKey(
  db: Kysely<Database>,
  accountId: string,
  mode: Mode,
  id: string,
): Promise<ApiKeyRow | undefined> {
  return apiKeys.byId(db, { accountId, mode }, id);
}

export async function listApiKeys(
  db: Kysely<Database>,
  accountId: string,
  mode: Mode,
  page: PageRequest,
): Promise<Page<ApiKeyRow>> {
  return apiKeys.list(db, { accountId, mode }, {}, page);
}

/** Marks a key revoked (once); returns the row as it now is. */
export async function revokeApiKey(
  db: Kysely<Database>,
  accountId: string,
  mode: Mode,
  id: string,
  at: Date,
): Promise<ApiKeyRow | undefined> {
  await db
    .updateTable('api_keys')
    .set({ revoked_at: at })
    .$call(scoped({ accountId, mode }))
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .execute();
  return selectApiKey(db, accountId, mode, id);
}

/** Records use of a key, at most once per `staleBefore` window. */
export async function touchApiKey(
  db: Kysely<Database>,
  id: string,
  at: Date,
  staleBefore: Date,
): Promise<void> {
  await db
    .updateTable('api_keys')
    .set({ last_used_at: at })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', staleBefore)]))
    .execute();
}
