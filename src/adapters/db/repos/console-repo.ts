import { type Kysely, sql } from 'kysely';
import { fetchPage, type Page, type PageRequest } from '../pagination.js';
import type { Database } from '../schema.js';
import type { ConsoleSessionRow, ConsoleUserRow } from '../schema-console.js';

export async function insertConsoleUser(db: Kysely<Database>, row: ConsoleUserRow): Promise<void> {
  await db.insertInto('console_users').values(row).execute();
}

export async function selectConsoleUser(
  db: Kysely<Database>,
  accountId: string,
  id: string,
): Promise<ConsoleUserRow | undefined> {
  return db
    .selectFrom('console_users')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function selectConsoleUserByEmail(
  db: Kysely<Database>,
  email: string,
): Promise<ConsoleUserRow | undefined> {
  return db
    .selectFrom('console_users')
    .selectAll()
    .where((eb) => eb(eb.fn('lower', ['email']), '=', email.toLowerCase()))
    .executeTakeFirst();
}

export async function selectConsoleUserByInvite(
  db: Kysely<Database>,
  tokenHash: string,
): Promise<ConsoleUserRow | undefined> {
  return db
    .selectFrom('console_users')
    .selectAll()
    .where('invite_token_hash', '=', tokenHash)
    .executeTakeFirst();
}

export async function listConsoleUsers(
  db: Kysely<Database>,
  accountId: string,
  page: PageRequest,
): Promise<Page<ConsoleUserRow>> {
  const query = db.selectFrom('console_users').selectAll().where('account_id', '=', accountId);
  return fetchPage(query, 'id', page);
}

export async function updateConsoleUser(
  db: Kysely<Database>,
  id: string,
  changes: Partial<Omit<ConsoleUserRow, 'id' | 'account_id' | 'created_at'>>,
): Promise<void> {
  await db.updateTable('console_users').set(changes).where('id', '=', id).execute();
}

export async function insertConsoleSession(
  db: Kysely<Database>,
  row: ConsoleSessionRow,
): Promise<void> {
  await db.insertInto('console_sessions').values(row).execute();
}

/** A live session and its user (enabled, signed up), or undefined. */
export async function selectConsoleSession(
  db: Kysely<Database>,
  tokenHash: string,
  now: Date,
): Promise<ConsoleUserRow | undefined> {
  return db
    .selectFrom('console_sessions')
    .innerJoin('console_users', 'console_users.id', 'console_sessions.user_id')
    .selectAll('console_users')
    .where('console_sessions.token_hash', '=', tokenHash)
    .where('console_sessions.expires_at', '>', now)
    .where('console_users.disabled_at', 'is', null)
    .executeTakeFirst();
}

export async function deleteConsoleSession(db: Kysely<Database>, tokenHash: string): Promise<void> {
  await db.deleteFrom('console_sessions').where('token_hash', '=', tokenHash).execute();
}

/** Ends every session of a user (disabled, or a new password). */
export async function deleteConsoleSessionsOf(db: Kysely<Database>, userId: string): Promise<void> {
  await db.deleteFrom('console_sessions').where('user_id', '=', userId).execute();
}

/**
 * Who these actors are, in words: a console user's email, an API key's name (or its
 * redacted form). One statement for both kinds; ids of other accounts name no one.
 */
export async function selectActorLabels(
  db: Kysely<Database>,
  accountId: string,
  ids: { readonly consoleUsers: readonly string[]; readonly apiKeys: readonly string[] },
): Promise<Map<string, string>> {
  if (ids.consoleUsers.length === 0 && ids.apiKeys.length === 0) return new Map();
  const users = db
    .selectFrom('console_users')
    .select(['id', 'email as label'])
    .where('account_id', '=', accountId)
    .where('id', 'in', ids.consoleUsers.length ? ids.consoleUsers : ['']);
  const keys = db
    .selectFrom('api_keys')
    .select(['id', sql<string>`coalesce(name, redacted)`.as('label')])
    .where('account_id', '=', accountId)
    .where('id', 'in', ids.apiKeys.length ? ids.apiKeys : ['']);
  const rows = await users.unionAll(keys).execute();
  return new Map(rows.map((row) => [row.id, row.label]));
}
