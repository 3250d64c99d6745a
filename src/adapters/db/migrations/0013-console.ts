import { type Kysely, sql } from 'kysely';
import { timestamps } from './columns.js';

// The operator console's people: users of one account (owner, support, viewer) who sign
// in with an email and a password (argon2id), and their browser sessions. Only hashes of
// passwords, invite tokens and session tokens are stored.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('console_users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('name', 'text')
    .addColumn('role', 'text', (c) =>
      c.notNull().check(sql`role in ('owner', 'support', 'viewer')`),
    )
    // What a support user may refund at once, in the account's minor units (null: nothing).
    .addColumn('refund_limit', 'bigint')
    .addColumn('password_hash', 'text')
    .addColumn('invite_token_hash', 'text')
    .addColumn('invite_expires_at', 'timestamptz')
    .addColumn('disabled_at', 'timestamptz')
    .$call(timestamps)
    .execute();
  // One person signs in with one email: an email belongs to one console user anywhere.
  await sql`create unique index console_users_email on console_users (lower(email))`.execute(db);
  await sql`create unique index console_users_invite on console_users (invite_token_hash) where invite_token_hash is not null`.execute(
    db,
  );
  await db.schema
    .createTable('console_sessions')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('console_users.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('console_sessions').execute();
  await db.schema.dropTable('console_users').execute();
}
